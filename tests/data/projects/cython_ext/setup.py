from Cython.Build import cythonize
from setuptools import setup

setup(
    name="cyext-demo",
    version="1.0",
    packages=["cyext"],
    ext_modules=cythonize(["cyext/fast.pyx"], language_level=3),
)
