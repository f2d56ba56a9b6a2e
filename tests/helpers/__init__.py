"""What several test folders work with, importable as `helpers` (pytest's pythonpath has
tests/ on it) and, from the repo root, as `tests.helpers` (as bench/ imports it). The
modules here import each other relatively, so either name works."""
