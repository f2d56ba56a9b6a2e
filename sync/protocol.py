"""The sync protocol both sides speak: its version, and the sizes both keep to.

A client sends `Debrief-Protocol: N`; a server that no longer speaks N answers 426.
Every answer carries the server's own number, so a client can tell a server too old.
"""

PROTOCOL_HEADER = "Debrief-Protocol"
PROTOCOL_VERSION = 1
OLDEST_CLIENT_PROTOCOL = 1

MAX_BATCH = 500  # debriefs per push
MAX_PAGE = 500  # rows per page of any list
