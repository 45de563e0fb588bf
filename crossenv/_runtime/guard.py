"""The compiler guard: every compile and link of a cross build passes through here.

Packages and their sub-builds probe the Build machine and hand the cross
compiler its paths: ``-I/usr/include``, ``-L/usr/lib/x86_64-linux-gnu``,
``-march=native``.  ``--sysroot`` does not remap an explicit ``-I`` or
``-L``, so without a guard the Host binary is built against the Build
machine's headers and libraries.  Like buildroot's toolchain wrapper and
Yocto's poisoned system directories, the guard rewrites each command before
the real compiler runs:

* an include or library folder of the Build machine (``/usr/include``,
  ``/usr/local/...``, ``/usr/lib/<Build multiarch>``, Build-python's own
  headers) becomes the same folder in the sysroot (with the Host's
  multiarch name) when that exists, and is dropped with a warning when not
  (an error with ``--strict``);
* ``-march=native``, ``-mcpu=native`` and ``-mtune=native`` (the Build
  machine's CPU) are dropped with a warning;
* an object file or archive of another machine given to the linker stops
  the build with one line naming it;
* ``--sysroot`` is added when a sub-build's command has none.

The environment's launchers named like the cross compiler run this module
with Build-python (``-I -S``: nothing but the standard library and this
package), so it stays cheap.  Its settings are the ``guard`` record of
``crossenv.json``.
"""

import os
import shlex
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Dict, List, Optional, Sequence, Tuple

#: Options whose value is a header folder, and options whose value is a library folder.
INCLUDE_OPTIONS = ("-isystem", "-idirafter", "-iquote", "-I")
LIBRARY_OPTIONS = ("-L",)
#: Linker options (inside ``-Wl,``) whose value is a library folder here, and
#: those whose value is a folder on the Host at run time (checked in this order).
LINKER_OPTIONS = ("-rpath-link", "-L")
RUN_PATH_OPTIONS = ("-rpath", "-R")
#: CPU options that would tune for the Build machine.
NATIVE_CPU = ("-march=native", "-mcpu=native", "-mtune=native")
#: Folders that belong to the Build machine on every Linux distribution.
SYSTEM_FOLDERS = (
    "/usr/include",
    "/usr/local",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libx32",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/opt/local",
)
#: Suffixes of the linker inputs whose machine is checked.
LINK_INPUTS = (".o", ".a", ".so", ".lo")


class GuardError(Exception):
    """A command the guard refuses; its text is the one line the user reads."""


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


class Guard:
    """Rewrite one compiler command for the Host (see the module doc)."""

    def __init__(self, settings: "Dict[str, Any]") -> None:
        self.sysroot: str = settings.get("sysroot", "")
        self.build_multiarch: str = settings.get("build_multiarch", "")
        self.host_multiarch: str = settings.get("host_multiarch", "")
        #: Build-python's header folders, and the Host's that replace them.
        self.python_includes: List[str] = settings.get("python_includes", [])
        self.host_include: str = settings.get("host_include", "")
        #: Other folders of Build-python's installation (its ``lib``, ``include``).
        self.python_folders: List[str] = settings.get("python_folders", [])
        #: Folders of this environment and the sysroot, never rewritten.
        self.own: List[str] = list(settings.get("own", []))
        here = os.getcwd()
        if not any(_under(folder, here) for folder in SYSTEM_FOLDERS):
            self.own.append(here)  # the package's own tree, even below /usr/local
        self.strict: bool = bool(settings.get("strict"))
        self.elf: Optional[Dict[str, Any]] = settings.get("elf")
        self.notes: List[str] = []

    def is_build_folder(self, path: str) -> bool:
        """Whether ``path`` is a folder of the Build machine a Host build must not read."""
        if any(_under(path, folder) for folder in self.own):
            return False
        if "/site-packages/" in path or "/dist-packages/" in path:
            # Build-side Python packages: header-only libraries (pybind11), or
            # headers the runtime serves for the Host (numpy).
            return False
        if any(_under(path, folder) for folder in self.python_includes + self.python_folders):
            return True
        return any(_under(path, folder) for folder in SYSTEM_FOLDERS)

    def host_folder(self, path: str) -> "Optional[str]":
        """Where ``path`` of the Build machine is for the Host, if it exists there."""
        if any(_under(path, folder) for folder in self.python_includes):
            return self.host_include or None
        if any(_under(path, folder) for folder in self.python_folders) or not self.sysroot:
            return None
        parts = path.split("/")
        if self.build_multiarch and self.host_multiarch:
            parts = [self.host_multiarch if p == self.build_multiarch else p for p in parts]
        moved = self.sysroot.rstrip("/") + "/".join(parts)
        return moved if os.path.isdir(moved) else None

    def folder(self, option: str, path: str) -> "Optional[str]":
        """The folder to give instead of ``path`` (None: drop the option)."""
        normal = os.path.normpath(path) if path.startswith("/") else path
        if not normal.startswith("/") or not self.is_build_folder(normal):
            return path
        moved = self.host_folder(normal)
        if moved is not None:
            return moved
        what = f"{option} {path} (a folder of the Build machine, not in the sysroot)"
        if self.strict:
            raise GuardError(f"{what}: refused (--strict)")
        self.notes.append(f"dropped {what}")
        return None

    def rewrite(self, args: "Sequence[str]") -> "List[str]":
        """The command's arguments for the Host."""
        result: List[str] = []
        words = iter(args)
        for word in words:
            if word in NATIVE_CPU:
                self.notes.append(f"dropped {word} (the Build machine's CPU)")
                continue
            option = _folder_option(word)
            if option is not None:
                value = word[len(option) :] or next(words, "")
                moved = self.folder(option, value)
                if moved is not None:
                    result.append(option + moved if word != option else option)
                    if word == option:
                        result.append(moved)
                continue
            if word.startswith("-Wl,"):
                linker = self.linker_words(word[4:].split(","))
                if linker:
                    result.append("-Wl," + ",".join(linker))
                continue
            result.append(word)
        if self.sysroot and not any(w == "--sysroot" or w.startswith("--sysroot=") for w in args):
            result.insert(0, f"--sysroot={self.sysroot}")
        return result

    def linker_words(self, words: "List[str]") -> "List[str]":
        """``-Wl,`` words with their library folders moved or dropped."""
        result: List[str] = []
        index = 0
        while index < len(words):
            word = words[index]
            for option in (*LINKER_OPTIONS, *RUN_PATH_OPTIONS):
                if word == option and index + 1 < len(words):
                    moved = self.moved(option, words[index + 1])
                    if moved is not None:
                        result += [word, moved]
                    index += 2
                    break
                if word.startswith(option) and word != option:
                    value = word[len(option) :].lstrip("=")
                    moved = self.moved(option, value)
                    if moved is not None:
                        result.append(word[: len(word) - len(value)] + moved)
                    index += 1
                    break
            else:
                result.append(word)
                index += 1
        return result

    def moved(self, option: str, value: str) -> "Optional[str]":
        """What a linker option's folder becomes (None: drop the option)."""
        if option not in RUN_PATH_OPTIONS:
            return self.folder(option, value)
        # A run-time path is a path on the Host: a folder that a build found in
        # the sysroot (pkg-config's -L turned into an rpath) loses the prefix.
        root = self.sysroot.rstrip("/")
        if root and _under(value, root) and value != root:
            return value[len(root) :]
        return value

    def check_inputs(self, args: "Sequence[str]") -> None:
        """Refuse object files and archives of another machine."""
        if not self.elf:
            return
        previous = ""
        for word in args:
            if previous != "-o" and not word.startswith("-") and _link_input(word):
                problem = foreign(word, self.elf)
                if problem:
                    raise GuardError(problem)
            previous = word


