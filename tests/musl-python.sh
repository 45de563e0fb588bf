#!/bin/bash
# Build a musl-libc CPython 3.11 for aarch64 as a sysroot, on an x86-64 Debian
# machine with gcc-aarch64-linux-gnu, qemu-user, curl, dpkg, make, xz-utils and
# bzip2: no root. No musl CPython is published where the tests can fetch
# one; Debian's sources are (CPython 3.11.2, musl 1.2.3, zlib, libffi).
#
#   usage: musl-python.sh TOP BUILD_PYTHON      (TOP: a path without spaces)
#   result: TOP/sysroot/usr/bin/python3.11 (aarch64, dynamically linked to musl),
#           TOP/toolchain/bin/aarch64-linux-musl-gcc (the compiler that built it:
#           Debian's aarch64-linux-gnu-gcc with musl's specs file)
#
# Each step leaves a stamp in TOP/stamps; a second run does nothing.
set -euo pipefail

TOP=$1
BUILD_PYTHON=$2
case $TOP in *" "*) echo "musl-python.sh: TOP must not contain spaces (gcc specs)" >&2; exit 2;; esac
S=$TOP/sysroot
DL=$TOP/dl
SRC=$TOP/src
BLD=$TOP/build
STAMPS=$TOP/stamps
TC=$TOP/toolchain
JOBS=${JOBS:-2}
NICE="nice -n 10"
DEB=http://deb.debian.org/debian
TRIPLET=aarch64-linux-musl

PY_VER=3.11.2
# file  sha256  (hashes from bookworm's Sources.xz / binary-arm64 Packages.xz)
DOWNLOADS="
pool/main/p/python3.11/python3.11_3.11.2.orig.tar.gz 2411c74bda5bbcfcddaf4531f66d1adc73f247f529aee981b029513aefdbf849
pool/main/m/musl/musl_1.2.3-1_arm64.deb 6ccf2bf0f479b00411cb8e1eeb048e648718170db5d63bbb4bf4a89350b81468
pool/main/m/musl/musl-dev_1.2.3-1_arm64.deb 55c2ca4bc3041c8ed8ac7dc3ef6080d9551a21650568b2fd7610b59eaf98a4f4
pool/main/z/zlib/zlib_1.2.13.dfsg.orig.tar.bz2 71feb7947e3c00ef125f83b79a4e529bde31171e5babe48b391f06758d1ab0a1
pool/main/libf/libffi/libffi_3.4.4.orig.tar.gz d66c56ad259a82cf2a9dfc408b32bf5da52371500b84745f7fb8b645712df676
"

mkdir -p "$DL" "$SRC" "$BLD" "$STAMPS" "$TC/bin"

# linux-libc-dev (kernel UAPI headers, needed by libffi and several CPython
# modules) changes with every bookworm point release and old versions leave the
# pool, so its file name + sha256 are looked up in the current Packages index.
resolve_linux_libc_dev() {
    curl -fsSL --retry 3 "$DEB/dists/bookworm/main/binary-arm64/Packages.xz" | xzcat |
        awk -v RS= '/^Package: linux-libc-dev\n/' |
        awk '/^Filename:/{f=$2} /^SHA256:/{s=$2} END{print f, s}'
}

# run_step NAME FUNCTION: run FUNCTION unless its stamp exists
run_step() {
    local name=$1 fn=$2
    if [ -e "$STAMPS/$name" ]; then
        return
    fi
    echo "== $name"
    "$fn"
    touch "$STAMPS/$name"
}

step_download() {
    local extra
    extra=$(resolve_linux_libc_dev)
    [ -n "$extra" ]
    printf '%s\n%s\n' "$DOWNLOADS" "$extra" | while read -r path sum; do
        [ -n "$path" ] || continue
        f=$DL/$(basename "$path")
        if ! echo "$sum  $f" | sha256sum -c --status 2>/dev/null; then
            curl -fsSL --retry 3 -o "$f.part" "$DEB/$path"
            echo "$sum  $f.part" | sha256sum -c --status
            mv "$f.part" "$f"
        fi
    done
}

