from setuptools import Extension, setup

setup(
    name="cext-demo",
    version="1.0",
    ext_modules=[Extension("cext_demo", ["cext_demo.c"])],
)
