"""The debrief as it travels between the app and the central store.

Only what may leave the rep's machine: structured fields, and the quote only when the
rep chose to share it. The rep is not part of it: the server knows who signed in.
"""

from __future__ import annotations

from typing import Any

from sync.domain.debrief import (
    DEBRIEF_FIELDS,
    LEAD_FIELDS,
    LOCAL_ONLY_FIELDS,
    NOT_ON_WIRE_FIELDS,
    Debrief,
)

# The top-level keys a pushed debrief may have, no more: every field of a debrief but
# those that stay on the machine or that the server knows from who signed in.
WIRE_FIELDS: tuple[str, ...] = tuple(
    name for name in DEBRIEF_FIELDS if name not in LOCAL_ONLY_FIELDS | NOT_ON_WIRE_FIELDS)


def to_wire(debrief: Debrief) -> dict[str, Any]:
    """The debrief as pushed. The lead facts only where given: a debrief without them
    reads as before to a server that does not know them (protocol 2)."""
    shared = debrief.shared_dict()
    return {key: shared[key] for key in WIRE_FIELDS
            if key not in LEAD_FIELDS or shared[key] not in (None, False, [])}


def from_wire(data: dict[str, Any], rep: str) -> Debrief:
    unknown = set(data) - set(WIRE_FIELDS)
    if unknown:
        raise ValueError(f"fields that never travel: {sorted(unknown)}")
    return Debrief.from_dict({**data, "rep": rep})