# musl runtime + dev files from Debian's arm64 packages, unpacked (not installed)
step_musl() {
    for d in "$DL"/musl_*_arm64.deb "$DL"/musl-dev_*_arm64.deb; do
        dpkg-deb -x "$d" "$S"
    done
    # ld-musl-aarch64.so.1 -> aarch64-linux-musl/libc.so (relative: fine for -L)
    test -e "$S/lib/ld-musl-aarch64.so.1"
    # kernel headers (linux/, asm/, asm-generic/, ...) next to musl's headers,
    # as Alpine's linux-headers does; musl-gcc.specs uses -nostdinc.
    local K=$BLD/linux-libc-dev
    rm -rf "$K"; dpkg-deb -x "$DL"/linux-libc-dev_*_arm64.deb "$K"
    local inc=$S/usr/include/$TRIPLET
    for d in "$K"/usr/include/*; do
        case "$d" in */aarch64-linux-gnu) continue;; esac
        cp -an "$d" "$inc/"
    done
    cp -an "$K/usr/include/aarch64-linux-gnu/asm" "$inc/"
    test -e "$inc/linux/limits.h" -a -e "$inc/asm/unistd.h"
}

# gcc wrapper: Debian's cross gcc (aarch64-linux-gnu) + Debian's musl-gcc.specs
# with paths rewritten into the sysroot.  NB: $S/lib/$TRIPLET (libc.so) must be
# searched before $S/usr/lib/$TRIPLET (libc.a), otherwise ld silently links
# libc.a into a "dynamically linked" executable whose dlopen() is musl's static
# stub ("Dynamic loading not supported").  Debian's own specs has only the
# usr/lib dir, i.e. has exactly that problem.
# The same two -L go into the *link spec too: that is placed before any user -L
# on the ld command line.  CPython 3.11's setup.py adds every LIBRARY_PATH dir
# of `$CC -E -v`, which includes the glibc cross dir /usr/aarch64-linux-gnu/lib
# (gcc's compiled-in tooldir, not removable by specs/--sysroot); without this,
# lib-dynload/*.so get linked against glibc (NEEDED libc.so.6).
step_toolchain() {
    sed -e "s# /usr/# $S/usr/#g" \
        -e "s#-L/usr/lib/$TRIPLET#-L$S/lib/$TRIPLET -L$S/usr/lib/$TRIPLET#" \
        -e "s#^-dynamic-linker /lib/ld-musl-aarch64.so.1 -nostdlib#& -L$S/lib/$TRIPLET -L$S/usr/lib/$TRIPLET#" \
        "$S/usr/lib/$TRIPLET/musl-gcc.specs" > "$TC/musl-gcc.specs"
    grep -q "^-dynamic-linker .* -L$S/lib/$TRIPLET" "$TC/musl-gcc.specs"
    cat > "$TC/bin/$TRIPLET-gcc" <<EOF
#!/bin/sh
# musl cross compiler: aarch64-linux-gnu-gcc + musl specs (sysroot $S)
for a in "\$@"; do
    case "\$a" in
        -print-multiarch|--print-multiarch) echo $TRIPLET; exit 0;;
    esac
done
exec aarch64-linux-gnu-gcc "\$@" -specs $TC/musl-gcc.specs
EOF
    chmod +x "$TC/bin/$TRIPLET-gcc"
    for t in ar ranlib strip readelf nm objdump; do
        ln -sf "$(command -v aarch64-linux-gnu-$t)" "$TC/bin/$TRIPLET-$t"
    done
    # smoke test
    printf '#include <stdio.h>\nint main(void){puts("ok");return 0;}\n' > "$BLD/hello.c"
    "$TC/bin/$TRIPLET-gcc" -O2 -o "$BLD/hello" "$BLD/hello.c"
    qemu-aarch64 -L "$S" "$BLD/hello"
    $TRIPLET-readelf -d "$BLD/hello" | grep -q 'NEEDED.*\[libc.so\]'
    $TRIPLET-readelf -l "$BLD/hello" | grep -q 'interpreter: /lib/ld-musl-aarch64.so.1'
    printf 'int f(void){return 1;}\n' > "$BLD/lib.c"
    "$TC/bin/$TRIPLET-gcc" -shared -fPIC -o "$BLD/lib.so" "$BLD/lib.c" -L/usr/aarch64-linux-gnu/lib -lm
    $TRIPLET-readelf -d "$BLD/lib.so" | grep NEEDED
    ! $TRIPLET-readelf -d "$BLD/lib.so" | grep -q 'NEEDED.*\.so\.6'
}

export PATH=$TC/bin:$PATH
CC=$TC/bin/$TRIPLET-gcc

