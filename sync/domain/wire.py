"""The debrief as it travels between the app and the central store.

Only what may leave the rep's machine: structured fields, and the quote only when the
rep chose to share it. The rep is not part of it: the server knows who signed in.
"""

from __future__ import annotations

from typing import Any

from sync.domain.debrief import Debrief

# The top-level keys a pushed debrief may have, no more.
WIRE_FIELDS: tuple[str, ...] = (
    "id", "revision", "outcome", "stage", "segment", "reasons", "reasons_unknown",
    "competitor", "deal_value", "currency", "crm_ref", "quote", "share_quote",
    "created_at", "updated_at", "deleted",
)


def to_wire(debrief: Debrief) -> dict[str, Any]:
    shared = debrief.shared_dict()
    return {key: shared[key] for key in WIRE_FIELDS}


def from_wire(data: dict[str, Any], rep: str) -> Debrief:
    unknown = set(data) - set(WIRE_FIELDS)
    if unknown:
        raise ValueError(f"fields that never travel: {sorted(unknown)}")
    return Debrief.from_dict({**data, "rep": rep})
