#include <Python.h>

int helper_answer(void);

static PyObject *answer(PyObject *self, PyObject *noargs)
{
    return PyLong_FromLong(helper_answer());
}

static PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "build_archive_demo", NULL, -1, methods};

PyMODINIT_FUNC PyInit_build_archive_demo(void) { return PyModule_Create(&module); }
