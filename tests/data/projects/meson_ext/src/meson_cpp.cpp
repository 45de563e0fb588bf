#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <cmath>
#include <numeric>
#include <vector>

// Sums 0..n-1 with the C++ standard library: proves libstdc++ headers and
// the Host's Python headers work together.
static PyObject *total(PyObject *self, PyObject *arg) {
    long n = PyLong_AsLong(arg);
    if (n < 0 && PyErr_Occurred()) {
        return nullptr;
    }
    std::vector<long> values(static_cast<size_t>(n));
    std::iota(values.begin(), values.end(), 0L);
    long sum = std::accumulate(values.begin(), values.end(), 0L);
    return std::isfinite(static_cast<double>(sum)) ? PyLong_FromLong(sum) : nullptr;
}

static PyMethodDef methods[] = {
    {"total", total, METH_O, "sum of 0..n-1"},
    {nullptr, nullptr, 0, nullptr},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "meson_cpp", nullptr, -1, methods};

PyMODINIT_FUNC PyInit_meson_cpp(void) { return PyModule_Create(&module); }
