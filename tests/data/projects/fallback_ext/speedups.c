/* Needs libzstd's headers, which the Host sysroot does not have. */
#include <Python.h>
#include <zstd.h>

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fallback_speedups", NULL, -1, NULL};

PyMODINIT_FUNC PyInit__fallback_speedups(void) { return PyModule_Create(&module); }
