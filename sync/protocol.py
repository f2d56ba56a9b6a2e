"""The sync protocol's version, which the app and the central store both send.

A client sends `Debrief-Protocol: N`; a server that no longer speaks N answers 426.
Every answer carries the server's own number, so a client can tell a server too old.
"""

PROTOCOL_HEADER = "Debrief-Protocol"
PROTOCOL_VERSION = 1
OLDEST_CLIENT_PROTOCOL = 1
