"""Command line: ``python -m crossenv HOST_PYTHON ENV_DIR``."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path
from typing import Callable, List, Optional, Tuple, Union

from . import __version__, cli, toolchain
from .builder import CrossEnvBuilder
from .errors import UsageError
from .options import parse_config_var, parse_env


def main_parser() -> argparse.ArgumentParser:
    """The argument parser (also used to document the options)."""
    parser = cli.Parser(
        prog="crossenv",
        description="Create a virtual environment in which pip, python -m build and "
        "setup.py cross-compile Python packages for the machine HOST_PYTHON runs on.",
    )
    parser.add_argument(
        "host_python",
        metavar="HOST_PYTHON",
        type=Path,
        help="the Host's Python interpreter (only its files are read)",
    )
    parser.add_argument(
        "env_dirs",
        metavar="ENV_DIR",
        type=Path,
        nargs="+",
        help="directory to create the environment in (several make several environments; "
        "an existing one is updated, and the files of yours in it are kept)",
    )
    tools = parser.add_argument_group("toolchain")
    tools.add_argument(
        "--cc",
        type=_compiler,
        help="C compiler for the Host, split into words like a shell does, e.g. "
        "'ccache aarch64-linux-gnu-gcc' (default: the one recorded in Host-python's "
        "sysconfigdata, found on PATH)",
    )
    tools.add_argument(
        "--cxx", type=_compiler, help="C++ compiler for the Host (shell words, as --cc)"
    )
    tools.add_argument("--ar", type=_compiler, help="archiver for the Host")
    tools.add_argument(
        "--compiler-launcher",
        metavar="LAUNCHER",
        type=_launcher,
        help="run every compile for the Host through LAUNCHER: ccache, sccache (also "
        "rustc's), distcc, icecc or buildcache; shell words, e.g. 'ccache distcc'",
    )
    tools.add_argument(
        "--toolchain-prefix",
        metavar="PREFIX",
        help="prefix of the cross tools, e.g. aarch64-linux-gnu- or "
        "/opt/tc/bin/arm-linux-gnueabihf-; used to name gcc, g++ and ar",
    )
    tools.add_argument(
        "--toolchain",
        choices=("gcc", "zig"),
        default="gcc",
        help="gcc: the Host's cross compilers on this machine (default); zig: zig cc "
        "from PyPI, installed into the Build layer, for the Host's glibc or --manylinux's",
    )
    tools.add_argument(
        "--relative-toolchain",
        action="store_true",
        help="record compilers by name, to be looked up on PATH at build "
        "time (default: their absolute paths now)",
    )
    tools.add_argument(
        "--sysroot",
        type=Path,
        help="the Host's root file system to compile and link against "
        "(default: inferred when HOST_PYTHON is SYSROOT/PREFIX/bin/python3.X)",
    )
    hostopts = parser.add_argument_group("Host description")
    hostopts.add_argument(
        "--sysconfigdata-file",
        type=Path,
        metavar="FILE",
        help="read this _sysconfigdata_*.py instead of searching for it",
    )
    hostopts.add_argument(
        "--config-var",
        action="append",
        type=parse_config_var,
        default=[],
        metavar="NAME=VALUE",
        help="override a sysconfig variable of the Host (repeatable)",
    )
    hostopts.add_argument(
        "--env",
        action="append",
        type=parse_env,
        default=[],
        metavar="NAME=VALUE",
        help="set an environment variable whenever Cross-python runs; "
        "operators: = (set), ?= (set if unset), += (append as it is, "
        "e.g. 'CFLAGS+= -O3'), := (append after ':') (repeatable)",
    )
    hostopts.add_argument(
        "--machine",
        help="os.uname().machine of the Host (default: from its GNU triple, e.g. aarch64, armv7l)",
    )
    hostopts.add_argument(
        "--sysconfig-platform",
        metavar="PLATFORM",
        type=_platform,
        help="platform of the Host as sysconfig.get_platform() says it, "
        "e.g. linux-armv7l (its tag form linux_armv7l is accepted too)",
    )
    hostopts.add_argument(
        "--platform-tag",
        action="append",
        default=[],
        metavar="TAG",
        help="accept wheels with this platform tag, e.g. manylinux2014_aarch64 "
        "(repeatable); the tags given replace the ones the Host's glibc would "
        "accept, as in crossenv 1.x",
    )
    hostopts.add_argument(
        "--manylinux",
        action="append",
        default=[],
        metavar="TAG",
        help="accept wheels with this platform tag, e.g. "
        "manylinux_2_17_aarch64; the first one also tags built wheels "
        "(repeatable)",
    )
    hostopts.add_argument(
        "--shebang",
        metavar="PATH",
        type=_shebang,
        help="interpreter for scripts installed by Cross-python's pip "
        "(default: the Host's own, e.g. /usr/bin/python3.11)",
    )
    hostopts.add_argument(
        "--strict",
        action="store_true",
        help="fail a build whose C extension failed and that fell back to pure "
        "Python, or that names a Build-machine folder missing from the sysroot "
        "(default: a warning)",
    )
    hostopts.add_argument(
        "--repair",
        action="store_true",
        help="pass each wheel pip builds through cross-repair: bundle the sysroot "
        "libraries it links, tag it manylinux (auditwheel, installed on first use)",
    )
    layers = parser.add_argument_group("environment")
    layers.add_argument(
        "--system-site-packages",
        action="store_true",
        help="give the Build layer access to Build-python's site-packages",
    )
    layers.add_argument(
        "--cross-prefix",
        metavar="DIR",
        type=Path,
        help="make the Cross-python layer in DIR instead of ENV_DIR/cross (a new or "
        "empty folder, or one crossenv made; ENV_DIR/cross links to it)",
    )
    layers.add_argument(
        "--clear",
        action="store_true",
        help="replace the layers of an existing environment (the Cross layer only "
        "when it is not at --cross-prefix)",
    )
    layers.add_argument("--clear-both", action="store_true", help="replace both layers")
    layers.add_argument(
        "--clear-cross", action="store_true", help="recreate only the Cross-python layer"
    )
    layers.add_argument(
        "--clear-build", action="store_true", help="recreate only the Build-python layer"
    )
    layers.add_argument(
        "--prompt", help="what activation shows before the prompt (default: ENV_DIR's name)"
    )
    layers.add_argument(
        "--without-pip",
        action="store_true",
        help="install no pip at all (implies --without-cross-pip)",
    )
    layers.add_argument(
        "--without-cross-pip", action="store_true", help="do not give Cross-python a pip"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="say more")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    parser.add_argument("--version", action="version", version=f"crossenv {__version__}")
    return parser


def _platform(tag: str) -> str:
    """``--sysconfig-platform``: sysconfig's spelling, from either spelling."""
    if "-" in tag:
        return tag
    system, sep, rest = tag.partition("_")
    if not sep or not rest:
        raise UsageError(f"--sysconfig-platform {tag!r}: expected e.g. linux-armv7l")
    return f"{system}-{rest}"


