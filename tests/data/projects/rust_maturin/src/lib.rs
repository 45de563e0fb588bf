use pyo3::prelude::*;

/// Add two integers.
#[pyfunction]
fn add(a: i64, b: i64) -> i64 {
    a + b
}

/// The CPU architecture this module was compiled for.
#[pyfunction]
fn arch() -> &'static str {
    std::env::consts::ARCH
}

#[pymodule]
fn rustdemo(_py: Python<'_>, m: &PyModule) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(add, m)?)?;
    m.add_function(wrap_pyfunction!(arch, m)?)?;
    Ok(())
}
