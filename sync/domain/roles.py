"""Which accounts sync debriefs: reps and managers push theirs and pull them back.

The central store takes a push, and hands out an account's own debriefs, from these
roles only (its sync routes answer anyone else 403); every role pulls the team's lists
(reason taxonomy, segments, contest rules). Marketing and admin accounts sign in to the
app for those lists and their own workspaces, so their sync pushes nothing.
"""

from __future__ import annotations

ROLES = ("rep", "manager", "marketing", "admin")  # every account has one
DEBRIEF_ROLES = ("rep", "manager")  # push their debriefs and pull them back
INSIGHT_ROLES = ("marketing", "admin")  # read aggregates; the app opens on Insights
CONTEST_ROLES = ("rep", "manager", "admin")  # see their teams' contests
MANAGES_CONTESTS = ("manager", "admin")  # make contests, void entries, run draws


def syncs_debriefs(role: str | None) -> bool:
    """Whether an account with `role` pushes and pulls debriefs. An unknown role (None:
    a connection kept before the app learned roles) counts as one that does, until
    the sync engine has asked the server."""
    return role is None or role in DEBRIEF_ROLES


def reads_insights(role: str | None) -> bool:
    """Whether an account with `role` works in Insights (aggregates only)."""
    return role in INSIGHT_ROLES


def sees_contests(role: str | None) -> bool:
    """Whether an account with `role` has the Contest workspace (a known role only: a
    connection kept before the app learned roles waits for the server to say)."""
    return role in CONTEST_ROLES
