"""The contest standing the local store keeps for the prize panel: the last one fetched,
"no contest running" as such, kept over a restart and a sign-out, forgotten with the
rest of a server's sync state when the store starts over with another."""

from __future__ import annotations

from datetime import UTC, datetime

from desktop.store.database import connect
from desktop.store.debriefs import DebriefStore
from desktop.store.server_settings import ServerConnection, forget_connection, save_connection
from desktop.store.sync_replica import SyncReplica
from sync.domain.contest_standing import ContestStanding

URL = "https://debrief.example.com"
STANDING = ContestStanding("December close-out", "A weekend in Lisbon",
                           datetime(2026, 12, 19, tzinfo=UTC), 42, "top 25%", 12,
                           datetime(2026, 12, 7, 14, 32, tzinfo=UTC))


def test_nothing_is_known_before_a_sync_said(store):
    replica = SyncReplica(store)
    assert not replica.knows_standing() and replica.kept_standing() is None


def test_the_last_standing_is_kept_over_a_restart(store, db_path, clock, rules):
    SyncReplica(store).keep_standing(STANDING)
    store.conn.close()

    again = SyncReplica(DebriefStore(connect(db_path), db_path, clock, rules))
    try:
        assert again.knows_standing() and again.kept_standing() == STANDING
    finally:
        again.conn.close()


def test_no_contest_running_replaces_the_last_standing(store):
    replica = SyncReplica(store)
    replica.keep_standing(STANDING)

    replica.keep_standing(None)

    assert replica.knows_standing() and replica.kept_standing() is None


def test_signing_out_keeps_it_and_another_server_forgets_it(store):
    replica = SyncReplica(store)
    save_connection(store, ServerConnection(URL, "ann"))
    replica.keep_standing(STANDING)

    forget_connection(store)
    save_connection(store, ServerConnection(URL, "ann"))  # the same again
    assert replica.kept_standing() == STANDING

    save_connection(store, ServerConnection("https://other.example.com", "ann"))
    assert not replica.knows_standing() and replica.kept_standing() is None


def test_a_kept_standing_that_cannot_be_read_is_none(store, caplog):
    store.conn.execute("INSERT INTO sync_state (key, value, updated_at) VALUES "
                       "('contest_standing', '{\"standing\": {\"name\": 1}}', "
                       "'2026-01-05T09:00:00Z')")
    store.conn.commit()

    assert SyncReplica(store).kept_standing() is None
    assert "cannot be read" in caplog.text
