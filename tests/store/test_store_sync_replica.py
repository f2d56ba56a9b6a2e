"""The local store's side of sync, without a server: what waits, what was confirmed or
refused, and how pulled debriefs merge with local ones (the conflict rule)."""

from __future__ import annotations

import shutil
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import pytest
from helpers.store_samples import T0

from desktop.store.conflicts import count_copies, dismiss_copy, use_copy
from desktop.store.database import connect, prepare
from desktop.store.debriefs import DebriefStore
from desktop.store.server_settings import ServerConnection, save_connection
from desktop.store.sync_replica import SyncReplica, pulled_rules
from sync.domain.clock import SteppingClock
from sync.domain.debrief import Debrief, Reason
from sync.domain.sync_state import Refusal, RefusedField
from sync.domain.team_lists import ListDocuments
from sync.domain.validation import InvalidDebrief
from sync.domain.wire import from_wire, to_wire
from sync.resources import load_json

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture
def replica(store: DebriefStore) -> SyncReplica:
    return SyncReplica(store)


def remote(debrief: Debrief, **changes) -> Debrief:
    """`debrief` as the central store would hand it back: wire fields only."""
    return from_wire(to_wire(debrief.with_changes(**changes)), debrief.rep)


def waiting_ids(replica: SyncReplica) -> list[str]:
    return [d.id for d in replica.unsynced(1000)]


# --- what waits ---------------------------------------------------------------------------


def test_every_saved_debrief_waits_in_id_order_tombstones_too(store, replica, make_debrief):
    saved = [store.save(make_debrief(store)) for _ in range(5)]
    store.delete(saved[2].id)

    assert waiting_ids(replica) == sorted(d.id for d in saved)
    assert replica.unsynced(1000)[2].deleted
    assert [d.id for d in replica.unsynced(2)] == [saved[0].id, saved[1].id]
    assert [d.id for d in replica.unsynced(2, after=saved[1].id)] == [saved[2].id, saved[3].id]
    assert replica.counts().waiting == 5


def test_a_confirmed_debrief_stops_waiting_until_it_is_edited(store, replica, make_debrief):
    first, second = (store.save(make_debrief(store)) for _ in range(2))
    replica.mark_synced([(first.id, first.revision), (second.id, second.revision)])
    assert waiting_ids(replica) == []

    edited = store.save(first.with_changes(competitor="Hooli"))

    assert [(d.id, d.revision) for d in replica.unsynced(10)] == [(first.id, 2)]
    assert edited.revision == 2


def test_a_confirmation_of_an_older_revision_leaves_a_newer_edit_waiting(store, replica,
                                                                        make_debrief):
    sent = store.save(make_debrief(store))
    store.save(sent.with_changes(competitor="Hooli"))  # edited while the push was under way

    replica.mark_synced([(sent.id, sent.revision)])

    assert [(d.id, d.revision) for d in replica.unsynced(10)] == [(sent.id, 2)]
    replica.mark_synced([(sent.id, 2), (sent.id, 1)])  # a late answer never goes back
    assert waiting_ids(replica) == []
    replica.mark_synced([(sent.id, 7)])  # nor beyond what exists here
    store.save(store.get(sent.id).with_changes(competitor="Initech"))
    assert waiting_ids(replica) == [sent.id]


def test_a_refused_debrief_keeps_its_reasons_and_waits_again_once_edited(store, replica,
                                                                        make_debrief):
    ok, bad = (store.save(make_debrief(store)) for _ in range(2))
    why = (RefusedField("reasons[0]", "“x” is not in the reason list."),)
    replica.mark_synced([(ok.id, ok.revision)])
    replica.mark_refused([Refusal(bad.id, bad.revision, why)])

    counts = replica.counts()
    assert (counts.waiting, counts.refused) == (0, 1)
    assert counts.refusals == (Refusal(bad.id, 1, why),)
    assert replica.refusal(bad.id) == Refusal(bad.id, 1, why)
    assert store.get(bad.id) == bad  # nothing local changed

    fixed = store.save(bad.with_changes(competitor="Hooli"))

    assert (replica.counts().waiting, replica.counts().refused) == (1, 0)
    assert replica.refusal(bad.id) is None
    replica.mark_synced([(bad.id, fixed.revision)])
    assert replica.counts() == replica.counts().__class__()


