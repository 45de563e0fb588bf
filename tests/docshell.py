"""The shell sessions of an .rst page, read so that tests run what the page shows.

The convention, for a page whose commands are run by tests:

* Commands are in ``.. code-block:: console`` blocks. A ``:name:`` option
  names a block (and gives it an anchor in the built HTML), so that a test
  can pick it.
* A line starting with ``$ `` is a command; a prompt before the ``$``, such
  as ``(cross) $ ``, is allowed. A command ending with a backslash goes on
  over the next lines, as in the shell.
* A line starting with ``# `` is a command for root. It is shown, never run
  by a test: the machine that runs the tests must already have what it does.
* The lines after a command, up to the next command, are its expected
  output (standard output and standard error together, as a terminal shows
  them). They are compared line by line with leading and trailing blanks
  ignored. ``...`` in a line stands for any text in that line; a line that
  is only ``...`` stands for any number of lines. A command shown without
  output lines has its output unchecked.
* A command must succeed, except one followed by ``echo $?``: then the
  status it printed is compared like any output.

The commands of a block run in one bash process, in order, so that ``cd``,
``. bin/activate`` and variables carry over from one to the next, as they
do for a reader who types them. Variables the page names (``$SYSROOT``,
``$ENV_DIR``, ...) are given to that shell as environment variables: the
text of a command is run unchanged.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import subprocess
import textwrap
import uuid
from pathlib import Path
from typing import List, Mapping, Optional, Sequence, Tuple

#: ``.. code-block:: LANGUAGE`` and the directives Sphinx takes as its synonyms.
_DIRECTIVE = re.compile(r"^(?P<indent>\s*)\.\. (?:code-block|code|sourcecode)::\s*(?P<lang>\S*)")
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*)$")
_PROMPT = re.compile(r"^(?:\([^()\s]+\) )?(?P<kind>[$#]) (?P<text>.*)$")

#: What prints the status of the command before it, which may then fail.
STATUS_COMMAND = "echo $?"


@dataclasses.dataclass(frozen=True)
class Command:
    """One command of a console block, with the output the page shows for it."""

    #: The command as bash reads it (continued lines joined by backslash-newline).
    text: str
    #: The lines shown after it; empty when its output is not shown.
    expected: Tuple[str, ...]
    #: Shown with root's ``#`` prompt: documented, never run by a test.
    root: bool
    #: Line number of the command in the page (1-based).
    line: int


@dataclasses.dataclass(frozen=True)
class Block:
    """One ``.. code-block:: console`` of a page."""

    #: Its ``:name:`` option, if any.
    name: Optional[str]
    #: Line number of the directive (1-based).
    line: int
    commands: Tuple[Command, ...]


@dataclasses.dataclass(frozen=True)
class Outcome:
    """What one command did when it was run."""

    command: Command
    #: Its exit status; None when the shell stopped before it finished.
    status: Optional[int]
    output: str


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _body(lines: Sequence[str], start: int, indent: int) -> Tuple[List[str], int]:
    """The lines from ``start`` indented deeper than ``indent``; and where they end."""
    end = start
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > indent):
        end += 1
    body = list(lines[start:end])
    while body and not body[-1].strip():
        body.pop()
    return body, end


def _commands(content: Sequence[str], first_line: int) -> Tuple[Command, ...]:
    """Commands and their outputs, from the dedented content of a console block."""
    commands: List[Command] = []
    current: Optional[Tuple[str, bool, int]] = None
    expected: List[str] = []

    def finish() -> None:
        if current is not None:
            while expected and not expected[-1].strip():
                expected.pop()
            text, root, line = current
            commands.append(Command(text, tuple(expected), root, line))
        expected.clear()

    index = 0
    while index < len(content):
        line = content[index]
        match = _PROMPT.match(line)
        if match is None:
            if current is None and line.strip():
                raise ValueError(f"line {first_line + index}: output before any command: {line!r}")
            expected.append(line)
            index += 1
            continue
        finish()
        start = index
        parts = [match.group("text")]
        while parts[-1].endswith("\\") and index + 1 < len(content):
            index += 1
            following = content[index]
            parts.append(following[2:] if following.startswith("> ") else following)
        current = ("\n".join(parts), match.group("kind") == "#", first_line + start)
        index += 1
    finish()
    return tuple(commands)


def _is_literal_intro(line: str) -> bool:
    """A paragraph line that makes the indented lines after it a literal block."""
    stripped = line.strip()
    return stripped.endswith("::") and not stripped.startswith("..")


def parse(text: str) -> List[Block]:
    """Every ``.. code-block:: console`` block of ``text``, in order."""
    lines = text.splitlines()
    blocks: List[Block] = []
    index = 0
    while index < len(lines):
        match = _DIRECTIVE.match(lines[index])
        if match is None or match.group("lang") != "console":
            index += 1
            continue
        indent = len(match.group("indent"))
        body, end = _body(lines, index + 1, indent)
        options = {}
        content_start = 0
        while content_start < len(body):
            option = _OPTION.match(body[content_start])
            if option is None:
                break
            options[option.group("key")] = option.group("value").strip()
            content_start += 1
        content = textwrap.dedent("\n".join(body[content_start:])).splitlines()
        while content and not content[0].strip():
            content.pop(0)
            content_start += 1
        first = index + 2 + content_start  # 1-based number of the first content line
        blocks.append(Block(options.get("name"), index + 1, _commands(content, first)))
        index = end
    return blocks


def read(path: Path) -> List[Block]:
    """:func:`parse` the page at ``path``."""
    return parse(path.read_text(encoding="utf-8"))


def stray_blocks(text: str) -> List[int]:
    """Line numbers of literal and code blocks that are not console blocks with commands.

    A test that runs a page's console blocks checks that this is empty, so a
    block written another way (``::``, ``.. code-block:: bash``, a prompt
    without its space) cannot be skipped without notice.
    """
    lines = text.splitlines()
    stray: List[int] = []
    index = 0
    while index < len(lines):
        match = _DIRECTIVE.match(lines[index])
        if match is not None:
            if match.group("lang") != "console":
                stray.append(index + 1)
            _, index = _body(lines, index + 1, len(match.group("indent")))
            continue
        if _is_literal_intro(lines[index]):
            stray.append(index + 1)
        index += 1
    stray.extend(block.line for block in parse(text) if not block.commands)
    return sorted(stray)


# --------------------------------------------------------------------------
# Running commands
# --------------------------------------------------------------------------


def script(commands: Sequence[Command], token: str) -> str:
    """A bash script that runs ``commands`` and marks where each one's output begins and ends.

    The shell stops after the first command that fails, unless the next
    command is :data:`STATUS_COMMAND`; the status is put back just before the
    next command runs, so that ``echo $?`` prints it.
    """
    lines = ["exec 2>&1", '__docshell_status() { return "$1"; }']
    for index, command in enumerate(commands):
        if command.root:
            raise ValueError(f"line {command.line}: {command.text!r} is for root; not run")
        following = commands[index + 1].text if index + 1 < len(commands) else ""
        lines.append(f"printf '%s begin %d\\n' {token} {index}")
        lines.append('__docshell_status "${__docshell_s:-0}"')
        lines.append(command.text)
        lines.append(f"__docshell_s=$?; printf '\\n%s end %d %d\\n' {token} {index} $__docshell_s")
        if following != STATUS_COMMAND:
            lines.append('[ "$__docshell_s" -eq 0 ] || exit "$__docshell_s"')
    return "\n".join(lines) + "\n"


def split_output(commands: Sequence[Command], token: str, output: str) -> List[Outcome]:
    """Each command's output and status, from the output of :func:`script`."""
    outcomes: List[Outcome] = []
    for index, command in enumerate(commands):
        begin = f"{token} begin {index}\n"
        start = output.find(begin)
        if start < 0:
            break
        start += len(begin)
        end = re.compile(rf"\n{token} end {index} (\d+)\n").search(output, start)
        if end is None:  # the shell exited (or was stopped) inside this command
            outcomes.append(Outcome(command, None, output[start:]))
            break
        outcomes.append(Outcome(command, int(end.group(1)), output[start : end.start()]))
    return outcomes


