"""The Qt user interface: the only part of Debrief that imports PySide6."""
