#define PY_SSIZE_T_CLEAN
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <Python.h>
#include <numpy/arrayobject.h>

/* arange(n) through numpy's C API, and the long double size the headers
   were generated for (they must be the Host's). */
static PyObject *arange(PyObject *self, PyObject *arg) {
    long n = PyLong_AsLong(arg);
    if (n < 0 && PyErr_Occurred()) {
        return NULL;
    }
    return PyArray_Arange(0.0, (double)n, 1.0, NPY_LONG);
}

static PyObject *longdouble_size(PyObject *self, PyObject *args) {
    return PyLong_FromLong(NPY_SIZEOF_LONGDOUBLE);
}

static PyMethodDef methods[] = {
    {"arange", arange, METH_O, "numpy.arange(n) built in C"},
    {"longdouble_size", longdouble_size, METH_NOARGS, "NPY_SIZEOF_LONGDOUBLE"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "npdemo", NULL, -1, methods};

PyMODINIT_FUNC PyInit_npdemo(void) {
    import_array();
    return PyModule_Create(&module);
}