def run(
    commands: Sequence[Command],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float = 3600,
) -> List[Outcome]:
    """Run ``commands`` in one bash process; return what each did, up to the first failure."""
    token = f"docshell-{uuid.uuid4().hex}"
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", script(commands, token)],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        timeout=timeout,
    )
    return split_output(commands, token, done.stdout)


def _normal(lines: Sequence[str]) -> List[str]:
    result = [line.strip() for line in lines]
    while result and not result[-1]:
        result.pop()
    return result


def matches(expected: Sequence[str], output: str) -> bool:
    """Whether ``output`` is what ``expected`` shows (see the module's docstring)."""
    pattern = []
    for line in _normal(expected):
        if line == "...":
            pattern.append(r"(?:[^\n]*\n)*?")
        else:
            pattern.append(".*".join(map(re.escape, line.split("..."))) + r"\n")
    text = "".join(line + "\n" for line in _normal(output.splitlines()))
    return re.fullmatch("".join(pattern), text) is not None


def problem(commands: Sequence[Command], outcomes: Sequence[Outcome]) -> Optional[str]:
    """What went wrong when ``commands`` ran, with the output to show; None if nothing."""
    for index, outcome in enumerate(outcomes):
        command = outcome.command
        where = f"line {command.line}: $ {command.text}"
        following = commands[index + 1].text if index + 1 < len(commands) else ""
        if outcome.status is None:
            return f"{where}\ndid not finish; its output:\n{outcome.output[-8000:]}"
        if outcome.status != 0 and following != STATUS_COMMAND:
            return f"{where}\nexited {outcome.status}; its output:\n{outcome.output[-8000:]}"
        if command.expected and not matches(command.expected, outcome.output):
            shown = "\n".join(command.expected)
            return (
                f"{where}\nprinted what the page does not show.\n--- the page shows\n{shown}\n"
                f"--- it printed\n{outcome.output[-8000:]}"
            )
    if len(outcomes) < len(commands):
        missed = commands[len(outcomes)]
        return f"line {missed.line}: $ {missed.text}\nwas not run: the shell stopped before it"
    return None


def write_command(path: Path, argv: Sequence[str], environ: Mapping[str, str]) -> None:
    """Write ``path``, a program that runs ``argv`` and its own arguments with ``environ`` set.

    Tests use it to give the shell a command a reader has installed, such as
    ``crossenv-sysroot``, run from the source tree.
    """
    assigned = " ".join(f"{name}={shlex.quote(value)}" for name, value in environ.items())
    words = " ".join(shlex.quote(word) for word in argv)
    path.write_text(f'#!/bin/sh\n{assigned} exec {words} "$@"\n', encoding="utf-8")
    os.chmod(path, 0o755)
