"""The last insights fetched, kept on disk so that Insights opens offline: one JSON
file beside the database, the answers of the most recent views. It holds only what
the server published to marketing (counts that passed suppression), never a debrief."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from sync.client.insight_view import InsightAnswers, InsightView
from sync.exports.whole_file import written_whole

log = logging.getLogger(__name__)
KEPT_VIEWS = 20


class InsightCache:
    """Read from the file once, then kept in memory: the workspace asks it on the GUI
    thread at every change of filters, the sync thread adds to it after each fetch."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._kept: dict[str, dict] | None = None  # view key: answers as JSON, oldest first

    def save(self, found: InsightAnswers) -> None:
        with self._lock:
            kept = self._views()
            kept.pop(found.view.key(), None)
            kept[found.view.key()] = found.to_json()  # the newest last
            while len(kept) > KEPT_VIEWS:
                kept.pop(next(iter(kept)))
            text = json.dumps({"views": list(kept.values())})
        with written_whole(self.path) as out:
            out.write(text.encode("utf-8"))

    def load(self, view: InsightView) -> InsightAnswers | None:
        with self._lock:
            data = self._views().get(view.key())
        return InsightAnswers.from_json(data) if data else None

    def latest(self) -> InsightAnswers | None:
        with self._lock:
            kept = self._views()
            data = list(kept.values())[-1] if kept else None
        return InsightAnswers.from_json(data) if data else None

    def _views(self) -> dict[str, dict]:
        if self._kept is None:
            self._kept = self._read()
        return self._kept

    def _read(self) -> dict[str, dict]:
        try:
            views = json.loads(self.path.read_text(encoding="utf-8"))["views"]
            return {InsightAnswers.from_json(view).view.key(): view for view in views}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("the kept insights cannot be read, starting afresh: %s", error)
            return {}
