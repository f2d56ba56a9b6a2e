"""What the Debrief app and the central store share, and the central store itself."""

__version__ = "0.1.0"