def _folder_option(word: str) -> "Optional[str]":
    for option in (*INCLUDE_OPTIONS, *LIBRARY_OPTIONS):
        if word.startswith(option):
            return option
    return None


def _link_input(word: str) -> bool:
    base = word.rsplit("/", 1)[-1]
    return base.endswith(LINK_INPUTS) or ".so." in base


def _first_member(path: str) -> "Optional[bytes]":
    """The first 64 bytes of the first object in the ``ar`` archive ``path``."""
    with open(path, "rb") as stream:
        if stream.read(8) != b"!<arch>\n":
            return None
        for _ in range(16):  # skip the symbol and long-name tables
            header = stream.read(60)
            if len(header) < 60:
                return None
            name, size = header[:16].strip(), int(header[48:58].strip() or 0)
            if name in (b"/", b"//", b"/SYM64/", b"__.SYMDEF", b"__.SYMDEF SORTED"):
                stream.seek(size + (size & 1), 1)
                continue
            return stream.read(64)
    return None


def foreign(path: str, elf: "Dict[str, Any]") -> str:
    """One line when ``path`` is an object or archive of another machine, else ""."""
    from .elf import describe, mismatch, read_header

    try:
        with open(path, "rb") as stream:
            data = stream.read(64)
        if data.startswith(b"!<arch>\n"):
            data = _first_member(path) or b""
    except (OSError, ValueError):
        return ""
    info = read_header(data)
    if info is None or mismatch(info, **elf) is None:
        return ""
    expected = mismatch(info, **elf) or ""
    host = expected.rpartition("expected ")[2]
    return (
        f"{path} is {describe(info)}, not for the Host ({host}): it was built for "
        "another machine (a sub-build that did not cross-compile?); refusing to link it"
    )


def report(lines: "Sequence[str]") -> None:
    """Show the guard's notes now, and keep them for pip's summary at its end."""
    from .config import keep_for_report

    for line in lines:
        print(f"crossenv: warning: {line}", file=sys.stderr)
    if lines:
        keep_for_report([f"compiler guard: {line}" for line in lines])


def settings_of(prefix: str) -> "Dict[str, Any]":
    """The guard record of the environment whose Cross-python prefix is ``prefix``."""
    from .config import CONFIG_FILE, read

    data: Dict[str, Any] = read(os.path.join(prefix, CONFIG_FILE)).get("guard", {})
    return data


def main(argv: "Optional[List[str]]" = None) -> "Tuple[str, List[str]]":
    """``PREFIX COMPILER ARGS...`` -> the command to run instead; exits on refusal.

    ``COMPILER`` is one word holding the compiler in shell words, after its
    launcher if it has one (``ccache /usr/bin/aarch64-linux-gnu-gcc``).
    """
    prefix, compiler, *args = sys.argv[1:] if argv is None else argv
    guard = Guard(settings_of(prefix))
    try:
        command = guard.rewrite(args)
        guard.check_inputs(command)
    except GuardError as exc:
        print(f"crossenv: error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    report(guard.notes)
    return compiler, command


def run() -> None:
    """Rewrite the command line of this process and become the real compiler."""
    compiler, command = main()
    words = shlex.split(compiler)
    try:
        os.execvp(words[0], [*words, *command])
    except OSError as exc:
        print(f"crossenv: error: cannot run {compiler}: {exc.strerror}", file=sys.stderr)
        raise SystemExit(127) from None
