try:
    import _fallback_speedups  # noqa: F401

    SPEEDUPS = True
except ImportError:
    SPEEDUPS = False