def test_a_migrated_schema_1_database_has_everything_waiting(tmp_path, rules):
    path = tmp_path / "debrief.sqlite"
    shutil.copyfile(FIXTURES / "schema-1.sqlite", path)
    clock = SteppingClock(start=T0 + timedelta(days=400))
    prepare(path, clock)
    with closing(connect(path)) as conn:
        total = conn.execute("SELECT COUNT(*) FROM debrief").fetchone()[0]
        replica = SyncReplica(DebriefStore(conn, path, clock, rules))
        assert replica.counts().waiting == total == len(replica.unsynced(1000))
        assert replica.feed_position() is None and replica.last_sync() is None


def pull_in(replica, clock, debriefs):
    """A last page of the change feed holding `debriefs`, pulled now."""
    return replica.apply_pulled(debriefs, "1", complete=True, pulled_at=clock.now())


# --- pulled debriefs ----------------------------------------------------------------------


def test_a_pulled_debrief_new_here_is_stored_as_synced(store, replica, make_debrief, clock):
    other = make_debrief(store, revision=3, created_at=T0, updated_at=T0, private_notes=None)

    outcome = replica.apply_pulled([remote(other)], "3:a", complete=False,
                                   pulled_at=clock.now())

    assert outcome.added == 1
    assert store.get(other.id) == other
    assert waiting_ids(replica) == []
    assert replica.feed_position() == "3:a"
    assert replica.last_complete_pull() is None


def test_a_full_pull_starts_over_and_is_recorded_once_it_reaches_the_end(replica, clock):
    replica.apply_pulled([], "7:z", complete=True, pulled_at=clock.now())
    assert replica.last_full_pull() is None  # it did not begin at the start

    started = clock.now()
    replica.begin_full_pull(started)
    assert (replica.feed_position(), replica.full_pull_running()) == ("0", True)
    replica.apply_pulled([], "5:a", complete=False, pulled_at=clock.now())
    assert replica.full_pull_running() and replica.last_full_pull() is None
    end = clock.now()
    replica.apply_pulled([], "9:b", complete=True, pulled_at=end)

    assert not replica.full_pull_running()
    assert replica.feed_position() == "9:b"
    assert replica.last_complete_pull() == replica.last_full_pull() == end


def test_a_pulled_version_the_server_holds_already_marks_it_synced(store, replica,
                                                                  make_debrief, clock):
    # The push was committed but its answer was lost: the pull proves it arrived.
    mine = store.save(make_debrief(store, private_notes="mine"))

    pull_in(replica, clock, [remote(mine)])

    assert waiting_ids(replica) == []
    assert store.get(mine.id) == mine
    assert replica.conflict_copies() == []


def test_an_older_pulled_version_never_replaces_a_newer_local_one(store, replica,
                                                                 make_debrief, clock):
    first = store.save(make_debrief(store))
    replica.mark_synced([(first.id, 1)])
    newer = store.save(first.with_changes(competitor="Hooli"))  # not pushed yet

    pull_in(replica, clock, [remote(first)])

    assert store.get(first.id) == newer
    assert waiting_ids(replica) == [first.id]
    assert replica.conflict_copies() == []  # the pulled one is what this machine pushed


def test_a_newer_pulled_version_replaces_a_synced_one_keeping_what_stays_here(
        store, replica, make_debrief, clock):
    pulled = make_debrief(store, revision=2, created_at=T0, updated_at=T0)
    pull_in(replica, clock, [remote(pulled)])  # came from the other machine
    edited = store.save(store.get(pulled.id).with_changes(
        private_notes="only here", account_name="Nordbank", quote="between us",
        share_quote=False, play="kept to myself", share_play=False))
    replica.mark_synced([(edited.id, edited.revision)])
    later = remote(edited, revision=edited.revision + 1, updated_at=edited.updated_at
                   + timedelta(hours=1), competitor="Umbrella")
    assert later.private_notes is None and later.quote is None and later.play is None

    outcome = pull_in(replica, clock, [later])

    now_here = store.get(pulled.id)
    assert (now_here.revision, now_here.competitor) == (later.revision, "Umbrella")
    assert (now_here.private_notes, now_here.account_name) == ("only here", "Nordbank")
    assert (now_here.quote, now_here.share_quote) == ("between us", False)
    assert (now_here.play, now_here.share_play) == ("kept to myself", False)
    assert waiting_ids(replica) == []
    # This machine's version was written here: it is kept as a copy, never dropped.
    assert outcome.conflicts == 1
    assert [c.debrief for c in replica.conflict_copies(pulled.id)] == [edited]


