#!/bin/sh
# crossenv launcher: cross-run
# Run the real Host-python under qemu-user with the environment's cross
# site-packages, e.g.  cross-run -c 'import mypkg'   or   cross-run -m pytest
qemu=__QEMU__
sysroot=__SYSROOT__
host_python=__HOST_PYTHON__
site=__SITE__
run_site=__RUN_SITE__
qemu_cpu=__QEMU_CPU__

# Exit code 126: the Host-python this environment was made with cannot run.
if [ -n "$sysroot" ] && [ ! -d "$sysroot" ]; then
    echo "cross-run: sysroot $sysroot not found; fetch it again at that path (crossenv-sysroot) or recreate the environment with --clear" >&2
    exit 126
fi
if [ ! -f "$host_python" ]; then
    echo "cross-run: Host-python $host_python not found; restore it (or the sysroot) at that path or recreate the environment with --clear" >&2
    exit 126
fi
# run_site holds a sitecustomize that makes site a site dir (its .pth files
# work, as for editable installs), then runs the Host's own sitecustomize.
PYTHONPATH="$run_site:$site${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
# A CPU of the Host's baseline (qemu's default may have newer instructions);
# QEMU_CPU set by the user wins.
if [ -n "$qemu_cpu" ] && [ -z "${QEMU_CPU:-}" ]; then
    QEMU_CPU=$qemu_cpu
    export QEMU_CPU
fi
if command -v "$qemu" >/dev/null 2>&1; then
    if [ -n "$sysroot" ]; then
        exec "$qemu" -L "$sysroot" "$host_python" "$@"
    fi
    exec "$qemu" "$host_python" "$@"
fi
# No qemu-user program: a binfmt_misc registration can still run it.
if [ -e "/proc/sys/fs/binfmt_misc/$qemu" ]; then
    QEMU_LD_PREFIX=$sysroot
    export QEMU_LD_PREFIX
    exec "$host_python" "$@"
fi
echo "cross-run: $qemu not found; install qemu-user (apt-get install qemu-user)" >&2
exit 127
