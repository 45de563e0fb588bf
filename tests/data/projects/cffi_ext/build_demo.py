"""cffi's API mode: this runs at build time (on the Build machine) and writes C code."""

from cffi import FFI

ffibuilder = FFI()
ffibuilder.cdef("long triangle(long n); int pointer_bits(void);")
ffibuilder.set_source(
    "_cffi_demo",
    """
    long triangle(long n) { long t = 0; for (long i = 0; i < n; i++) t += i; return t; }
    int pointer_bits(void) { return (int)(8 * sizeof(void *)); }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
