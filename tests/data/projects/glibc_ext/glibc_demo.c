#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>

/* Starts a thread that adds two numbers: pthread_create is in libc from
   glibc 2.34 on, with that symbol version, so a build against a newer
   sysroot needs glibc 2.34 at run time, whatever its wheel's tag says. */
static void *add(void *arg) {
    long *pair = arg;
    pair[0] += pair[1];
    return NULL;
}

static PyObject *added(PyObject *self, PyObject *args) {
    long pair[2];
    pthread_t thread;
    if (!PyArg_ParseTuple(args, "ll", &pair[0], &pair[1])) {
        return NULL;
    }
    if (pthread_create(&thread, NULL, add, pair) != 0 || pthread_join(thread, NULL) != 0) {
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    return PyLong_FromLong(pair[0]);
}

static PyMethodDef methods[] = {
    {"added", added, METH_VARARGS, "a + b, computed in another thread"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "glibc_demo", NULL, -1, methods};

PyMODINIT_FUNC PyInit_glibc_demo(void) { return PyModule_Create(&module); }
