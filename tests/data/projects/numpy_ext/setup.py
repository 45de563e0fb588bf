import numpy
from setuptools import Extension, setup

setup(
    name="numpy-ext-demo",
    version="1.0",
    install_requires=["numpy"],
    ext_modules=[Extension("npdemo", ["npdemo.c"], include_dirs=[numpy.get_include()])],
)
