"""docs/troubleshooting.rst explains every error crossenv reports, under its exit code.

The package is read with :mod:`ast`, and every construction ``X(message)`` of
a subclass ``X`` of :class:`crossenv.errors.CrossenvError` is collected
(``raise X(...)`` and ``return X(...)`` alike). Its message becomes a
*template*: the text known from the source, with a placeholder for each part
known only when it runs. The page must show each template inside one
literal (an inline literal, or one line of a literal block; a line continues
on the lines indented deeper below it) in the section whose title names
``X``, with anything at all (``PATH``, an example) in place of each
placeholder. Each class has one section, titled ``Exit code N: ...``.

How a message becomes a template:

* a string is its text; in an f-string each ``{...}`` is a placeholder,
  except a module constant (see next), which is its text;
* an upper-case module-level name bound to a string, also one of another
  crossenv module (``apt.MISSING_TOOLS``), is that string's template;
  ``a + b`` joins both;
* a call of a crossenv function with a single ``return`` (such as
  ``rust_std_mismatch(...)``) is the template of what it returns, with the
  call's arguments in place of the function's parameters;
* a local variable assigned once in its function (``message = f"..."``,
  then ``raise X(message)``) is the template of what it was given; one
  assigned more than once, a parameter, and anything else (``exc.strerror``,
  ``" ".join(...)``) is a placeholder;
* a function that *returns* an error instead of raising it (a factory:
  ``from_os_error``, ``_not_a_sysroot``) is read at each of its calls, with
  the call's arguments (or the parameters' defaults) for its parameters,
  error classes included: ``from_os_error(exc, f"cannot write to {x}",
  EnvDirError)`` makes ``EnvDirError("cannot write to {}: {}")`` and
  ``NoSpaceError("cannot write to {}: {}; nothing was left behind")``;
* a message that is nothing but a placeholder (``UsageError(message)`` in an
  argument parser) was written elsewhere: :data:`PASSED_ON` lists, per
  function, texts its section must show instead. A new one fails until it is
  listed there.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Type, Union

import pytest

from crossenv import errors

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "crossenv"
PAGE = REPO / "docs" / "troubleshooting.rst"

#: The error classes by name, and the classes' sections are titled after them.
CLASSES: Dict[str, Type[errors.CrossenvError]] = {
    name: value
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, errors.CrossenvError)
}

#: Messages made elsewhere, by ``FILE:FUNCTION``: texts the class's section must show.
PASSED_ON: Dict[str, Tuple[str, ...]] = {
    # crossenv-sysroot's parser turns argparse's own messages into UsageError.
    "crossenv/cli.py:Parser.error": (
        "unrecognized arguments: ",
        "expected at least one argument",
    ),
}

#: A message: its known text, and None for each part known only at run time.
Template = Tuple[Optional[str], ...]
PLACEHOLDER: Template = (None,)


@dataclasses.dataclass(frozen=True)
class ErrorClass:
    """A parameter bound to an error class (``other`` of ``from_os_error``)."""

    name: str


Binding = Union[Template, ErrorClass]


@dataclasses.dataclass(frozen=True)
class Frame:
    """Where an expression is read: its module, its function, and bound parameters."""

    module: Module
    function: Optional[ast.FunctionDef] = None
    bound: Dict[str, Binding] = dataclasses.field(default_factory=dict)

    def assigned(self, name: str) -> Optional[ast.expr]:
        """What the local variable ``name`` is given, if it is given once (else None)."""
        if self.function is None or name in {arg.arg for arg in self.function.args.args}:
            return None
        values: List[Optional[ast.expr]] = []
        for node in ast.walk(self.function):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                targets = [node.target]
            else:
                continue
            if any(isinstance(target, ast.Name) and target.id == name for target in targets):
                values.append(node.value)
        return values[0] if len(values) == 1 else None


@dataclasses.dataclass(frozen=True)
class Message:
    """One error the package can report."""

    cls: str
    template: Template
    where: str
    function: str

    def show(self) -> str:
        return "".join("{…}" if part is None else part for part in self.template)


@dataclasses.dataclass
class Module:
    """What the reader needs of one module of the package."""

    name: str
    path: Path
    tree: ast.Module
    #: Upper-case module-level names bound to an expression.
    constants: Dict[str, ast.expr]
    #: Top-level functions.
    functions: Dict[str, ast.FunctionDef]
    #: Imported names: local name -> (crossenv module, attribute or None for a module).
    imports: Dict[str, Tuple[str, Optional[str]]]


def join(parts: Sequence[Optional[str]]) -> Template:
    """Adjacent texts joined, adjacent placeholders made one."""
    result: List[Optional[str]] = []
    for part in parts:
        if part == "":
            continue
        if result and part is not None and result[-1] is not None:
            result[-1] = str(result[-1]) + part
        elif not (result and part is None and result[-1] is None):
            result.append(part)
    return tuple(result)


class Reader:
    """Reads every module of the package and finds the errors each constructs."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules: Dict[str, Module] = {}
        for path in sorted(root.rglob("*.py")):
            parts = path.relative_to(root.parent).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            self.modules[name] = Module(name, path, tree, {}, {}, {})
        for module in self.modules.values():
            self._index(module)
        self.factories = {
            (module.name, name)
            for module in self.modules.values()
            for name, function in module.functions.items()
            if self._is_factory(function)
        }

    def _index(self, module: Module) -> None:
        is_package = module.path.name == "__init__.py"
        package = module.name if is_package else module.name.rpartition(".")[0]
        for node in module.tree.body:
            if isinstance(node, ast.FunctionDef):
                module.functions[node.name] = node
            elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name) and target.id.isupper():
                        module.constants[target.id] = node.value
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    local = alias.asname or alias.name
                    if full in self.modules:
                        module.imports[local] = (full, None)
                    elif base in self.modules:
                        module.imports[local] = (base, alias.name)

    def _is_factory(self, function: ast.FunctionDef) -> bool:
        """Whether ``function`` returns an error it constructs (not raises it)."""
        params = {arg.arg for arg in function.args.args}
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Call):
                called = node.value.func
                if isinstance(called, ast.Name) and (called.id in CLASSES or called.id in params):
                    return True
        return False

    # -- following names ------------------------------------------------------

    def _target(self, module: Module, node: ast.expr) -> Optional[Tuple[Module, str]]:
        """The module and name that ``NAME`` or ``module.NAME`` refers to."""
        if isinstance(node, ast.Name):
            imported = module.imports.get(node.id)
            if imported is not None and imported[1] is not None:
                return self.modules[imported[0]], imported[1]
            return module, node.id
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            imported = module.imports.get(node.value.id)
            if imported is not None and imported[1] is None:
                return self.modules[imported[0]], node.attr
        return None

    def _function(self, module: Module, node: ast.expr) -> Optional[Tuple[Module, ast.FunctionDef]]:
        target = self._target(module, node)
        if target is None or target[1] not in target[0].functions:
            return None
        return target[0], target[0].functions[target[1]]

    def _class(self, frame: Frame, node: ast.expr) -> Optional[str]:
        """The error class that ``node`` names, if it names one."""
        if isinstance(node, ast.Name) and node.id in frame.bound:
            bound = frame.bound[node.id]
            return bound.name if isinstance(bound, ErrorClass) else None
        target = self._target(frame.module, node)
        if target is not None and target[0].name == "crossenv.errors" and target[1] in CLASSES:
            return target[1]
        return None

    def _enter(
        self, caller: Frame, call: ast.Call, module: Module, function: ast.FunctionDef
    ) -> Frame:
        """The frame of ``function``, its parameters bound to the call's arguments.

        A parameter the call does not give gets its default.
        """
        params = [arg.arg for arg in function.args.args]
        given: Dict[str, Tuple[Frame, ast.expr]] = {}
        defaults = function.args.defaults
        for name, default in zip(params[len(params) - len(defaults) :], defaults):
            given[name] = (Frame(module), default)
        for name, value in zip(params, call.args):
            given[name] = (caller, value)
        for keyword in call.keywords:
            if keyword.arg is not None:
                given[keyword.arg] = (caller, keyword.value)
        bound: Dict[str, Binding] = {}
        for name, (where, value) in given.items():
            cls = self._class(where, value)
            bound[name] = ErrorClass(cls) if cls else self.template(where, value)
        return Frame(module, function, bound)

    # -- templates -------------------------------------------------------------

    def template(self, frame: Frame, node: ast.expr, depth: int = 0) -> Template:
        """The template of the message expression ``node`` (see the module doc)."""
        if depth > 8:
            return PLACEHOLDER
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return join([node.value])
        if isinstance(node, ast.JoinedStr):
            parts: List[Optional[str]] = []
            for value in node.values:
                if isinstance(value, ast.Constant):
                    parts.append(str(value.value))
                elif (
                    isinstance(value, ast.FormattedValue)
                    and value.conversion == -1
                    and value.format_spec is None
                ):
                    parts += self.template(frame, value.value, depth + 1)
                else:
                    parts.append(None)
            return join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.template(frame, node.left, depth + 1)
            return join([*left, *self.template(frame, node.right, depth + 1)])
        if isinstance(node, ast.Name):
            if node.id in frame.bound:
                bound = frame.bound[node.id]
                return PLACEHOLDER if isinstance(bound, ErrorClass) else bound
            given = frame.assigned(node.id)
            if given is not None:
                return self.template(frame, given, depth + 1)
        if isinstance(node, (ast.Name, ast.Attribute)):
            target = self._target(frame.module, node)
            if target is not None and target[1].isupper() and target[1] in target[0].constants:
                constant = target[0].constants[target[1]]
                return self.template(Frame(target[0]), constant, depth + 1)
            return PLACEHOLDER
        if isinstance(node, ast.Call):
            found = self._function(frame.module, node.func)
            if found is not None:
                where, function = found
                returns = [n for n in ast.walk(function) if isinstance(n, ast.Return)]
                if len(returns) == 1 and returns[0].value is not None:
                    inner = self._enter(frame, node, where, function)
                    return self.template(inner, returns[0].value, depth + 1)
        return PLACEHOLDER

    # -- constructions -----------------------------------------------------------

    def messages(self) -> Iterator[Message]:
        """Every error the package constructs."""
        for module in self.modules.values():
            yield from self._visit(Frame(module), module.tree, [])

    def _visit(self, frame: Frame, node: ast.AST, stack: List[str]) -> Iterator[Message]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from self._visit(frame, child, [*stack, child.name])
                continue
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if stack or (frame.module.name, child.name) not in self.factories:
                    inner = (
                        Frame(frame.module, child) if isinstance(child, ast.FunctionDef) else frame
                    )
                    yield from self._visit(inner, child, [*stack, child.name])
                continue
            if isinstance(child, ast.Call):
                yield from self._call(frame, child, ".".join(stack))
            yield from self._visit(frame, child, stack)

    def _where(self, module: Module, node: ast.AST) -> str:
        path = module.path.relative_to(self.root.parent).as_posix()
        return f"{path}:{getattr(node, 'lineno', 0)}"

    def _call(self, frame: Frame, call: ast.Call, function: str) -> Iterator[Message]:
        where = self._where(frame.module, call)
        cls = self._class(frame, call.func)
        if cls is not None:
            text = self.template(frame, call.args[0]) if call.args else ()
            yield Message(cls, text, where, function)
            return
        found = self._function(frame.module, call.func)
        if found is None or (found[0].name, found[1].name) not in self.factories:
            return
        inner = self._enter(frame, call, *found)
        for node in ast.walk(found[1]):
            if isinstance(node, ast.Call):
                made = self._class(inner, node.func)
                if made is not None:
                    text = self.template(inner, node.args[0]) if node.args else ()
                    yield Message(made, text, where, function)