# static zlib, installed into the musl multiarch dirs (found without -I/-L)
step_zlib() {
    rm -rf "$BLD/zlib"; mkdir -p "$BLD/zlib"
    tar -xjf "$DL"/zlib_*.orig.tar.bz2 -C "$BLD/zlib" --strip-components=1
    cd "$BLD/zlib"
    CC=$CC AR=$TRIPLET-ar RANLIB=$TRIPLET-ranlib CFLAGS="-O2 -fPIC" \
        ./configure --static --prefix=/usr \
        --libdir=/usr/lib/$TRIPLET --includedir=/usr/include/$TRIPLET
    $NICE make -j"$JOBS" libz.a
    make install DESTDIR="$S" >/dev/null
}

# static libffi (for ctypes)
step_libffi() {
    rm -rf "$BLD/libffi"; mkdir -p "$BLD/libffi"
    tar -xzf "$DL"/libffi_*.orig.tar.gz -C "$BLD/libffi" --strip-components=1
    cd "$BLD/libffi"
    CC=$CC CFLAGS="-O2 -fPIC" $NICE ./configure --host=$TRIPLET --build=x86_64-linux-gnu \
        --prefix=/usr --libdir=/usr/lib/$TRIPLET --includedir=/usr/include/$TRIPLET \
        --disable-shared --enable-static --with-pic --disable-docs --disable-multi-os-directory \
        >/dev/null
    $NICE make -j"$JOBS" >/dev/null
    make install DESTDIR="$S" >/dev/null
}

step_unpack_python() {
    rm -rf "$SRC/Python-$PY_VER"
    tar -xzf "$DL/python3.11_$PY_VER.orig.tar.gz" -C "$SRC"
    cd "$SRC/Python-$PY_VER"
    # 3.11.2 bug: the linux-gnu -> linux-musl triplet fix-up looks at $build_os
    # (so it only works natively on musl); for cross builds it must be $host_os.
    # Without this MULTIARCH/SOABI would be aarch64-linux-gnu.
    # shellcheck disable=SC2016  # configure's own text, not this shell's
    sed -i 's/^  case "\$build_os" in$/  case "$host_os" in/' configure
    # shellcheck disable=SC2016
    grep -q '^  case "\$host_os" in$' configure
}

step_configure() {
    rm -rf "$BLD/python"; mkdir -p "$BLD/python"
    cd "$BLD/python"
    # pkg-config must not find the build machine's x86 .pc files (else host
    # libuuid/liblzma/libtirpc are "found" and those modules fail to build).
    # LDFLAGS: only so that 3.11's setup.py (find_library_file) sees libffi.a;
    # without it _ctypes is built without -lffi (import fails: ffi_prep_cif).
    PKG_CONFIG_LIBDIR=$S/usr/lib/$TRIPLET/pkgconfig PKG_CONFIG_SYSROOT_DIR=$S \
    CC=$TRIPLET-gcc AR=$TRIPLET-ar READELF=$TRIPLET-readelf \
    LDFLAGS="-L$S/usr/lib/$TRIPLET" \
    $NICE "$SRC/Python-$PY_VER/configure" \
        --prefix=/usr \
        --host=$TRIPLET --build=x86_64-linux-gnu \
        --with-build-python="$BUILD_PYTHON" \
        --enable-ipv6 \
        --without-ensurepip \
        --with-system-ffi \
        ac_cv_file__dev_ptmx=yes ac_cv_file__dev_ptc=no \
        > "$BLD/configure.log" 2>&1 || { tail -40 "$BLD/configure.log"; return 1; }
    grep -E 'platform triplet|multiarch|checking for --with-system-ffi' "$BLD/configure.log" || true
}

step_make() {
    cd "$BLD/python"
    $NICE make -j"$JOBS" > "$BLD/make.log" 2>&1 || { tail -60 "$BLD/make.log"; return 1; }
    grep -A8 'necessary bits to build these optional modules\|Failed to build these modules\|following modules' "$BLD/make.log" || true
}

step_install() {
    cd "$BLD/python"
    $NICE make install DESTDIR="$S" > "$BLD/install.log" 2>&1 || { tail -60 "$BLD/install.log"; return 1; }
}

run_step download        step_download
run_step musl            step_musl
run_step toolchain       step_toolchain
run_step zlib            step_zlib
run_step libffi          step_libffi
run_step unpack-python   step_unpack_python
run_step configure       step_configure
run_step make            step_make
run_step install         step_install
