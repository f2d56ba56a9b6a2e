"""The sync engine against a real central store on loopback, with real local stores:
exactly once, refusals kept with their reasons, edits and deletes, a second machine,
conflicts between two machines."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import requests
from helpers.sync_world import new_rep, server_rows
from requests.adapters import HTTPAdapter

from sync.client.status import StatusKind
from sync.domain.debrief import Collateral, Evidence, Readiness, Reason
from sync.domain.taxonomy import Taxonomy
from sync.domain.team_lists import TeamLists
from sync.resources import load_json


def main_reason(code: str) -> Reason:
    return Reason(code, None, Evidence.CUSTOMER_SAID, primary=True)


def test_a_push_syncs_everything_and_stores_each_debrief_once(machine, rep, server_db):
    laptop = machine(batch_size=3)
    laptop.sign_in(rep)
    saved = [laptop.save() for _ in range(7)]
    seen: list[tuple[int, int]] = []

    report = laptop.engine.run_once(lambda done, total: seen.append((done, total)))

    assert report.ok, report.errors
    assert (report.pushed, report.duplicates, report.rejected) == (7, 0, 0)
    assert seen == [(3, 7), (6, 7), (7, 7)]
    assert report.status.kind is StatusKind.UP_TO_DATE
    assert report.status.last_sync == report.finished_at
    assert laptop.replica.counts().waiting == 0
    rows = server_rows(server_db, [d.id for d in saved])
    assert {i: row.revision for i, row in rows.items()} == {d.id: 1 for d in saved}

    again = laptop.sync()  # nothing waits: nothing is sent
    assert (again.pushed, again.duplicates) == (0, 0)


def test_a_push_whose_answer_was_lost_comes_back_duplicate(machine, rep, server_db):
    laptop = machine()
    laptop.sign_in(rep)
    saved = [laptop.save() for _ in range(4)]
    laptop.sync()
    # As if the answer never arrived: the server committed, the laptop never marked.
    laptop.conn.execute("UPDATE debrief SET synced_revision = 0")

    report = laptop.sync()

    assert (report.pushed, report.duplicates) == (0, 4)
    assert laptop.replica.counts().waiting == 0
    assert len(server_rows(server_db, [d.id for d in saved])) == 4


def test_a_refused_debrief_stays_with_its_reason_and_the_rest_syncs(machine, rep, server_db):
    # This laptop's reason list knows a code the central store does not (yet).
    document = load_json("taxonomy/default.json")
    document["categories"][0]["codes"].append({
        "key": "price.local_only", "label": "Only on this laptop", "applies_to": "loss"})
    default = machine("probe").rules
    drifted = TeamLists(Taxonomy.from_dict(document), default.segments, default.contest)
    laptop = machine(rules=drifted)
    laptop.sign_in(rep)
    good = [laptop.save(), laptop.save()]
    bad = laptop.save(reasons=(main_reason("price.local_only"),))
    good.append(laptop.save())

    report = laptop.sync()

    assert report.ok
    assert (report.pushed, report.rejected) == (3, 1)
    assert set(server_rows(server_db, [d.id for d in [*good, bad]])) == {d.id for d in good}
    counts = laptop.replica.counts()
    assert (counts.waiting, counts.refused) == (0, 1)
    [refusal] = counts.refusals
    assert refusal.debrief_id == bad.id and refusal.revision == 1
    assert refusal.problems[0].field == "reasons[0]"
    assert "price.local_only" in refusal.problems[0].message
    assert laptop.store.get(bad.id) == bad
    assert report.status.kind is StatusKind.REFUSED
    assert report.status.refusals == (refusal,)

    laptop.edit(bad.id, reasons=(main_reason("price.too_high"),))  # the rep fixes it
    fixed = laptop.sync()
    assert (fixed.pushed, fixed.rejected) == (1, 0)
    assert fixed.status.kind is StatusKind.UP_TO_DATE
    assert server_rows(server_db, [bad.id])[bad.id].revision == 2


def test_an_edit_pushes_again_and_a_delete_pushes_a_tombstone(machine, rep, server_db):
    laptop = machine()
    laptop.sign_in(rep)
    kept, dropped = laptop.save(), laptop.save()
    laptop.sync()

    laptop.edit(kept.id, competitor="Initech")
    laptop.store.delete(dropped.id)
    assert laptop.engine.status().kind is StatusKind.WAITING
    assert laptop.engine.status().waiting == 2
    report = laptop.sync()

    assert (report.pushed, report.duplicates) == (2, 0)
    rows = server_rows(server_db, [kept.id, dropped.id])
    assert (rows[kept.id].revision, rows[kept.id].competitor) == (2, "Initech")
    assert (rows[dropped.id].revision, rows[dropped.id].deleted) == (2, True)
    assert laptop.replica.counts().waiting == 0


def test_a_second_machine_pulls_every_own_debrief(machine, rep, server_db):
    laptop = machine("laptop", page_size=2)
    laptop.sign_in(rep)
    saved = [laptop.save(private_notes="mine only", account_name="Nordbank",
                         quote="Too pricey", share_quote=i % 2 == 0) for i in range(5)]
    laptop.store.delete(saved[1].id)
    laptop.sync()
    someone_else = machine("other")
    someone_else.sign_in(new_rep(server_db))
    someone_else.save()
    someone_else.sync()

    desk = machine("desk", page_size=2)
    desk.sign_in(rep)
    report = desk.sync()

    assert report.ok and report.pulled == 5
    pulled = desk.all_debriefs()
    assert set(pulled) == {d.id for d in saved}
    assert pulled[saved[1].id].deleted
    assert desk.store.get(saved[1].id) is None
    for original in saved:
        here = pulled[original.id]
        assert (here.private_notes, here.account_name) == (None, None)
        assert here.quote == (original.quote if original.share_quote else None)
        assert here.competitor == original.competitor
        assert here.revision == laptop.store.get(original.id, include_deleted=True).revision
    assert desk.replica.counts().waiting == 0
    assert desk.replica.pulled_config().taxonomy_version == desk.rules.taxonomy.version


def test_conflict_the_later_edit_wins_on_both_and_the_loser_is_kept(machine, rep, server_db):
    laptop = machine("laptop")
    desk = machine("desk")
    desk.clock.advance(timedelta(hours=1))  # the desk edits later in the day
    for one in (laptop, desk):
        one.sign_in(rep)
    original = laptop.save(private_notes="laptop notes")
    laptop.sync()
    desk.sync()

    on_laptop = laptop.edit(original.id, competitor="Laptop Corp")  # revision 2
    on_desk = desk.edit(original.id, competitor="Desk Corp")  # revision 2, later
    laptop.sync()
    desk.sync()
    laptop.sync()

    row = server_rows(server_db, [original.id])[original.id]
    assert (row.revision, row.competitor) == (2, "Desk Corp")
    for one in (laptop, desk):
        here = one.store.get(original.id)
        assert (here.revision, here.competitor) == (2, "Desk Corp")
        assert one.replica.counts().waiting == 0
    assert laptop.store.get(original.id).private_notes == "laptop notes"
    [copy] = laptop.replica.conflict_copies(original.id)
    assert copy.debrief == on_laptop
    assert on_desk.updated_at > on_laptop.updated_at


def test_conflict_the_higher_revision_wins_over_an_unpushed_edit(machine, rep, server_db):
    laptop = machine("laptop")
    desk = machine("desk")
    laptop.clock.advance(timedelta(hours=2))  # later, but fewer edits: revision decides
    for one in (laptop, desk):
        one.sign_in(rep)
    original = desk.save()
    desk.sync()
    laptop.sync()

    desk.edit(original.id, competitor="Desk Corp")
    winner = desk.edit(original.id, competitor="Desk Corp 2")  # revision 3
    desk.sync()
    loser = laptop.edit(original.id, competitor="Laptop Corp")  # revision 2, unpushed
    report = laptop.sync()

    assert report.duplicates == 1  # the server holds a newer version
    assert report.conflicts == 1
    row = server_rows(server_db, [original.id])[original.id]
    assert (row.revision, row.competitor) == (3, "Desk Corp 2")
    assert laptop.store.get(original.id) == winner.with_changes(rep=laptop.rep)
    assert [c.debrief for c in laptop.replica.conflict_copies()] == [loser]
    desk.sync()
    assert desk.replica.conflict_copies() == []


def test_the_pull_runs_when_due(machine, rep):
    laptop = machine()
    laptop.sign_in(rep)
    engine = laptop.make_engine(pull_interval=timedelta(hours=1))
    laptop.save()
    first = engine.run_once()
    second = engine.run_once()  # not due: not even asked
    laptop.clock.advance(timedelta(hours=1))
    due = engine.run_once()  # due: nothing changed since the first
    laptop.save()
    forced = engine.run_once(pull_now=True)  # the new one, pushed by this run
    assert (first.pulled, second.pulled, due.pulled, forced.pulled) == (1, 0, 0, 1)


def test_a_pull_reads_only_what_changed_since_and_all_again_once_a_day(machine, rep):
    laptop, desk = machine("laptop"), machine("desk", page_size=2)
    for one in (laptop, desk):
        one.sign_in(rep)
    saved = [laptop.save() for _ in range(5)]
    laptop.sync()
    assert desk.sync().pulled == 5

    laptop.edit(saved[0].id, competitor="Initech")
    laptop.store.delete(saved[1].id)
    laptop.sync()
    changed = desk.sync()

    assert changed.ok and changed.pulled == 2
    assert desk.store.get(saved[0].id).competitor == "Initech"
    assert desk.store.get(saved[1].id) is None
    assert desk.sync().pulled == 0
    desk.clock.advance(timedelta(days=1))
    assert desk.sync().pulled == 5  # the daily full pull reads every one again
    assert desk.sync().pulled == 0


def test_a_position_the_server_never_reached_means_a_full_pull(machine, rep):
    laptop, desk = machine("laptop"), machine("desk")
    for one in (laptop, desk):
        one.sign_in(rep)
    saved = [laptop.save() for _ in range(3)]
    laptop.sync()
    desk.sync()
    # As after the server was restored from a backup older than the desk's last pull.
    desk.replica.apply_pulled([], "999", complete=True, pulled_at=desk.clock.now())
    laptop.edit(saved[0].id, competitor="Initech")
    laptop.sync()

    report = desk.sync()

    assert report.ok and report.pulled == 3
    assert desk.store.get(saved[0].id).competitor == "Initech"
    assert desk.replica.last_full_pull() == desk.replica.last_complete_pull()
    assert desk.replica.feed_position() != "999"


class CableCut(HTTPAdapter):
    """The network, cut after `pages` pages of the change feed while `armed`."""

    def __init__(self, pages: int) -> None:
        super().__init__()
        self.pages, self.armed = pages, True

    def send(self, request: requests.PreparedRequest, *args: Any,
             **kwargs: Any) -> requests.Response:
        if self.armed and "/sync/debriefs" in (request.url or ""):
            if self.pages == 0:
                raise requests.ConnectionError("cable pulled")
            self.pages -= 1
        return super().send(request, *args, **kwargs)


def test_an_interrupted_full_pull_goes_on_where_it_stopped(machine, rep):
    laptop = machine("laptop")
    cable = CableCut(pages=2)
    session = requests.Session()
    session.mount("http://", cable)
    desk = machine("desk", page_size=2, session=session)
    for one in (laptop, desk):
        one.sign_in(rep)
    saved = [laptop.save() for _ in range(5)]
    laptop.sync()

    cut = desk.sync()
    assert cut.status.kind is StatusKind.OFFLINE and cut.pulled == 4
    assert desk.replica.full_pull_running()
    cable.armed = False
    rest = desk.sync()

    assert rest.ok and rest.pulled == 1
    assert set(desk.all_debriefs()) == {d.id for d in saved}
    assert not desk.replica.full_pull_running()


def test_a_debrief_the_server_cannot_read_is_kept_and_the_batch_goes_on(machine, rep,
                                                                        server_db):
    laptop = machine()
    laptop.sign_in(rep)
    saved = [laptop.save() for _ in range(3)]
    # A row the form would never write (an older app, a hand edit): the server's schema
    # refuses the whole request (422) and names the item by its position.
    laptop.conn.execute("UPDATE debrief SET competitor = ? WHERE id = ?",
                        ("x" * 300, saved[1].id))

    report = laptop.sync()

    assert report.ok
    assert (report.pushed, report.rejected) == (2, 1)
    assert set(server_rows(server_db, [d.id for d in saved])) == {saved[0].id, saved[2].id}
    [refusal] = laptop.replica.counts().refusals
    assert refusal.debrief_id == saved[1].id
    assert refusal.problems[0].field == "competitor"
    assert report.status.kind is StatusKind.REFUSED


def test_the_lead_facts_reach_the_reps_other_machine_and_an_unshared_play_does_not(
        machine, rep):
    laptop = machine("laptop")
    laptop.sign_in(rep)
    facts = {"lead_source": "campaign.webinar_series", "sales_ready": Readiness.PARTLY,
             "failed_criteria": ("budget", "timeline"),
             "collateral": (Collateral("case_study", True), Collateral("demo_video", None),
                            Collateral("pricing_sheet", False))}
    shared = laptop.save(**facts, play="Brought their CFO in early.", share_play=True)
    unshared = laptop.save(**facts, play="Kept it to myself.", share_play=False)
    assert laptop.sync().ok

    desk = machine("desk")
    desk.sign_in(rep)
    assert desk.sync().ok
    for original in (shared, unshared):
        here = desk.store.get(original.id)
        assert (here.lead_source, here.sales_ready, here.failed_criteria,
                here.collateral) == tuple(facts.values())
        assert here.play == (original.play if original.share_play else None)
        assert here.share_play == original.share_play
    assert laptop.store.get(unshared.id).play == "Kept it to myself."  # kept on its laptop
