"""Every filesystem path the desktop app uses, in one place.

The rep's data (AppPaths) and the shipped resources (`resource`). Where the resources
folder is, from a source checkout, an installed wheel or a frozen bundle alike, is
decided by sync.resources.resources_dir, which the central store shares.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sync.resources import resources_dir

APP_NAME = "Debrief"
DATA_DIR_ENV = "DEBRIEF_DATA_DIR"


def resource(relative: str) -> Path:
    """A shipped file, e.g. resource("styles/debrief.qss")."""
    return resources_dir() / relative


@dataclass(frozen=True)
class AppPaths:
    """Where one profile's data lives: the database, drafts, logs, moved-aside files."""

    data_dir: Path

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None,
                environ: Mapping[str, str] | None = None) -> AppPaths:
        """--data-dir wins, then $DEBRIEF_DATA_DIR, then the OS's per-user data folder."""
        environ = os.environ if environ is None else environ
        chosen = data_dir or environ.get(DATA_DIR_ENV)
        if chosen:
            return cls(Path(chosen).expanduser().resolve())
        from platformdirs import user_data_dir  # imported here: only this branch needs it

        return cls(Path(user_data_dir(APP_NAME, appauthor=False)))

    @property
    def database(self) -> Path:
        return self.data_dir / "debrief.sqlite"

    @property
    def insights_cache(self) -> Path:
        """The last insights fetched (marketing and admin accounts), for offline use."""
        return self.data_dir / "insights.json"

    @property
    def saved_insight_views(self) -> Path:
        """Insights views saved by name."""
        return self.data_dir / "insight-views.json"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "debrief.log"
