"""Run a command in which the ``statx`` system call fails with ENOSYS.

    python benchmarks/nostatx.py COMMAND [ARG ...]

qemu-user's ``QEMU_LD_PREFIX`` sends a Host program's file names to the
sysroot, but qemu 7.2 passes ``statx`` through unchanged. A 32-bit Host's
glibc (2.33 and later) stats with ``statx``, so its gcc finds
``/usr/include/arm-linux-gnueabihf`` missing and cannot compile. When the
Build machine's ``statx`` answers ENOSYS, qemu falls back to ``fstatat`` on
the mapped name, and the Host's gcc finds its headers. The filter (seccomp,
x86-64 only) is inherited by every child; x86-64 programs fall back to
``newfstatat`` as well.
"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct
import sys
from typing import List

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
AUDIT_ARCH_X86_64 = 0xC000003E
NR_STATX_X86_64 = 332
BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_RET_K = 0x06
ALLOW = 0x7FFF0000
FAIL_ENOSYS = 0x00050000 | errno.ENOSYS


def program() -> bytes:
    """The filter: statx of an x86-64 process fails with ENOSYS, all else passes."""
    steps = [
        (BPF_LD_W_ABS, 0, 0, 4),  # seccomp_data.arch
        (BPF_JEQ_K, 0, 2, AUDIT_ARCH_X86_64),
        (BPF_LD_W_ABS, 0, 0, 0),  # seccomp_data.nr
        (BPF_JEQ_K, 1, 0, NR_STATX_X86_64),
        (BPF_RET_K, 0, 0, ALLOW),
        (BPF_RET_K, 0, 0, FAIL_ENOSYS),
    ]
    return b"".join(struct.pack("=HBBI", *step) for step in steps)


def install() -> None:
    if platform.machine() != "x86_64":
        raise SystemExit("nostatx.py: only for an x86-64 Build machine")
    libc = ctypes.CDLL(None, use_errno=True)
    code = program()
    filters = ctypes.create_string_buffer(code, len(code))

    class Fprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = Fprog(len(code) // 8, ctypes.addressof(filters))
    no_new_privs = libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if no_new_privs != 0 or libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog)):
        raise OSError(ctypes.get_errno(), "nostatx.py: prctl failed")


def main(argv: List[str]) -> None:
    if not argv:
        raise SystemExit(__doc__.strip().split("\n")[0])
    install()
    os.execvp(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
