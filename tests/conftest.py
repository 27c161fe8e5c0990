"""Test-wide settings: property tests draw the same examples on every run, so CI is reproducible (a failure
found once is found again, and a run never fails on a new random draw)."""

from hypothesis import settings

settings.register_profile("reproducible", derandomize=True)
settings.load_profile("reproducible")
