"""Benchmarks for Linli (not tests): ``python -m bench`` or ``make bench``."""