def test_a_newer_pulled_version_brings_its_date_made(store, replica, make_debrief, clock):
    # Another machine saved it again after its clock was set right (DebriefStore.save):
    # the date made moves with the version, as everything the server holds does.
    pulled = make_debrief(store, revision=2, created_at=T0 + timedelta(days=900),
                          updated_at=T0 + timedelta(days=900))
    pull_in(replica, clock, [remote(pulled)])
    mended = remote(pulled, revision=3, created_at=T0, updated_at=T0 + timedelta(days=1000))
    pull_in(replica, clock, [mended])
    assert store.get(pulled.id).created_at == T0


def test_a_newer_pulled_version_over_a_pulled_one_keeps_no_copy(store, replica,
                                                                make_debrief, clock):
    pulled = make_debrief(store, revision=2, created_at=T0, updated_at=T0)
    pull_in(replica, clock, [remote(pulled)])
    later = remote(pulled, revision=3, updated_at=T0 + timedelta(hours=1), competitor="X")

    outcome = pull_in(replica, clock, [later])

    assert (outcome.updated, outcome.conflicts) == (1, 0)
    assert store.get(pulled.id).competitor == "X"


def test_a_winning_pulled_version_replaces_a_local_edit_and_keeps_it_as_a_copy(
        store, replica, make_debrief, clock):
    mine = store.save(make_debrief(store, private_notes="my notes"))
    replica.mark_synced([(mine.id, 1)])
    local_edit = store.save(mine.with_changes(competitor="Hooli"))  # revision 2, unpushed
    theirs = remote(mine, revision=3, updated_at=local_edit.updated_at, competitor="Initech")

    pull_in(replica, clock, [theirs])

    now_here = store.get(mine.id)
    assert (now_here.revision, now_here.competitor) == (3, "Initech")
    assert now_here.private_notes == "my notes"
    assert waiting_ids(replica) == []
    [copy] = replica.conflict_copies(mine.id)
    assert copy.debrief == local_edit and copy.winner_revision == 3
    assert replica.counts().conflict_copies == 1


def test_a_tie_goes_to_the_later_edit(store, replica, make_debrief, clock):
    mine = store.save(make_debrief(store))
    replica.mark_synced([(mine.id, 1)])
    local_edit = store.save(mine.with_changes(competitor="Hooli"))
    earlier = remote(local_edit, updated_at=local_edit.updated_at - timedelta(seconds=1),
                     competitor="Initech")
    later = remote(local_edit, updated_at=local_edit.updated_at + timedelta(seconds=1),
                   competitor="Globex")

    pull_in(replica, clock, [earlier])
    assert store.get(mine.id) == local_edit  # the local edit is later: it stays, waiting
    assert waiting_ids(replica) == [mine.id]
    assert [c.debrief.competitor for c in replica.conflict_copies()] == ["Initech"]

    pull_in(replica, clock, [later])
    assert store.get(mine.id).competitor == "Globex"
    assert waiting_ids(replica) == []
    assert sorted(c.debrief.competitor for c in replica.conflict_copies()) == [
        "Hooli", "Initech"]


def test_a_losing_version_from_another_machine_is_kept_as_a_copy(store, replica,
                                                                make_debrief, clock):
    mine = store.save(make_debrief(store))
    replica.mark_synced([(mine.id, 1)])
    store.save(mine.with_changes(competitor="Hooli"))
    local = store.save(store.get(mine.id).with_changes(competitor="Hooli Inc"))  # rev 3
    theirs = remote(mine, revision=2, updated_at=local.updated_at + timedelta(hours=1),
                    competitor="Initech")  # edited elsewhere from revision 1

    outcome = pull_in(replica, clock, [theirs])

    assert store.get(mine.id) == local  # higher revision wins; pushed next
    assert waiting_ids(replica) == [mine.id]
    assert outcome.conflicts == 1
    [copy] = replica.conflict_copies(mine.id)
    assert (copy.debrief.competitor, copy.debrief.revision) == ("Initech", 2)
    pull_in(replica, clock, [theirs])  # pulled again: one copy, not two
    assert len(replica.conflict_copies()) == 1