def _compiler(name: str) -> str:
    if not name.strip():
        raise UsageError("--cc: empty compiler name")
    return name


def _launcher(words: str) -> str:
    try:
        split = shlex.split(words)
    except ValueError as exc:
        raise UsageError(f"--compiler-launcher {words!r}: {exc}") from None
    unknown = [word for word in split if os.path.basename(word) not in toolchain.LAUNCHERS]
    if not split or unknown:
        raise UsageError(
            f"--compiler-launcher {words!r}: expected "
            f"{', '.join(sorted(toolchain.LAUNCHERS))} (or several, in the order they run)"
        )
    return words


def _shebang(path: str) -> str:
    if not path.startswith("/"):
        raise UsageError(f"--shebang {path!r}: expected an absolute path")
    if any(char.isspace() for char in path):
        raise UsageError(f"--shebang {path!r}: a #! line cannot name a path with white space")
    return path


def clear_layers(clear: bool, both: bool, cross: bool, build: bool) -> Union[str, Tuple[()]]:
    """What the ``--clear*`` options ask for, as :attr:`CrossEnvBuilder.clear` takes it."""
    if both or (cross and (build or clear)):
        return "both"
    if cross:
        return "cross"
    if clear:  # the Build layer, and the Cross layer unless it is at --cross-prefix
        return "default"
    return "build" if build else ()


def parse(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Parse and check a command line; a bad one raises :class:`UsageError`."""
    args = main_parser().parse_args(argv)
    if args.verbose and args.quiet:
        raise UsageError("--verbose and --quiet contradict each other; give one")
    return args


def builder(args: argparse.Namespace, log: Callable[[str], None]) -> CrossEnvBuilder:
    """The builder the parsed command line asks for."""
    return CrossEnvBuilder(
        host_python=args.host_python,
        host_sysroot=args.sysroot,
        host_sysconfigdata_file=args.sysconfigdata_file,
        host_cc=args.cc,
        host_cxx=args.cxx,
        host_ar=args.ar,
        compiler_launcher=args.compiler_launcher,
        toolchain_prefix=args.toolchain_prefix,
        toolchain=args.toolchain,
        cross_prefix=args.cross_prefix,
        host_relativize=args.relative_toolchain,
        host_config_vars=tuple(args.config_var),
        extra_env_vars=tuple(args.env),
        host_machine=args.machine,
        sysconfig_platform=args.sysconfig_platform,
        manylinux_tags=tuple(args.manylinux),
        platform_tags=tuple(args.platform_tag),
        shebang=args.shebang,
        strict=args.strict,
        repair=args.repair,
        system_site_packages=args.system_site_packages,
        with_build_pip=not args.without_pip,
        # As in crossenv 1.x: no pip anywhere.
        with_cross_pip=not (args.without_cross_pip or args.without_pip),
        clear=clear_layers(args.clear, args.clear_both, args.clear_cross, args.clear_build),
        prompt=args.prompt,
        verbose=args.verbose,
        log=log,
    )


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line; returns the exit code."""

    def command() -> None:
        args = parse(argv)

        def log(message: str) -> None:
            if not args.quiet:
                print(f"crossenv: {message}", file=sys.stderr)

        made = builder(args, log)
        for given in args.env_dirs:
            env_dir = Path(os.path.abspath(given))
            made.create(env_dir)
            log(f"done. Activate with: . {shlex.quote(str(env_dir / 'bin' / 'activate'))}")

    return cli.run("crossenv", command)


def entrypoint() -> None:
    """Console-script entry point."""
    cli.entrypoint(main)


if __name__ == "__main__":
    entrypoint()
