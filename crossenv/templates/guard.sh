#!/bin/sh
# crossenv compiler guard: __NAME__ for the Host (see _crossenv/guard.py).
# Commands with nothing of the Build machine in them go straight to the
# compiler; the others are rewritten or refused by the guard first.
compiler=__COMPILER__
sysroot=__SYSROOT__
python_prefix=__PYTHON_PREFIX__
case $compiler in
    */*)
        if [ ! -x "$compiler" ]; then
            echo "crossenv: error: the Host's compiler $compiler is gone (it was there when the environment was made); install it again, or make the environment again with --clear and --cc" >&2
            if [ -n "${CROSSENV_REPORT:-}" ]; then  # repeated when pip ends
                echo "the Host's compiler $compiler is gone; install it again, or make the environment again with --clear and --cc" >>"$CROSSENV_REPORT"
            fi
            exit 127
        fi
        ;;
    *)  # Named, to be found on PATH (--relative-toolchain): look past this folder.
        here=$(cd "$(dirname "$0")" && pwd)
        rest=
        set -f
        old_ifs=$IFS
        IFS=:
        for dir in $PATH; do
            [ "$dir" = "$here" ] || rest="${rest:+$rest:}$dir"
        done
        IFS=$old_ifs
        set +f
        PATH=$rest
        ;;
esac
# Flags named with the compiler (--cc "gcc -mcpu=cortex-a72") come first.
set -- __FLAGS__ "$@"
# A reproducible build (SOURCE_DATE_EPOCH set) records no path of this
# machine: the build folder becomes ".", the sysroot the Host's "/".
if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    set -- "-ffile-prefix-map=$PWD=." "$@"
    if [ -n "$sysroot" ]; then
        set -- "-ffile-prefix-map=$sysroot/=/" "$@"
    fi
fi
check=no
compile_only=no
objects=no
has_sysroot=no
for arg do
    case $arg in
        -c | -S | -E) compile_only=yes ;;
        --sysroot | --sysroot=*) has_sysroot=yes ;;
        -I | -L | -isystem* | -idirafter* | -iquote* | -m*=native) check=yes ;;
        -I/usr/* | -I/lib* | -I/opt/local* | -L/usr/* | -L/lib* | -L/opt/local*) check=yes ;;
        "-I$python_prefix"/* | "-L$python_prefix"/*) check=yes ;;
        -Wl,*-L* | -Wl,*-rpath* | -Wl,*-R*) check=yes ;;
        -*) ;;
        *.a | *.so | *.so.* | *.lo) check=yes ;;
        *.o) objects=yes ;;
    esac
done
if [ "$objects" = yes ] && [ "$compile_only" = no ]; then
    check=yes
fi
if [ "$check" = yes ]; then
    exec __GUARD__ __RUN__ "$@"
fi
if [ "$has_sysroot" = no ] && [ -n "$sysroot" ]; then
    set -- "--sysroot=$sysroot" "$@"
fi
exec __LAUNCHER__ "$compiler" "$@"
