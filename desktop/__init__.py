"""Debrief desktop app: log why deals are won and lost, offline, in seconds."""

__version__ = "0.1.0"
