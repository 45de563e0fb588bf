from setuptools import Extension, setup

setup(
    name="glibc-demo",
    version="1.0",
    ext_modules=[Extension("glibc_demo", ["glibc_demo.c"])],
)
