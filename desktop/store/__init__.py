"""The local SQLite store: the rep's debriefs, drafts, and the schema they live in.

The source of truth on the laptop. No Qt here: the UI reaches it through one worker.
"""
