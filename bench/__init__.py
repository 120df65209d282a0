"""Benchmarks: `make bench` prints `name: value` lines (figures and ratios to a bare page)."""