def test_a_pulled_tombstone_deletes_here(store, replica, make_debrief, clock):
    mine = store.save(make_debrief(store, account_name="Nordbank"))
    replica.mark_synced([(mine.id, 1)])

    pull_in(replica, clock, [remote(mine, revision=2, deleted=True,
                                 updated_at=mine.updated_at + timedelta(minutes=1))])

    assert store.get(mine.id) is None
    gone = store.get(mine.id, include_deleted=True)
    assert gone.deleted and gone.revision == 2 and gone.account_name == "Nordbank"
    assert waiting_ids(replica) == []


def test_a_pulled_tombstone_of_a_debrief_never_seen_here_is_skipped(store, replica, clock,
                                                                   make_debrief):
    bare = Debrief(id=store.ids.new_id(), rep="x", revision=4, created_at=T0,
                   updated_at=T0, deleted=True)
    assert pull_in(replica, clock, [bare]).added == 0
    assert store.get(bare.id, include_deleted=True) is None


# --- config and bookkeeping ---------------------------------------------------------------


def test_the_pulled_lists_are_kept_and_become_the_rules(store, replica, rules):
    config = ListDocuments(taxonomy_version="2099.1",
                          taxonomy={**load_json("taxonomy/default.json"), "version": "2099.1"},
                          segments=load_json("segments.json"),
                          contest_rules=load_json("contest_rules.json"))
    assert replica.pulled_config() is None
    assert pulled_rules(replica, rules) is rules

    replica.apply_config(config)
    replica.apply_config(config)

    assert replica.pulled_config() == config
    assert pulled_rules(replica, rules).taxonomy.version == "2099.1"


def test_the_last_sync_is_remembered(replica, clock):
    assert replica.last_sync() is None
    moment = clock.now()
    replica.record_sync(moment)
    assert replica.last_sync() == moment


def test_another_server_starts_the_sync_state_over(store, replica, make_debrief, clock):
    first, other = ServerConnection("https://a.example", "rep"), ServerConnection(
        "https://b.example", "rep")
    assert save_connection(store, first) is False
    saved = store.save(make_debrief(store))
    replica.mark_synced([(saved.id, saved.revision)])
    replica.begin_full_pull(clock.now())
    pull_in(replica, clock, [])
    replica.record_sync(clock.now())
    replica.apply_config(ListDocuments("2099.1", load_json("taxonomy/default.json"),
                                      load_json("segments.json"),
                                      load_json("contest_rules.json")))

    assert save_connection(store, other) is True

    assert waiting_ids(replica) == [saved.id]  # pushed again, to the new server
    assert (replica.feed_position(), replica.full_pull_running(), replica.last_sync(),
            replica.last_complete_pull(), replica.last_full_pull(),
            replica.pulled_config()) == (None, False, None, None, None, None)


def test_an_edit_of_an_older_copy_keeps_the_version_pulled_meanwhile(store, replica,
                                                                    make_debrief, clock):
    first = make_debrief(store, revision=1, created_at=T0, updated_at=T0)
    pull_in(replica, clock, [remote(first)])  # made on another machine
    opened = store.get(first.id)  # the rep opens it in the form...
    theirs = remote(opened, revision=2, updated_at=opened.updated_at + timedelta(minutes=5),
                    competitor="Initech")
    pull_in(replica, clock, [theirs])  # ...sync pulls another machine's...

    saved = store.save(opened.with_changes(competitor="Hooli"))  # ...and the rep saves

    assert (saved.revision, store.get(opened.id).competitor) == (3, "Hooli")
    assert [c.debrief.competitor for c in replica.conflict_copies(opened.id)] == ["Initech"]
    assert waiting_ids(replica) == [opened.id]
    store.save(store.get(opened.id).with_changes(competitor="Hooli Inc"))  # a normal edit
    assert len(replica.conflict_copies()) == 1


# --- conflict copies: which computer, and what the rep does with them -----------------------


