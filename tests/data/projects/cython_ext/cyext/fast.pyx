def triangle(long n):
    """Sum of 0..n-1, computed in C."""
    cdef long total = 0
    cdef long i
    for i in range(n):
        total += i
    return total
