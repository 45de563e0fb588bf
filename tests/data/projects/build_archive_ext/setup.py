"""A package that links a helper library its build compiled for the wrong machine.

It compiles ``helper.c`` with the Build machine's own ``gcc`` and ``ar`` (as
a bundled sub-build that ignores the cross compiler would) and links the
archive into its extension: the compiler guard must refuse the link.
"""

import os
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class with_helper(build_ext):
    def run(self) -> None:
        os.makedirs(self.build_temp, exist_ok=True)
        obj = os.path.join(self.build_temp, "helper.o")
        lib = os.path.join(self.build_temp, "libhelper.a")
        subprocess.run(["gcc", "-fPIC", "-c", "helper.c", "-o", obj], check=True)
        subprocess.run(["ar", "rcs", lib, obj], check=True)
        for ext in self.extensions:
            ext.extra_objects.append(lib)
        super().run()


setup(
    name="build-archive-demo",
    version="1.0",
    cmdclass={"build_ext": with_helper},
    ext_modules=[Extension("build_archive_demo", ["build_archive_demo.c"])],
)
