"""What several test folders work with, importable as `helpers` (pytest's pythonpath
has tests/ on it)."""
