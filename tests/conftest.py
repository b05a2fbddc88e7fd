"""Settings for the whole test run, made before anything imports NumPy.

One BLAS thread per process: `pytest -n 2` runs two test processes (and their notebook kernels, which
inherit the environment) on a 2-core machine, and NumPy's default of one thread per core made training
runs many times slower there (measured: a capstone training 100 s instead of 9.5 s with two running).
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
