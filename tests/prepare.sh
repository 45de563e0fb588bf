#!/bin/sh
# Make sure the programs the integration tests run are installed.
# As root, installs them with apt-get; otherwise prints the command to run.
set -eu

missing=""
# The cross compilers of every Debian architecture the tests build for.
compilers=""
for triple in aarch64-linux-gnu arm-linux-gnueabihf arm-linux-gnueabi \
              i686-linux-gnu powerpc64le-linux-gnu s390x-linux-gnu \
              mips64el-linux-gnuabi64 riscv64-linux-gnu; do
    compilers="$compilers $triple-gcc:gcc-$triple $triple-g++:g++-$triple"
done
# shellcheck disable=SC2086  # program:package words
for pair in $compilers \
            aarch64-linux-gnu-gfortran:gfortran-aarch64-linux-gnu \
            qemu-aarch64:qemu-user \
            qemu-s390x:qemu-user \
            qemu-arm:qemu-user \
            qemu-i386:qemu-user \
            qemu-ppc64le:qemu-user \
            qemu-mips64el:qemu-user \
            qemu-riscv64:qemu-user \
            shellcheck:shellcheck \
            pkg-config:pkg-config \
            make:make \
            ccache:ccache \
            sccache:sccache \
            distccd:distcc \
            zsh:zsh \
            fish:fish \
            tcsh:tcsh \
            /usr/bin/rustc:rustc \
            /usr/bin/cargo:cargo \
            /usr/share/cargo/registry/pyo3-0.17.3:librust-pyo3-dev \
            apt-get:apt \
            dpkg:dpkg; do
    program=${pair%%:*}
    package=${pair#*:}
    case $program in
        /*) [ -e "$program" ] && continue ;;
        *) command -v "$program" >/dev/null 2>&1 && continue ;;
    esac
    case " $missing " in
        *" $package "*) ;;  # one package gives several programs (qemu-user)
        *) missing="$missing $package" ;;
    esac
done

if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "missing:$missing" >&2
    echo "run as root: apt-get update && apt-get install -y$missing" >&2
    exit 1
fi
echo "installing:$missing" >&2
apt-get update -qq
# shellcheck disable=SC2086  # a list of package names
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
