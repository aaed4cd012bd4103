"""Shared pytest set-up for the unit tests and for nbval's kernels."""

import os

# One BLAS thread, as `make test` and `make refresh` use: the last digits of a
# sum depend on how it is split between threads, and strict nbval compares them.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
