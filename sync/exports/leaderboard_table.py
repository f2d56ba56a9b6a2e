"""A contest's leaderboard as an export, for the team's managers: one row per rep with
their rank, entries, debriefs and last activity, written by the same writers as the
reason counts (sync.exports.writers), so a name that starts like a formula is written
as text."""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA = "debrief.leaderboard/1"
COLUMNS = ("rank", "username", "display_name", "entries", "debriefs", "last_activity")


@dataclass(frozen=True)
class LeaderboardAbout:
    """Which contest, and when the standings were fetched."""

    contest_id: int
    contest: str
    team: str
    starts_at: str  # ISO 8601, UTC
    ends_at: str
    fetched_at: str

    columns = COLUMNS
    number_columns = frozenset({"rank", "entries", "debriefs"})
    sheet = "Leaderboard"

    def as_dict(self) -> dict[str, object]:
        return {"schema": SCHEMA, "contest_id": self.contest_id, "contest": self.contest,
                "team": self.team, "starts_at": self.starts_at, "ends_at": self.ends_at,
                "fetched_at": self.fetched_at}


@dataclass(frozen=True)
class StandingRow:
    rank: int
    username: str
    display_name: str
    entries: int
    debriefs: int
    last_activity: str | None  # ISO 8601, UTC; None: never

    def cells(self) -> tuple[object, ...]:
        return (self.rank, self.username, self.display_name, self.entries, self.debriefs,
                self.last_activity)

