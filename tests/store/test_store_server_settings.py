"""The connection kept in the local store: which server, as whom, and the account's role,
as the sign-in gave it or a later sync learned it. A connection kept before the app
learned roles reads as one whose role is not known."""

from __future__ import annotations

import json

from desktop.store.server_settings import (
    ServerConnection,
    forget_connection,
    load_connection,
    save_connection,
    save_role,
)

URL = "https://debrief.example.com"


def test_the_role_is_kept_with_the_connection(store):
    save_connection(store, ServerConnection(URL, "mia", role="marketing"))

    assert load_connection(store.conn) == ServerConnection(URL, "mia")
    assert load_connection(store.conn).role == "marketing"


def test_a_connection_kept_before_roles_has_none_until_one_is_learned(store):
    # As an earlier Debrief wrote it: no role in it.
    store.conn.execute("INSERT INTO sync_state (key, value, updated_at) VALUES "
                       "('server_connection', ?, '2026-01-05T09:00:00Z')",
                       (json.dumps({"url": URL, "username": "mia", "ca_bundle": None}),))
    store.conn.commit()
    assert load_connection(store.conn).role is None

    learned = save_role(store, "marketing")

    assert learned.role == "marketing"
    assert load_connection(store.conn).role == "marketing"
    assert (load_connection(store.conn).url, load_connection(store.conn).username) == (
        URL, "mia")


def test_learning_the_role_does_not_start_the_sync_state_over(store, make_debrief):
    save_connection(store, ServerConnection(URL, "ann", role="rep"))
    debrief = store.save(make_debrief(store))
    store.conn.execute("UPDATE debrief SET synced_revision = 1 WHERE id = ?", (debrief.id,))
    store.conn.commit()

    save_role(store, "manager")

    assert load_connection(store.conn).role == "manager"
    assert store.conn.execute("SELECT synced_revision FROM debrief WHERE id = ?",
                              (debrief.id,)).fetchone()[0] == 1
    # The same server and account again, signed in with a role: still no start over.
    assert save_connection(store, ServerConnection(URL, "ann", role="manager")) is False


def test_a_role_learned_after_signing_out_is_not_kept(store):
    save_connection(store, ServerConnection(URL, "mia"))
    forget_connection(store)

    assert save_role(store, "marketing") is None
    assert load_connection(store.conn) is None
