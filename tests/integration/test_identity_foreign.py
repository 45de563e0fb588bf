"""On a big-endian Host and on a 32-bit Host, Cross-python reports what the real Host-python does.

arm64 has the Build machine's byte order and word size, so tests on arm64
alone cannot tell a value that Cross-python reports for the Host from one that
leaks through from Build-python. s390x (big-endian) and armhf (32-bit
pointers and longs) can. Each value is asked of Cross-python and of the real
Host-python under qemu-user: the real Host-python is the oracle.
"""

from __future__ import annotations

import os
from typing import Dict, Tuple

import pytest

from .conftest import Setup, load

pytestmark = pytest.mark.integration

#: Values that C code built for the Host depends on, and that build scripts
#: read to decide how to compile it: pycryptodome's setup.py, for one, takes
#: the byte order of its hash functions from ``sys.byteorder``.
EXPRESSIONS = (
    "sys.byteorder",
    "sys.maxsize",
    'struct.calcsize("P")',
    "ctypes.sizeof(ctypes.c_void_p)",
    "ctypes.sizeof(ctypes.c_long)",
    "sysconfig.get_platform()",
    "platform.machine()",
    "platform.architecture()[0]",
    "os.uname().machine",
    'sysconfig.get_config_var("SIZEOF_VOID_P")',
    "sys.float_info.mant_dig",
)

#: Asked as well, but not compared as a whole (see the platform tests).
PLATFORM = "platform.platform()"

#: (what Cross-python says, what the real Host-python says), by expression.
Answers = Tuple[Dict[str, object], Dict[str, object]]


def probe_script(expressions: Tuple[str, ...]) -> str:
    """A script that prints every expression's value as JSON, keyed by its source."""
    pairs = ", ".join(f"{expression!r}: {expression}" for expression in expressions)
    return (
        "import ctypes, json, os, platform, struct, sys, sysconfig\n"
        f"print(json.dumps({{{pairs}}}))\n"
    )


@pytest.fixture(scope="module")
def answers(foreign_setup: Setup) -> Answers:
    """Ask both interpreters once per Host: a Host-python under qemu takes seconds to start."""
    script = probe_script((*EXPRESSIONS, PLATFORM))
    cross = load(foreign_setup.run([foreign_setup.bin / "python", "-c", script]).stdout)
    real = load(foreign_setup.on_target(script))
    return cross, real


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_cross_python_reports_host_value(
    foreign_setup: Setup, answers: Answers, expression: str
) -> None:
    cross, real = answers
    assert cross[expression] == real[expression], (
        f"{expression} on {foreign_setup.arch}: Cross-python says {cross[expression]!r}, "
        f"the real Host-python says {real[expression]!r}"
    )


def test_oracle_is_not_the_build_machine(foreign_setup: Setup, answers: Answers) -> None:
    """The comparisons above prove something only if the oracle ran as the Host.

    Were the "real Host-python" Build-python after all (an emulator that is
    not used, a native binary in the sysroot), every comparison with a
    Cross-python that leaks Build values would pass.
    """
    _, real = answers
    script = probe_script(EXPRESSIONS)
    build = load(foreign_setup.run([foreign_setup.python, "-c", script]).stdout)
    differing = [expression for expression in EXPRESSIONS if build[expression] != real[expression]]
    assert differing, f"the real {foreign_setup.arch} Host-python answered as Build-python: {real}"


def test_platform_does_not_name_build_kernel(foreign_setup: Setup, answers: Answers) -> None:
    """The Build machine's kernel release is no fact about the Host.

    The real Host-python cannot be the oracle here: qemu-user passes the
    Build kernel's ``uname`` release through, so under qemu it names the Build
    kernel too. The release is taken from this test process instead.
    """
    cross, _ = answers
    release = os.uname().release
    assert release not in str(cross[PLATFORM]), (
        f"{PLATFORM} on {foreign_setup.arch}: Cross-python says {cross[PLATFORM]!r}, "
        f"which holds the Build machine's kernel release {release!r}"
    )


def test_platform_ends_as_on_host(foreign_setup: Setup, answers: Answers) -> None:
    """After the kernel release, ``platform.platform()`` names the machine and the C library.

    Those parts the real Host-python can answer: they must be the same.
    """
    cross, real = answers
    release = os.uname().release
    real_platform = str(real[PLATFORM])
    assert release in real_platform, (
        f"{PLATFORM} of the real Host-python is {real_platform!r}: qemu-user no longer "
        f"passes the kernel release {release!r} through, so this test must find the "
        "machine and C library parts another way"
    )
    tail = real_platform.split(release, 1)[1]
    assert str(cross[PLATFORM]).endswith(tail), (
        f"{PLATFORM} on {foreign_setup.arch}: Cross-python says {cross[PLATFORM]!r}, "
        f"the real Host-python {real_platform!r}: they should both end in {tail!r}"
    )
