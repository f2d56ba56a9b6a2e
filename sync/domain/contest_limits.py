"""How long a contest's words may be and how many it may draw: one description for the
central store, which refuses more, and the app's forms, which say so before sending."""

from __future__ import annotations

NAME_MAX = 120  # characters of a contest's name
PRIZE_MAX = 200  # characters saying what the prize is
MAX_WINNERS = 100  # reps one draw picks, at most
VOID_REASON_MAX = 500  # characters of why entries were voided or given back