def lost_local_edit(store, replica, make_debrief, clock, **local_changes):
    """This machine's unpushed edit loses to a newer one pulled from another machine."""
    mine = store.save(make_debrief(store, private_notes="my notes", account_name="Nordbank"))
    replica.mark_synced([(mine.id, mine.revision)])
    local_edit = store.save(mine.with_changes(competitor="Hooli", **local_changes))
    theirs = remote(mine, revision=3, updated_at=local_edit.updated_at + timedelta(minutes=1),
                    competitor="Initech")
    pull_in(replica, clock, [theirs])
    return local_edit


def lost_remote_edit(store, replica, make_debrief, clock, **remote_changes):
    """Another machine's older-revision edit loses to two edits made here."""
    mine = store.save(make_debrief(store, private_notes="my notes", account_name="Nordbank"))
    replica.mark_synced([(mine.id, mine.revision)])
    store.save(mine.with_changes(competitor="Hooli"))
    local = store.save(store.get(mine.id).with_changes(private_notes="newer notes"))
    theirs = remote(mine, revision=2, updated_at=local.updated_at + timedelta(hours=1),
                    **({"competitor": "Initech"} | remote_changes))
    pull_in(replica, clock, [theirs])
    return local


def test_each_copy_says_which_computer_it_was_written_on(store, replica, make_debrief,
                                                         clock):
    here = lost_local_edit(store, replica, make_debrief, clock)
    there = lost_remote_edit(store, replica, make_debrief, clock)
    first = make_debrief(store, revision=1, created_at=T0, updated_at=T0)
    pull_in(replica, clock, [remote(first)])
    opened = store.get(first.id)
    pull_in(replica, clock, [remote(opened, revision=2, competitor="Initech",
                                 updated_at=opened.updated_at + timedelta(minutes=5))])
    store.save(opened.with_changes(competitor="Hooli"))  # an edit of the older version

    assert [c.lost_here for c in replica.conflict_copies(here.id)] == [True]
    assert [c.lost_here for c in replica.conflict_copies(there.id)] == [False]
    assert [c.lost_here for c in replica.conflict_copies(first.id)] == [False]


def test_keeping_the_current_version_dismisses_the_copy(store, replica, make_debrief,
                                                         clock):
    lost = lost_local_edit(store, replica, make_debrief, clock)
    current = store.get(lost.id)
    [copy] = replica.conflict_copies()

    assert dismiss_copy(store, copy.copy_id)

    assert replica.conflict_copies() == [] and count_copies(store.conn) == 0
    assert store.get(lost.id) == current
    assert waiting_ids(replica) == []
    assert not dismiss_copy(store, copy.copy_id)  # a second click finds nothing


def test_using_a_copy_saves_it_as_a_new_edit_that_waits_to_be_pushed(store, replica,
                                                                     make_debrief, clock):
    lost = lost_local_edit(store, replica, make_debrief, clock)
    [copy] = replica.conflict_copies(lost.id)

    saved = use_copy(store, copy.copy_id)

    assert saved is not None and saved.revision == 4  # above the winner's 3
    now_here = store.get(lost.id)
    assert now_here == saved
    assert (now_here.competitor, now_here.private_notes) == ("Hooli", "my notes")
    assert waiting_ids(replica) == [lost.id]
    assert replica.conflict_copies() == []
    assert use_copy(store, copy.copy_id) is None


def test_using_another_computers_copy_keeps_this_computers_notes(store, replica,
                                                                make_debrief, clock):
    local = lost_remote_edit(store, replica, make_debrief, clock)
    [copy] = replica.conflict_copies(local.id)
    assert copy.debrief.private_notes is None  # notes never travel

    saved = use_copy(store, copy.copy_id)

    assert saved is not None and saved.revision == local.revision + 1
    assert (saved.competitor, saved.private_notes, saved.account_name) == (
        "Initech", "newer notes", "Nordbank")
    assert waiting_ids(replica) == [local.id]


def test_a_copy_the_current_lists_refuse_is_kept_and_nothing_saved(store, replica,
                                                                   make_debrief, clock):
    local = lost_remote_edit(store, replica, make_debrief, clock,
                             reasons=(Reason("price.not_in_any_list", primary=True),))
    [copy] = replica.conflict_copies(local.id)

    with pytest.raises(InvalidDebrief):
        use_copy(store, copy.copy_id)

    assert store.get(local.id) == local
    assert [c.copy_id for c in replica.conflict_copies()] == [copy.copy_id]
