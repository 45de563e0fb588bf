#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <sys/utsname.h>

static PyObject *machine(PyObject *self, PyObject *args) {
    struct utsname info;
    if (uname(&info) != 0) {
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    return PyUnicode_FromString(info.machine);
}

static PyMethodDef methods[] = {
    {"machine", machine, METH_NOARGS, "uname().machine as seen by C code"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "meson_c", NULL, -1, methods};

PyMODINIT_FUNC PyInit_meson_c(void) { return PyModule_Create(&module); }
