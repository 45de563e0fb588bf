/* crc32 through the Host's zlib: a known answer that runs on the target. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <zlib.h>

static PyObject *crc32_of(PyObject *self, PyObject *args)
{
    const char *data;
    Py_ssize_t size;
    if (!PyArg_ParseTuple(args, "y#", &data, &size))
        return NULL;
    return PyLong_FromUnsignedLong(crc32(0L, (const Bytef *)data, (uInt)size));
}

static PyObject *long_bits(PyObject *self, PyObject *noargs)
{
    return PyLong_FromLong((long)(8 * sizeof(long)));
}

static PyMethodDef methods[] = {
    {"crc32", crc32_of, METH_VARARGS, "zlib's crc32 of a bytes object."},
    {"long_bits", long_bits, METH_NOARGS, "Bits of a C long as compiled."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "leaky_demo", NULL, -1, methods};

PyMODINIT_FUNC PyInit_leaky_demo(void) { return PyModule_Create(&module); }