# -- the page ---------------------------------------------------------------------

UNDERLINE = re.compile(r"([=\-~^\"'`#*+])\1*")


def normalize(text: str) -> str:
    return " ".join(text.split())


def sections(text: str) -> List[Tuple[str, List[str]]]:
    """Each section of the page: its title and its lines, subsections included."""
    lines = text.splitlines()
    heads = [
        (index, lines[index].strip(), lines[index + 1][0])
        for index in range(len(lines) - 1)
        if lines[index].strip()
        and not lines[index][0].isspace()
        and UNDERLINE.fullmatch(lines[index + 1])
        and len(lines[index + 1]) >= len(lines[index].rstrip())
    ]
    levels: Dict[str, int] = {}
    for _, _, char in heads:
        levels.setdefault(char, len(levels))
    result = []
    for number, (index, title, char) in enumerate(heads):
        end = next(
            (later for later, _, c in heads[number + 1 :] if levels[c] <= levels[char]),
            len(lines),
        )
        result.append((title, lines[index + 2 : end]))
    return result


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def literals(lines: Sequence[str]) -> List[str]:
    """The inline literals of ``lines`` and each (logical) line of their literal blocks."""
    found = [normalize(text) for text in re.findall(r"``(.+?)``", " ".join(lines))]
    index = 0
    while index < len(lines):
        stripped = lines[index].strip()
        starts = stripped.startswith(".. code-block::") or (
            stripped.endswith("::") and not stripped.startswith("..")
        )
        index += 1
        if not starts:
            continue
        outer = _indent(lines[index - 1])
        block: List[str] = []
        while index < len(lines) and (not lines[index].strip() or _indent(lines[index]) > outer):
            block.append(lines[index])
            index += 1
        body = [line for line in block if line.strip() and not line.strip().startswith(":")]
        base = min((_indent(line) for line in body), default=0)
        current: List[str] = []
        for line in block:
            if not line.strip() or _indent(line) == base:
                if current:
                    found.append(normalize(" ".join(current)))
                current = [line] if line.strip() else []
            else:
                current.append(line)
        if current:
            found.append(normalize(" ".join(current)))
    return found


