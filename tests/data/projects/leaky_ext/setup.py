"""A package whose build looks at the Build machine, as many real ones do.

It adds the Build machine's system folders (as Pillow's platform guessing
does), tunes for the Build machine's CPU (as some packages' "native" options
do) and records a run-time library path found through sysconfig (a folder of
the sysroot here); the compiler guard must keep all of it away from the Host
binary.
"""

import sysconfig

from setuptools import Extension, setup

setup(
    name="leaky-demo",
    version="1.0",
    ext_modules=[
        Extension(
            "leaky_demo",
            ["leaky_demo.c"],
            include_dirs=["/usr/include", "/usr/local/include"],
            library_dirs=["/usr/lib/x86_64-linux-gnu", "/usr/local/lib", "/usr/lib"],
            libraries=["z"],
            runtime_library_dirs=[sysconfig.get_config_var("LIBDIR")],
            extra_compile_args=["-march=native"],
            extra_link_args=["-Wl,-rpath-link,/usr/lib/x86_64-linux-gnu"],
        )
    ],
)
