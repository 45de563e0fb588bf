# BUILT BY HAND, NOT CAPTURED: no Android build of CPython was available.
#
# Values follow PEP 738 (Android support), CPython's Android/ build scripts
# (android-env.sh: clang launcher named <triplet><api_level>-clang, LDFLAGS
# "-Wl,--build-id=sha1 -Wl,--no-rosegment -Wl,--no-undefined -lm") and the
# Android branches of configure (MACHDEP "android", platform triplet
# "aarch64-linux-android", extension modules linked against libpython).
# ANDROID_API_LEVEL is 24 (the 3.13 scripts defaulted to 21; later releases
# and most distributors use 24).  Paths under /data/python and /build/cpython
# are placeholders.  Like real sysconfigdata there is no WORDS_BIGENDIAN key;
# byte order shows in FLOAT_WORDS_BIGENDIAN / DOUBLE_IS_*_ENDIAN_IEEE754.
# system configuration generated and used by the sysconfig module
build_time_vars = {'ABIFLAGS': '',
 'ALT_SOABI': 0,
 'ANDROID_API_LEVEL': 24,
 'AR': 'llvm-ar',
 'ARFLAGS': 'rcs',
 'BASECFLAGS': '-fno-strict-overflow -Wsign-compare',
 'BINDIR': '/data/python/bin',
 'BINLIBDEST': '/data/python/lib/python3.13',
 'BLDLIBRARY': '-L. -lpython3.13',
 'BLDSHARED': 'aarch64-linux-android24-clang -shared -Wl,--build-id=sha1 '
              '-Wl,--no-rosegment -Wl,--no-undefined -lm',
 'CC': 'aarch64-linux-android24-clang',
 'CCSHARED': '-fPIC',
 'CFLAGS': '-fno-strict-overflow -Wsign-compare -Wunreachable-code -DNDEBUG '
           '-g -O3 -Wall',
 'CFLAGSFORSHARED': '',
 'CFLAGS_NODIST': '',
 'CONFIGURE_CFLAGS': '',
 'CONFIGURE_CFLAGS_NODIST': '-std=c11 -Wextra -Wno-unused-parameter '
                            '-Wno-missing-field-initializers '
                            '-Wstrict-prototypes '
                            '-Werror=implicit-function-declaration '
                            '-fvisibility=hidden',
 'CONFIGURE_CPPFLAGS': '',
 'CONFIGURE_LDFLAGS': '-Wl,--build-id=sha1 -Wl,--no-rosegment '
                      '-Wl,--no-undefined -lm',
 'CONFIG_ARGS': "'--host=aarch64-linux-android' '--build=x86_64-pc-linux-gnu' "
                "'--prefix=/data/python' '--enable-shared' "
                "'--without-ensurepip' "
                "'--with-build-python=/usr/local/bin/python3.13' "
                "'ac_cv_file__dev_ptmx=yes' 'ac_cv_file__dev_ptc=no' "
                "'host_alias=aarch64-linux-android' "
                "'CC=aarch64-linux-android24-clang' "
                "'LDFLAGS=-Wl,--build-id=sha1 -Wl,--no-rosegment "
                "-Wl,--no-undefined -lm' 'CFLAGS='",
 'CONFINCLUDEDIR': '/data/python/include',
 'CONFINCLUDEPY': '/data/python/include/python3.13',
 'CPPFLAGS': '-I. -I./Include',
 'CXX': 'aarch64-linux-android24-clang++',
 'DESTSHARED': '/data/python/lib/python3.13/lib-dynload',
 'DOUBLE_IS_ARM_MIXED_ENDIAN_IEEE754': 0,
 'DOUBLE_IS_BIG_ENDIAN_IEEE754': 0,
 'DOUBLE_IS_LITTLE_ENDIAN_IEEE754': 1,
 'EXE': '',
 'EXT_SUFFIX': '.cpython-313-aarch64-linux-android.so',
 'FLOAT_WORDS_BIGENDIAN': 0,
 'HAVE_FORK': 1,
 'HOST_GNU_TYPE': 'aarch64-unknown-linux-android',
 'INCLUDEDIR': '/data/python/include',
 'INCLUDEPY': '/data/python/include/python3.13',
 'INSTSONAME': 'libpython3.13.so',
 'IPHONEOS_DEPLOYMENT_TARGET': '',
 'LDCXXSHARED': 'aarch64-linux-android24-clang++ -shared',
 'LDFLAGS': '-Wl,--build-id=sha1 -Wl,--no-rosegment -Wl,--no-undefined -lm',
 'LDLIBRARY': 'libpython3.13.so',
 'LDSHARED': 'aarch64-linux-android24-clang -shared -Wl,--build-id=sha1 '
             '-Wl,--no-rosegment -Wl,--no-undefined -lm',
 'LDVERSION': '3.13',
 'LIBDEST': '/data/python/lib/python3.13',
 'LIBDIR': '/data/python/lib',
 'LIBPC': '/data/python/lib/pkgconfig',
 'LIBPL': '/data/python/lib/python3.13/config-3.13-aarch64-linux-android',
 'LIBPYTHON': '-L. -lpython3.13',
 'LIBRARY': 'libpython3.13.a',
 'LIBS': '-ldl',
 'LINKFORSHARED': '-Xlinker -export-dynamic',
 'MACHDEP': 'android',
 'MULTIARCH': 'aarch64-linux-android',
 'MULTIARCH_CPPFLAGS': '-DMULTIARCH=\\"aarch64-linux-android\\"',
 'OPT': '-DNDEBUG -g -O3 -Wall',
 'PYTHONFRAMEWORK': '',
 'PY_CFLAGS': '-fno-strict-overflow -Wsign-compare -Wunreachable-code '
              '-DNDEBUG -g -O3 -Wall',
 'PY_CFLAGS_NODIST': '-std=c11 -Wextra -Wno-unused-parameter '
                     '-Wno-missing-field-initializers -Wstrict-prototypes '
                     '-Werror=implicit-function-declaration '
                     '-fvisibility=hidden -I./Include/internal',
 'PY_CORE_CFLAGS': '-fno-strict-overflow -Wsign-compare -Wunreachable-code '
                   '-DNDEBUG -g -O3 -Wall -std=c11 -Wextra '
                   '-Wno-unused-parameter -Wno-missing-field-initializers '
                   '-Wstrict-prototypes -Werror=implicit-function-declaration '
                   '-fvisibility=hidden -I./Include/internal -I. -I./Include '
                   '-fPIC -DPy_BUILD_CORE',
 'PY_CPPFLAGS': '-I. -I./Include',
 'PY_LDFLAGS': '-Wl,--build-id=sha1 -Wl,--no-rosegment -Wl,--no-undefined -lm',
 'PY_LDFLAGS_NODIST': '',
 'PY_SUPPORT_TIER': 3,
 'Py_DEBUG': 0,
 'Py_ENABLE_SHARED': 1,
 'Py_GIL_DISABLED': 0,
 'Py_TRACE_REFS': 0,
 'READELF': 'llvm-readelf',
 'SHLIBS': '-ldl',
 'SHLIB_SUFFIX': '.so',
 'SIZEOF_LONG': 8,
 'SIZEOF_LONG_DOUBLE': 16,
 'SIZEOF_SIZE_T': 8,
 'SIZEOF_VOID_P': 8,
 'SOABI': 'cpython-313-aarch64-linux-android',
 'SYSLIBS': '-lm',
 'TZPATH': '/usr/share/zoneinfo:/usr/lib/zoneinfo:/usr/share/lib/zoneinfo:/etc/zoneinfo',
 'VERSION': '3.13',
 'WITH_DOC_STRINGS': 1,
 'WITH_PYMALLOC': 1,
 'abs_builddir': '/build/cpython/cross-build/aarch64-linux-android',
 'abs_srcdir': '/build/cpython',
 'exec_prefix': '/data/python',
 'prefix': '/data/python',
 'py_version_nodot': '313',
 'srcdir': '.'}
