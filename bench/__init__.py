"""Debrief's benchmarks: each figure measured beside its baseline in the same run.

`python -m bench` (or `make bench`) runs them all and prints one table; see README.md.
Importing this package loads nothing heavy: the benchmark child processes import it too.
"""
