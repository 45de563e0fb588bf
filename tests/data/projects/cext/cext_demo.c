#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <sys/utsname.h>

/* Returns the machine name the running kernel reports: on the target
   (or under qemu-user) this is the Host's, proving the code runs there. */
static PyObject *machine(PyObject *self, PyObject *args) {
    struct utsname info;
    if (uname(&info) != 0) {
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    return PyUnicode_FromString(info.machine);
}

static PyObject *pointer_size(PyObject *self, PyObject *args) {
    return PyLong_FromSize_t(sizeof(void *));
}

static PyMethodDef methods[] = {
    {"machine", machine, METH_NOARGS, "uname().machine as seen by C code"},
    {"pointer_size", pointer_size, METH_NOARGS, "sizeof(void *)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "cext_demo", NULL, -1, methods};

PyMODINIT_FUNC PyInit_cext_demo(void) { return PyModule_Create(&module); }
