from setuptools import setup

setup(
    name="cffi-ext-demo",
    version="1.0",
    py_modules=[],
    install_requires=["cffi>=1.15"],
    cffi_modules=["build_demo.py:ffibuilder"],
)
