"""`python -m bench.contest_probe`: in a fresh process, the Contest workspace paints a
manager's leaderboard of 1,000 reps, as received from the server; prints one JSON line.
Run by bench/contest_paint.py."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta

from bench.child import empty_paint_ms, paint_times
from desktop.ui.app import make_application
from desktop.ui.contest_screenshots import QuietServer, sample_contests, sample_entries
from desktop.ui.contest_workspace import ContestWorkspace
from sync.client.contest_answers import Board, ContestPage, DrawInfo, Standing
from sync.domain.clock import SteppingClock

REPS = 1_000
ROUNDS = 5


def board(now: datetime) -> Board:
    table = tuple(Standing(rank, f"rep{rank}", f"Rep {rank}", 5_000 - rank * 4,
                           1_000 - rank // 2, now - timedelta(minutes=rank * 7),
                           {1: 4_000 - rank * 3, 2: 1_000 - rank})
                  for rank in range(1, REPS + 1))
    return Board(REPS, table, table[2], "top 10%")


def main() -> int:
    app = make_application(sys.argv[:1])
    now = datetime.now(UTC)
    running, ended = sample_contests(now)
    workspace = ContestWorkspace(QuietServer(), SteppingClock(now, timedelta(0)),  # type: ignore[arg-type]
                                 "manager", lambda contest: None)
    workspace.resize(1180, 820)
    workspace.show()
    empty_ms = empty_paint_ms(workspace)
    page = ContestPage((running, ended), running, board(now), sample_entries(now),
                       DrawInfo(running.commitment, False, None, None, None), 3)
    paints = paint_times(workspace, lambda: workspace.show_page(page), ROUNDS)
    assert workspace.board_model.rowCount() == REPS
    print(json.dumps({"paint_ms": paints, "empty_paint_ms": empty_ms}))
    workspace.deleteLater()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
