"""How many threads NumPy's matrix products use, changed for a while and then put back.

NumPy multiplies matrices with the OpenBLAS library bundled in its wheel, which by default starts one thread
per core. For the small products of the course's networks (a batch of 64 times 128 x 128 weights) the threads
gain little, and when other programs keep the cores busy they cost a lot: each product waits until every
thread got a core. Measured here with two trainings of the capstone network running at once on 2 busy cores:
about 100 s each with OpenBLAS's default threads, about 10 s each with 1 thread.

    with blas_threads(1):
        fit(...)

changes the setting for the whole process while the block runs, and restores it afterwards. Setting the
environment variable OPENBLAS_NUM_THREADS=1 before Python starts does the same for a whole session. Where
NumPy does not use the bundled OpenBLAS, blas_threads changes nothing (blas_thread_control() is None).
"""

import contextlib
import ctypes
from pathlib import Path

import numpy as np


def blas_thread_control():
    """(get_num_threads, set_num_threads) of the OpenBLAS bundled with NumPy, or None if it is not found."""
    libraries = sorted((Path(np.__file__).parent.parent / "numpy.libs").glob("libscipy_openblas*.so*"))
    if not libraries:
        return None
    library = ctypes.CDLL(str(libraries[0]))
    # The 64-bit-integer builds of scipy-openblas decorate the exported names with a suffix.
    for suffix in ("64_", "_64_", ""):
        getter = getattr(library, f"scipy_openblas_get_num_threads{suffix}", None)
        setter = getattr(library, f"scipy_openblas_set_num_threads{suffix}", None)
        if getter is not None and setter is not None:
            getter.restype = ctypes.c_int
            setter.argtypes = [ctypes.c_int]
            return getter, setter
    return None


@contextlib.contextmanager
def blas_threads(count):
    """Run the block with NumPy's OpenBLAS limited to `count` threads, then restore the previous count.

    count=None leaves the setting alone.
    """
    control = blas_thread_control() if count is not None else None
    if control is None:
        yield
        return
    get_threads, set_threads = control
    previous = get_threads()
    set_threads(count)
    try:
        yield
    finally:
        set_threads(previous)
