"""A bug in a sync run (not the network, not the store): the crash dialog gets it once,
the status bar does not stay on "Syncing" and the next sync still sends what waits."""

from __future__ import annotations

from datetime import timedelta

from helpers.sync_window import (
    connect_behind_the_window,
    new_debriefs,
    server_rows,
    wait_for_status,
)

from desktop.store.database import prepare
from sync.client.central_store import CentralStore
from sync.client.status import StatusKind


class FailsOnce(CentralStore):
    """A client with a bug in its first push."""

    pushes = 0

    def push(self, debriefs):
        FailsOnce.pushes += 1
        if FailsOnce.pushes == 1:
            raise KeyError("a bug in the client")
        return super().push(debriefs)


def failing_once(url, ca_bundle):
    return FailsOnce(url, ca_bundle=ca_bundle)


def test_a_bug_in_a_sync_run_is_reported_and_the_next_sync_still_runs(
        qtbot, open_synced_window, data_paths, clock, central, central_db, rep, vault,
        presenter):
    FailsOnce.pushes = 0
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    waiting = new_debriefs(data_paths.database, clock, "rep-1", 2)
    window = open_synced_window(make_central=failing_once)

    qtbot.waitUntil(lambda: bool(presenter.errors), timeout=20_000)
    assert isinstance(presenter.errors.pop(), KeyError)
    wait_for_status(qtbot, window, StatusKind.SERVER_PROBLEM)
    status = window.services.sync.last_status
    assert "unexpected error" in status.message.text and status.waiting == 2
    assert status.retry_at is not None
    assert server_rows(central_db, [d.id for d in waiting]) == {}

    window.services.sync.sync_now()

    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)
    assert set(server_rows(central_db, [d.id for d in waiting])) == {d.id for d in waiting}
    assert not presenter.errors


class AlwaysFails(CentralStore):
    def push(self, debriefs):
        raise KeyError("a bug that stays")


def test_a_bug_that_stays_opens_the_crash_dialog_once_and_waits_longer_each_time(
        qtbot, open_synced_window, data_paths, clock, central, rep, vault, presenter):
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    new_debriefs(data_paths.database, clock, "rep-1", 1)
    window = open_synced_window(make_central=lambda url, ca: AlwaysFails(url, ca_bundle=ca))
    sync = window.services.sync
    wait_for_status(qtbot, window, StatusKind.SERVER_PROBLEM)
    first = sync.last_status.retry_at

    sync.sync_now()
    qtbot.waitUntil(lambda: sync.last_status.retry_at != first and not sync.running,
                    timeout=20_000)

    assert [type(error) for error in presenter.errors] == [KeyError]
    presenter.errors.clear()
    assert sync.last_status.kind is StatusKind.SERVER_PROBLEM
    assert sync.last_status.retry_at - first > timedelta(seconds=3000)  # 2 x the interval
