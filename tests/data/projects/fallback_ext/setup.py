"""Like many real packages: try the C speedups, fall back to pure Python if they fail."""

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class optional_build_ext(build_ext):
    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001 - the pattern being tested
            print(f"WARNING: C speedups not built ({exc}); using pure Python")


setup(
    name="fallback-demo",
    version="1.0",
    py_modules=["fallback_demo"],
    ext_modules=[Extension("_fallback_speedups", ["speedups.c"], libraries=["zstd"])],
    cmdclass={"build_ext": optional_build_ext},
)