def pattern(template: Template) -> re.Pattern[str]:
    """What finds ``template`` in a literal, anything standing for a placeholder."""
    return re.compile(
        "".join(".+?" if part is None else re.escape(normalize(part)) for part in template)
    )


def shows(texts: Sequence[str], template: Template) -> bool:
    search = pattern(template).search
    return any(search(text) for text in texts)


# -- the tests ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def page() -> List[Tuple[str, List[str]]]:
    return sections(PAGE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def messages() -> List[Message]:
    return list(Reader(PACKAGE).messages())


def section_of(page: List[Tuple[str, List[str]]], cls: str) -> List[str]:
    """The lines of the one section whose title names ``cls``."""
    found = [lines for title, lines in page if f"``{cls}``" in title]
    assert len(found) == 1, f"docs/troubleshooting.rst needs one section titled with ``{cls}``"
    return found[0]


@pytest.mark.parametrize("cls", sorted(CLASSES))
def test_every_error_class_has_a_section_with_its_exit_code(
    page: List[Tuple[str, List[str]]], cls: str
) -> None:
    titles = [title for title, _ in page if f"``{cls}``" in title]
    assert len(titles) == 1, f"docs/troubleshooting.rst needs one section titled with ``{cls}``"
    code = CLASSES[cls].exit_code
    assert re.match(rf"Exit code {code}\b", titles[0]), (
        f"the section of {cls} must be titled 'Exit code {code}: ...', not {titles[0]!r}"
    )


def test_every_message_is_explained_under_its_class(
    page: List[Tuple[str, List[str]]], messages: List[Message]
) -> None:
    texts = {cls: literals(section_of(page, cls)) for cls in CLASSES}
    missing = [
        message
        for message in messages
        if any(part is not None for part in message.template)
        and not shows(texts[message.cls], message.template)
    ]
    assert not missing, (
        "docs/troubleshooting.rst does not show these messages in the section of their "
        "class (show each inside a literal there, with e.g. PATH for each {…}):\n"
        + "\n".join(f"  {m.cls:22} {m.where:32} {m.show()}" for m in missing)
    )


def test_messages_made_elsewhere_are_listed_and_shown(
    page: List[Tuple[str, List[str]]], messages: List[Message]
) -> None:
    opaque = [m for m in messages if all(part is None for part in m.template)]
    keys = {f"{m.where.split(':')[0]}:{m.function}": m for m in opaque}
    unlisted = sorted(set(keys) - set(PASSED_ON))
    assert not unlisted, (
        f"no message text can be read at {', '.join(keys[k].where for k in unlisted)}; "
        "list what the docs must show for it in PASSED_ON"
    )
    assert set(PASSED_ON) <= set(keys), "PASSED_ON lists a function that raises no such error"
    for key, wanted in PASSED_ON.items():
        texts = literals(section_of(page, keys[key].cls))
        lacking = [text for text in wanted if not any(text in literal for literal in texts)]
        assert not lacking, f"the {keys[key].cls} section must show {lacking} ({key})"


def test_the_reader_follows_constants_helpers_and_factories(messages: List[Message]) -> None:
    found = {(m.cls, m.show()) for m in messages}
    for expected in (
        ("SysrootError", "crossenv-sysroot needs apt-get and dpkg (Debian/Ubuntu)"),
        ("EnvDirError", "cannot write to {…}: {…}"),
        ("NoSpaceError", "cannot write to {…}: {…}; nothing was left behind"),
        ("CreationError", "cannot copy pip to {…}: {…}"),
        (
            "SysrootError",
            "{…} is not a crossenv-sysroot sysroot (no such directory); make one first: "
            "crossenv-sysroot --arch ARCH --release RELEASE {…}",
        ),
        (
            "SysrootError",
            "Debian's rustc is {…} but {…} {…} for {…}; --rust needs a sysroot of the "
            "Debian release this machine's rustc comes from",
        ),
        ("Interrupted", "interrupted; nothing was changed"),
    ):
        assert expected in found
    assert {m.cls for m in messages} >= set(CLASSES) - {"CrossenvError"}


def test_a_template_matches_a_literal_with_words_for_placeholders() -> None:
    lines = [
        "Text with ``crossenv: error: Host-python not found: PATH`` inline.",
        "",
        ".. code-block:: text",
        "",
        "   crossenv-sysroot: error: DEST is not a crossenv-sysroot sysroot",
        "     (no such directory); make one first: crossenv-sysroot --arch ARCH DEST",
        "   crossenv: error: compiler CC builds for TRIPLE",
        "",
        "After.",
    ]
    texts = literals(lines)
    assert shows(texts, ("Host-python not found: ", None))
    assert shows(texts, (None, " is not a crossenv-sysroot sysroot (no such directory)"))
    assert not shows(texts, ("compiler ", None, " builds for ", None, "; choose"))
    assert not shows(texts, ("After.",))


SAMPLE = """
from crossenv import words
from crossenv.errors import EnvDirError, UsageError, from_os_error
from .words import TOOL, explain


def local_once(path):
    message = f"{path} is {words.KIND}"
    raise UsageError(message)


def local_twice(path):
    message = "one"
    message = f"{path} two"
    raise UsageError(message)


def helper(name):
    raise UsageError(explain(name, "broken"))


def passed_on(message):
    raise UsageError(message)


def factory(exc, final):
    raise from_os_error(exc, f"cannot write {final}", EnvDirError)
"""

WORDS = """
TOOL = "the-tool"
KIND = TOOL + " data"


def explain(name, why):
    return f"{TOOL}: {name} is {why}"
"""


def test_the_reader_follows_the_rules_of_the_module_doc(tmp_path: Path) -> None:
    package = tmp_path / "crossenv"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "errors.py").write_text(
        (PACKAGE / "errors.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (package / "words.py").write_text(WORDS, encoding="utf-8")
    (package / "cli.py").write_text(SAMPLE, encoding="utf-8")
    found = {(m.function, m.cls, m.template) for m in Reader(package).messages()}
    assert found == {
        ("local_once", "UsageError", (None, " is the-tool data")),
        ("local_twice", "UsageError", (None,)),
        ("helper", "UsageError", ("the-tool: ", None, " is broken")),
        ("passed_on", "UsageError", (None,)),
        ("factory", "EnvDirError", ("cannot write ", None, ": ", None)),
        (
            "factory",
            "NoSpaceError",
            ("cannot write ", None, ": ", None, "; nothing was left behind"),
        ),
    }


#: Shell launchers in ``crossenv/templates``, with the title of the section of
#: the page that must show each message they print (``echo "..." >&2``).
LAUNCHERS: Dict[str, str] = {
    "cross-run.sh": "cross-run",
    "launcher.sh": "The environment's commands",
    "guard.sh": "The environment's commands",
}


def launcher_messages(text: str) -> List[Template]:
    """The template of each message a shell script prints: each ``$name`` a placeholder."""
    found: List[Template] = []
    for line in text.splitlines():
        match = re.fullmatch(r'\s*echo "(.*)" >&2', line)
        if match is not None:
            parts = re.split(r"\$\{?\w+\}?", match.group(1))
            found.append(join([part for text in parts for part in (None, text)][1:]))
    return found


def test_launcher_messages_are_found() -> None:
    script = 'if x; then\n    echo "cross-run: $qemu not found; install ${it}" >&2\nfi\necho ok\n'
    assert launcher_messages(script) == [("cross-run: ", None, " not found; install ", None)]


@pytest.mark.parametrize(("name", "title"), sorted(LAUNCHERS.items()))
def test_every_launcher_message_is_explained(
    page: List[Tuple[str, List[str]]], name: str, title: str
) -> None:
    found = launcher_messages((PACKAGE / "templates" / name).read_text(encoding="utf-8"))
    assert found, f"no message found in {name}"
    (lines,) = [lines for heading, lines in page if heading == title]
    texts = literals(lines)
    missing = [template for template in found if not shows(texts, template)]
    assert not missing, (
        f"docs/troubleshooting.rst does not show these messages of {name} in its "
        f"section {title!r}:\n" + "\n".join(f"  {''.join(p or '{…}' for p in m)}" for m in missing)
    )
