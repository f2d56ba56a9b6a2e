"""Debrief desktop app: log why deals are won and lost, offline, in seconds."""

from sync import __version__

__all__ = ["__version__"]
