# BUILT BY HAND, NOT CAPTURED: no iOS build of CPython was available.
#
# Values follow PEP 730 (iOS support), CPython's iOS/ build resources (the
# arm64-apple-ios-clang wrapper: "xcrun --sdk iphoneos clang -target
# arm64-apple-ios") and the iOS branches of configure (MACHDEP "ios",
# platform triplet "arm64-iphoneos", a mandatory framework build, LDSHARED
# "$(CC) -dynamiclib -F . -framework Python", no fork()).  Framework builds
# cannot also be --enable-shared, so Py_ENABLE_SHARED is 0 here.  Paths under
# /build/cpython are placeholders.  Like real sysconfigdata there is no
# WORDS_BIGENDIAN key.
# system configuration generated and used by the sysconfig module
build_time_vars = {'ABIFLAGS': '',
 'ALT_SOABI': 0,
 'ANDROID_API_LEVEL': 0,
 'AR': 'arm64-apple-ios-ar',
 'ARFLAGS': 'rcs',
 'BASECFLAGS': '-fno-strict-overflow -Wsign-compare',
 'BINDIR': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework/bin',
 'BINLIBDEST': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework/lib/python3.13',
 'BLDLIBRARY': '',
 'BLDSHARED': 'arm64-apple-ios-clang -dynamiclib -F . -framework Python',
 'CC': 'arm64-apple-ios-clang',
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
 'CONFIGURE_LDFLAGS': '',
 'CONFIG_ARGS': "'--enable-framework=/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework' "
                "'--host=arm64-apple-ios13.0' '--build=arm64-apple-darwin' "
                "'--with-build-python=/usr/local/bin/python3.13' "
                "'ac_cv_file__dev_ptmx=no' 'ac_cv_file__dev_ptc=no' "
                "'host_alias=arm64-apple-ios13.0' 'CC=arm64-apple-ios-clang' "
                "'CPP=arm64-apple-ios-cpp' 'CXX=arm64-apple-ios-clang++' "
                "'AR=arm64-apple-ios-ar'",
 'CONFINCLUDEDIR': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework/include',
 'CONFINCLUDEPY': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework/include/python3.13',
 'CPPFLAGS': '-I. -I./Include',
 'CXX': 'arm64-apple-ios-clang++',
 'DESTSHARED': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework/lib/python3.13/lib-dynload',
 'DOUBLE_IS_ARM_MIXED_ENDIAN_IEEE754': 0,
 'DOUBLE_IS_BIG_ENDIAN_IEEE754': 0,
 'DOUBLE_IS_LITTLE_ENDIAN_IEEE754': 1,
 'EXE': '',
 'EXT_SUFFIX': '.cpython-313-iphoneos.so',
 'FLOAT_WORDS_BIGENDIAN': 0,
 'HAVE_FORK': 0,
 'HOST_GNU_TYPE': 'arm64-apple-ios',
 'INCLUDEDIR': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework/include',
 'INCLUDEPY': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework/include/python3.13',
 'INSTSONAME': 'Python.framework/Python',
 'IPHONEOS_DEPLOYMENT_TARGET': '13.0',
 'LDCXXSHARED': 'arm64-apple-ios-clang++ -dynamiclib -F . -framework Python',
 'LDFLAGS': '',
 'LDLIBRARY': 'Python.framework/Python',
 'LDSHARED': 'arm64-apple-ios-clang -dynamiclib -F . -framework Python',
 'LDVERSION': '3.13',
 'LIBDEST': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework/lib/python3.13',
 'LIBDIR': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework/lib',
 'LIBPC': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework/lib/pkgconfig',
 'LIBPL': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework/lib/python3.13/config-3.13-iphoneos',
 'LIBPYTHON': '',
 'LIBRARY': 'libpython3.13.a',
 'LIBS': '-ldl -framework CoreFoundation',
 'LINKFORSHARED': '-framework CoreFoundation',
 'MACHDEP': 'ios',
 'MULTIARCH': 'arm64-iphoneos',
 'MULTIARCH_CPPFLAGS': '-DMULTIARCH=\\"arm64-iphoneos\\"',
 'OPT': '-DNDEBUG -g -O3 -Wall',
 'PYTHONFRAMEWORK': 'Python',
 'PYTHONFRAMEWORKDIR': 'Python.framework',
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
                   '-DPy_BUILD_CORE',
 'PY_CPPFLAGS': '-I. -I./Include',
 'PY_LDFLAGS': '',
 'PY_LDFLAGS_NODIST': '',
 'PY_SUPPORT_TIER': 3,
 'Py_DEBUG': 0,
 'Py_ENABLE_SHARED': 0,
 'Py_GIL_DISABLED': 0,
 'Py_TRACE_REFS': 0,
 'READELF': ':',
 'SHLIBS': '-ldl -framework CoreFoundation',
 'SHLIB_SUFFIX': '.so',
 'SIZEOF_LONG': 8,
 'SIZEOF_LONG_DOUBLE': 8,
 'SIZEOF_SIZE_T': 8,
 'SIZEOF_VOID_P': 8,
 'SOABI': 'cpython-313-iphoneos',
 'SYSLIBS': '-lm',
 'TZPATH': '',
 'VERSION': '3.13',
 'WITH_DOC_STRINGS': 1,
 'WITH_PYMALLOC': 1,
 'abs_builddir': '/build/cpython/cross-build/iOS/arm64-iphoneos',
 'abs_srcdir': '/build/cpython',
 'exec_prefix': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework',
 'prefix': '/build/cpython/cross-build/iOS/arm64-iphoneos/Python.framework',
 'py_version_nodot': '313',
 'srcdir': '.'}
