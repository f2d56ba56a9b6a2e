"""The sync protocol both sides speak: its version, and the sizes both keep to.

A client sends `Debrief-Protocol: N`; a server that no longer speaks N answers 426.
Every answer carries the server's own number, so a client can tell a server too old.

Versions: 1, the first; 2 adds the change feed of a rep's own debriefs (`since` and
`next_since` on GET /sync/debriefs); 3 adds a debrief's lead facts (lead source,
sales-readiness and failed criteria, collateral, a shared play), which an app sends only
when given, and the lead lists in /sync/config; 4 adds a reason's `words`, the few words
a reason that asks for them ("Other") carries, and refuses such a reason without them
from an app of version 4 (an older one does not know to ask). A server of version 4
still answers versions 1 to 3.
"""

PROTOCOL_HEADER = "Debrief-Protocol"
PROTOCOL_VERSION = 4
LEAD_FACTS_PROTOCOL = 3  # the first that takes a debrief's lead facts
WORDS_PROTOCOL = 4  # the first that takes a reason's words (and asks for them)
OLDEST_CLIENT_PROTOCOL = 1

FEED_START = "0"  # the position before a rep's first change

MAX_BATCH = 500  # debriefs per push
MAX_PAGE = 500  # rows per page of any list
