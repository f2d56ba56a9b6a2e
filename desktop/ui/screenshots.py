"""`make screenshots`: render the real windows offscreen, with sample data, into PNGs."""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

from desktop.last_run import UncleanEnd
from desktop.paths import AppPaths
from desktop.store.database import connect, prepare
from desktop.store.debriefs import DebriefStore
from desktop.store.server_settings import ServerConnection
from desktop.ui import look
from desktop.ui.action_screenshots import grab_actions
from desktop.ui.app import apply_style, build_window, make_application, shipped_rules
from desktop.ui.contest_screenshots import grab_contest
from desktop.ui.errors import CrashDialog, ErrorPresenter, show_unclean_end
from desktop.ui.main_window import MainWindow
from desktop.ui.reason_list_screenshots import grab_reason_list
from desktop.ui.server_connection import Connected
from desktop.ui.text import message_text
from sync.client import insight_view, problems
from sync.client.insight_view import InsightAnswers, InsightView
from sync.client.status import SyncStatus, failed, not_connected, settled, syncing
from sync.domain.clock import SteppingClock, to_iso
from sync.domain.contest_standing import ContestStanding
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage
from sync.domain.sync_state import Refusal, RefusedField, ReplicaCounts
from sync.domain.taxonomy import Taxonomy
from sync.domain.text import N_, Message

COMPETITORS = ("Acme Analytics", "Northwind", "Globex", "Initech", None, None)
ACCOUNTS = ("Fabrikam GmbH", "Contoso Ltd", "Tailspin Toys", "Wide World Importers",
            "Litware Inc", "Adventure Works")
QUOTES = ("We loved the demo, but procurement would not move before Q3.",
          "Your competitor threw in onboarding for free.", None, None)


def seed(window: MainWindow, count: int, rng: random.Random) -> None:
    """Save `count` plausible debriefs through the real store, in the worker's thread."""
    context = window.services.context
    taxonomy, segments = context.taxonomy, context.segments
    debriefs = []
    for _ in range(count):
        outcome = rng.choice(list(Outcome))
        codes = taxonomy.plain_codes(outcome)
        picked = rng.sample(codes, rng.choice((1, 2, 2, 3)))
        reasons = tuple(
            Reason(code.key, rng.choice(code.details).key if code.details and rng.random() < .4
                   else None, rng.choice(list(Evidence)), index == 0)
            for index, code in enumerate(picked))
        quote = rng.choice(QUOTES)
        debriefs.append(Debrief(
            id=window.form.ids.new_id(), rep=context.rep, outcome=outcome,
            stage=rng.choice(list(Stage)),
            segment=Segment(rng.choice(segments.industries).key,
                            rng.choice(segments.company_sizes).key,
                            rng.choice(segments.regions).key),
            reasons=reasons, competitor=rng.choice(COMPETITORS),
            account_name=rng.choice(ACCOUNTS), quote=quote, share_quote=quote is not None))
    window.services.worker.submit(lambda store: [store.save(d) for d in debriefs])
    window.services.worker.stop()


def keep_sample_copies(paths: AppPaths, clock: SteppingClock) -> None:
    """Two debriefs changed on two computers, merged by the real sync replica: one keeps
    another computer's losing change, the newest keeps this computer's."""
    from desktop.store.sync_replica import SyncReplica
    from sync.domain.wire import from_wire, to_wire

    store = DebriefStore(connect(paths.database), paths.database, clock, shipped_rules())
    replica = SyncReplica(store)

    def pulled(debrief: Debrief, **changes) -> Debrief:  # as the central store sends it
        return from_wire(to_wire(debrief.with_changes(**changes)), debrief.rep)

    def pushed(debrief_id: str) -> Debrief:
        debrief = store.get(debrief_id)
        assert debrief is not None
        replica.mark_synced([(debrief.id, debrief.revision)])
        return debrief

    try:
        newest, _, third = (row[0] for row in store.conn.execute(
            "SELECT id FROM debrief WHERE deleted = 0 ORDER BY created_at DESC LIMIT 3"))
        older = pushed(third)
        store.save(older.with_changes(competitor="Globex"))
        here = store.save(store.get(third).with_changes(crm_ref="OPP-20417"))
        replica.apply_pulled([pulled(older, revision=older.revision + 1,
                                     updated_at=here.updated_at + timedelta(hours=2),
                                     competitor="Initech")], "1", complete=True,
                             pulled_at=clock.now())
        shared = pushed(newest)
        mine = store.save(shared.with_changes(
            stage=Stage.SELECTION, competitor="Northwind", deal_value=Decimal("48000"),
            currency="EUR", private_notes="Their CFO wants a second call before Q3. Bring "
            "the renewal numbers.", account_name="Fabrikam GmbH"))
        replica.apply_pulled([pulled(shared, revision=mine.revision + 1,
                                     updated_at=mine.updated_at + timedelta(minutes=20),
                                     competitor="Acme Analytics", crm_ref="OPP-20388")],
                             "1", complete=True, pulled_at=clock.now())
    finally:
        store.conn.close()


def fill_lead_facts(window: MainWindow) -> None:
    """The folded lead facts opened and filled in."""
    from sync.domain.debrief import Collateral, Readiness

    window.form.fields.picker.search.clear()  # no suggestions open over the form
    lead = window.form.fields.lead
    lead.unfold(True)
    lead.fill_facts("campaign.webinar_series", Readiness.PARTLY, ("budget", "timeline"),
                    (Collateral("case_study", True), Collateral("roi_calculator", False)),
                    "Brought their CFO in on the second call: price stopped being the topic.",
                    True)


def fill_capture_form(window: MainWindow) -> None:
    fields = window.form.fields
    taxonomy = window.services.context.taxonomy
    fields.outcome.set_value(Outcome.LOST)
    fields.stage.set_value(Stage.EVALUATION)
    price = next(s for s in taxonomy.search("price too high", Outcome.LOST))
    fields.reason_list.add(price.code.key, price.code.details[0].key if price.code.details
                           else None)
    fields.reason_list.toggle_evidence(0)
    timing = taxonomy.search("priority", Outcome.LOST)[0]
    fields.reason_list.add(timing.code.key, None)
    fields.competitor.setText("Acme Analytics")
    fields.deal_value.setText("48k")
    fields.quote.setPlainText("Honestly the price was fine for year one, but the renewal "
                              "uplift scared our CFO.")
    fields.share_quote.setChecked(True)
    fields.account_name.setText("Fabrikam GmbH")
    fields.picker.search.setText("bud")


def show_sample_standing(window: MainWindow) -> None:
    """The prize panel as a synced rep sees it: a contest that ends in 11 days, their
    entries and band, fetched by the sync at 14:32 today."""
    now = datetime.now().astimezone()
    preview = window.form.preview
    preview.clock = SteppingClock(now.astimezone(UTC), timedelta(0))
    ends_at = (now + timedelta(days=12)).replace(hour=0, minute=0, second=0, microsecond=0)
    synced_at = now.replace(hour=14, minute=32).astimezone(UTC)
    preview.show_standing(ContestStanding(
        name="December close-out", prize="A weekend in Lisbon for two",
        ends_at=ends_at.astimezone(UTC), my_entries=42, band_text="top 25%", field_size=24,
        fetched_at=synced_at))
    window.sync.area.show_status(settled(ReplicaCounts(), synced_at))


def sample_insights(view: InsightView, taxonomy: Taxonomy, now: datetime,
                    rng: random.Random) -> InsightAnswers:
    """Plausible published answers for `view` (the screenshots have no server)."""
    codes = {side: [c.key for c in taxonomy.plain_codes(Outcome(side))]
             for side in ("won", "lost")}

    def group(value: str | None, debriefs: int, outcome: str) -> dict:
        picked = codes["won" if outcome in ("won", "progressed") else "lost"]
        cells = sorted((round(debriefs * rng.uniform(0.05, 0.55)) for _ in picked[:7]),
                       reverse=True)
        return {"value": value, "debriefs": debriefs,
                "reasons": [{"code": code, "debriefs": n, "share": round(n / debriefs, 4),
                             "details": details(code, n, debriefs)}
                            for code, n in zip(picked, cells, strict=False) if n >= 5]}

    def details(code: str, n: int, debriefs: int) -> list[dict]:
        """`n` split between the code's details and none, as the server would show it."""
        known = taxonomy.code(code)
        keys = [detail.key for detail in known.details] if known else []
        split, left = [], n
        for key in keys:
            part = round(left * rng.uniform(0.3, 0.6))
            split.append((key, part))
            left -= part
        split.append((None, left))
        return [{"detail": key, "debriefs": k, "share": round(k / debriefs, 4)}
                for key, k in sorted(split, key=lambda d: -d[1]) if k >= 5]

    def by(values: list[str | None], outcome: str = "lost", low: int = 20,
           high: int = 160) -> dict:
        return {"groups": [group(v, rng.randint(low, high), outcome) for v in values],
                "min_cell": 5, "left_out": rng.randint(5, 40)}

    first = int(view.first[:4]) * 12 + int(view.first[5:]) - 1
    last = int(view.last[:4]) * 12 + int(view.last[5:]) - 1
    months = [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in range(first, last + 1)]
    answers = {"outcome": {"groups": [group(o.value, rng.randint(60, 400), o.value)
                                      for o in Outcome], "min_cell": 5, "left_out": 0},
               "month": by(months, high=300), "stage": by([s.value for s in Stage]),
               "industry": by(["software", "healthcare", "manufacturing", "retail", None]),
               "competitor": by(["Acme Analytics", "Globex", "Northwind"])}
    for outcome in ("won", "lost", "no_decision"):
        answers[f"competitor:{outcome}"] = by(["Acme Analytics", "Globex", "Northwind"],
                                              outcome, 8, 90)
    asked = {name: answers.get(name.split(":")[0] if name not in answers else name,
                               answers["outcome"]) for name in view.questions()}
    asked[insight_view.QUOTES] = {"min_cell": 5, "next_offset": None, "quotes": [
        {"text": text, "code": code, "outcome": outcome, "month": months[n % len(months)],
         "stage": stage, "industry": industry, "company_size": "withheld", "region": "dach"}
        for n, (text, code, outcome, stage, industry) in enumerate((
            ("Your competitor threw in onboarding for free.", codes["lost"][0], "lost",
             "selection", "software"),
            ("We loved the demo, but procurement would not move before Q3.",
             codes["lost"][2], "no_decision", "evaluation", "withheld"),
            ("The integration with their ERP sealed it.", codes["won"][1], "won",
             "selection", "manufacturing")))]}
    asked[insight_view.PLAYS] = {"min_cell": 5, "next_offset": None, "plays": [
        {"text": text, "outcome": outcome, "month": months[n % len(months)], "stage": stage,
         "industry": industry, "company_size": "withheld", "region": "dach"}
        for n, (text, outcome, stage, industry) in enumerate((
            ("Brought their CFO in on the second call: price stopped being the topic.",
             "won", "selection", "software"),
            ("Sent the security pack before they asked; procurement signed a week early.",
             "won", "evaluation", "healthcare"),
            ("Offered a two-week pilot on their own data instead of another demo.",
             "progressed", "interest", "withheld")))]}
    reached = [620, 540, 410, 300, 180]
    lost = [60, 95, 110, 120, 70]
    asked[insight_view.FUNNEL] = {
        "counting": "Debriefs that share a CRM reference count as one deal, its latest "
                    "debrief; a debrief without one is a deal of its own.",
        "currency": "EUR", "values_without_rate": 0, "min_cell": 5, "deals": 620,
        "stages": [{"stage": stage.value, "reached": reached[n], "lost_or_stalled": lost[n],
                    "loss_rate": round(lost[n] / reached[n], 4),
                    "reasons": [{"code": code, "deals": lost[n] // (k + 2)}
                                for k, code in enumerate(codes["lost"][n:n + 3])],
                    "win_rate_past": None if n == 4 else round(0.25 + 0.1 * n, 4),
                    "average_won_value_past": None if n == 4 else str(38000 + 4000 * n)}
                   for n, stage in enumerate(Stage)]}
    asked[insight_view.COLLATERAL] = {
        "by": "stage", "min_cell": 5, "left_out": 0,
        "outcomes": {"won": 410, "lost": 520, "no_decision": 180},
        "groups": {"evaluation": {"won": 150, "lost": 210, "no_decision": 70},
                   "selection": {"won": 260, "lost": 180, "no_decision": 40}},
        "items": [
            {"key": "case_study", "debriefs": 212, "outcomes": {"won": 131, "lost": 64,
                                                                "no_decision": 17},
             "groups": {"selection": {"won": 96, "lost": 31},
                        "evaluation": {"won": 35, "lost": 33, "no_decision": 17}},
             "said": {"won": {"helped": 97, "did_not_help": 12, "": 22},
                      "lost": {"helped": 21, "did_not_help": 29, "": 14}}},
            {"key": "roi_calculator", "debriefs": 97, "outcomes": {"won": 58, "lost": 39},
             "groups": {"selection": {"won": 44, "lost": 21}},
             "said": {"won": {"helped": 52, "did_not_help": 6},
                      "lost": {"helped": 9, "did_not_help": 30}}},
            {"key": "security_pack", "debriefs": 23, "outcomes": {"won": 23},
             "groups": {}, "said": {}}]}
    asked[insight_view.CRITERIA] = {
        "by": "lead_source", "min_cell": 5, "left_out": 0,
        "outcomes": {"won": 410, "lost": 520, "no_decision": 180},
        "groups": {"event": {"won": 60, "lost": 140, "no_decision": 45},
                   "inbound": {"won": 210, "lost": 190, "no_decision": 80},
                   "outbound": {"won": 90, "lost": 160, "no_decision": 40}},
        "items": [
            {"key": "budget", "debriefs": 164, "outcomes": {"lost": 121, "no_decision": 43},
             "groups": {"event": {"lost": 71, "no_decision": 22},
                        "outbound": {"lost": 38, "no_decision": 11}}, "said": None},
            {"key": "authority", "debriefs": 88, "outcomes": {"lost": 66, "no_decision": 22},
             "groups": {"outbound": {"lost": 41, "no_decision": 12}}, "said": None},
            {"key": "timeline", "debriefs": 35, "outcomes": {"lost": 35},
             "groups": {}, "said": None}]}
    return InsightAnswers(view, asked, to_iso(now))


def grab_insights(window: MainWindow, out: Path, suffix: str) -> None:
    """Insights as marketing sees it, from sample answers."""
    window.use_role("marketing")
    workspace = window.insights
    assert workspace is not None
    now = datetime.now(UTC).replace(hour=14, minute=32)
    found = sample_insights(workspace.view(), workspace.lists.taxonomy, now,
                            random.Random(11))
    workspace.show_answers(found, fresh=True)
    window.sync.area.show_status(settled(ReplicaCounts(), now, "marketing"))
    grab(window, out / f"insights{suffix}.png")
    for index, name in ((1, "trend"), (2, "segments"), (3, "competitors"), (4, "quotes"),
                        (5, "plays"), (6, "funnel"), (7, "collateral"), (8, "criteria")):
        workspace.tabs.setCurrentIndex(index)
        grab(window, out / f"insights-{name}{suffix}.png")
    workspace.tabs.setCurrentIndex(0)
    reasons = workspace.reasons
    reasons.level.setCurrentIndex(reasons.level.findData("category"))
    grab(window, out / f"insights-categories{suffix}.png")
    top = insight_view.pareto(found, "loss", top=1)
    if top.bars:  # the top loss reason's details, drilled to from its category
        code = workspace.lists.taxonomy.code(top.bars[0].key)
        reasons.drill_into(code.category_key if code else top.bars[0].key)
        reasons.drill_into(top.bars[0].key)
        grab(window, out / f"insights-details{suffix}.png")
    reasons.level.setCurrentIndex(reasons.level.findData("code"))
    workspace.offline_problem = "the server cannot be reached"
    workspace.show_answers(found, fresh=False)
    grab(workspace.state.parentWidget(), out / f"insights-offline{suffix}.png")
    window.use_role("rep")


def settle() -> None:
    """Let every posted layout request run (a relayout can post another)."""
    for _ in range(3):
        QApplication.processEvents()


def grab(widget: QWidget, target: Path) -> None:
    settle()
    widget.grab().save(str(target))
    print(f"wrote {target}")


DEMO_URL = "https://debrief.example.com"


def sync_states(refused: tuple[Refusal, ...]) -> list[SyncStatus]:
    """One status of each kind the status area shows, as a rep would meet them."""
    now = datetime.now(UTC).replace(hour=14, minute=32)
    return [
        not_connected(ReplicaCounts()),
        failed(problems.offline(DEMO_URL, "no network"), ReplicaCounts(waiting=12), now, None),
        syncing(312, 10_000),
        settled(ReplicaCounts(), now),
        settled(ReplicaCounts(waiting=3), now),
        failed(problems.sign_in_needed(), ReplicaCounts(waiting=3), now, None),
        failed(problems.update_app("update the app"), ReplicaCounts(), now, None),
        settled(ReplicaCounts(refused=len(refused), refusals=refused), now),
    ]


def grab_sync_states(window: MainWindow, states: list[SyncStatus], target: Path) -> None:
    """The status bar in each state, one above the other, in one picture."""
    area, bar = window.sync.area, window.statusBar()
    shots = []
    for status in states:
        area.show_status(status)
        if status.total:
            area.show_progress(status.done, status.total)
        settle()
        shots.append(bar.grab())
    area.show_status(states[3])
    area.show_not_remembered(message_text(Message(N_("Your sign-in will not be remembered."))))
    settle()
    shots.append(bar.grab())
    area.show_not_remembered(None)
    gap = 6
    sheet = QPixmap(max(s.width() for s in shots),
                    sum(s.height() for s in shots) + gap * (len(shots) - 1))
    sheet.setDevicePixelRatio(shots[0].devicePixelRatio())
    sheet.fill(QColor("#9aa0a6"))
    painter = QPainter(sheet)
    y = 0
    for shot in shots:
        painter.drawPixmap(0, y, shot)
        y += round(shot.height() / shot.devicePixelRatio()) + gap
    painter.end()
    sheet.save(str(target))
    print(f"wrote {target}")


def sample_refusals(window: MainWindow) -> tuple[Refusal, ...]:
    ids = [row[0] for row in window.services.reader.conn.execute(
        "SELECT id FROM debrief WHERE deleted = 0 ORDER BY created_at DESC LIMIT 2")]
    says = [(RefusedField("reasons[0]", "\u201cprice.local_only\u201d is not in the reason "
                                        "list."),),
            (RefusedField("segment.region", "Pick a value from the list."),
             RefusedField("competitor", "Keep it under 80 characters."))]
    return tuple(Refusal(debrief_id, 1, fields) for debrief_id, fields in zip(ids, says,
                                                                                strict=False))


def grab_sync_dialogs(window: MainWindow, refused: tuple[Refusal, ...], out: Path,
                      suffix: str) -> None:
    dialog = window.sync.show_connect_dialog()
    dialog.url.setText(DEMO_URL)
    dialog.username.setText("rep.anna")
    dialog.password.setText("not-the-password")
    dialog.show_failure(problems.wrong_password())
    grab(dialog, out / f"connect-dialog{suffix}.png")
    dialog.url.setText("debrief.example")
    dialog.show_failure(problems.offline("https://debrief.example", "no such host"))
    grab(dialog, out / f"connect-dialog-unreachable{suffix}.png")
    dialog.show_errors({})
    dialog.url.setText(DEMO_URL)
    dialog.show_connected(Connected(
        connection=ServerConnection(DEMO_URL, "rep.anna"), role="rep",
        remembered=False, reason=Message(N_(
            "Your sign-in will not be remembered after Debrief closes: this computer has "
            "no secure keychain available. You will be asked to sign in again next "
            "time."))))
    grab(dialog, out / f"connect-dialog-not-remembered{suffix}.png")
    dialog.reject()
    listing = window.sync.show_refused(settled(ReplicaCounts(refused=len(refused),
                                                        refusals=refused), None))
    grab(listing, out / f"refused-debriefs{suffix}.png")
    listing.reject()


def grab_sync(window: MainWindow, out: Path, suffix: str) -> None:
    """The status area in each state, a window syncing, and the sync dialogs."""
    window.show_new_debrief()
    window.form.start_new()
    window.form.status.clear()
    refused = sample_refusals(window)
    grab_sync_states(window, sync_states(refused), out / f"sync-status{suffix}.png")
    window.sync.area.show_status(syncing(312, 10_000))
    window.sync.area.show_progress(312, 10_000)
    grab(window, out / f"syncing{suffix}.png")
    grab_sync_dialogs(window, refused, out, suffix)


def shoot_every_window(paths: AppPaths, clock: SteppingClock, out: Path, dark: bool) -> None:
    """Every window with sample data, in the light or the dark look."""
    suffix = "-dark" if dark else ""
    window = build_window(paths, clock, ErrorPresenter(None), rep="alex")
    apply_style(QApplication.instance())
    look.apply(QApplication.instance(), dark=dark)
    window.resize(1180, 820)
    window.show()
    fill_capture_form(window)
    show_sample_standing(window)
    grab(window, out / f"capture{suffix}.png")
    fill_lead_facts(window)
    grab(window, out / f"capture-lead-facts{suffix}.png")
    window.form.fields.lead.fill_facts(None, None, (), (), None, False)
    window.form.fields.lead.unfold(False)
    picker = window.form.fields.picker
    picker.search.setFocus()
    picker.search.setText("no sso support")  # nothing on the list: "Other" in these words
    grab(window, out / f"capture-other{suffix}.png")
    picker.search.clear()

    window.form.fields.picker.search.clear()
    window.form.fields.reason_list.set_reasons(())
    window.form.fields.quote.setPlainText("x" * 2500)
    window.form.fields.competitor.setText("\U0001f680 Rocket Corp \U0001f525")
    window.form.save()
    grab(window, out / f"capture-errors{suffix}.png")

    window.show_my_debriefs()
    window.list.table.selectRow(0)
    grab(window, out / f"my-debriefs{suffix}.png")
    window.list.outcome.setCurrentIndex(2)  # Lost
    window.list.search.setText("Acme")
    window.list.apply_filter()
    grab(window, out / f"my-debriefs-filtered{suffix}.png")
    versions = window.show_other_versions()
    grab(versions, out / f"other-versions{suffix}.png")
    versions.reject()

    grab_sync(window, out, suffix)
    grab_insights(window, out, suffix)
    grab_contest(window, out, suffix, grab)
    grab_reason_list(window, out, suffix, grab)
    grab_actions(window, out, suffix, grab)

    crash = CrashDialog("Traceback (most recent call last):\n  File \"...\", line 1\n"
                        "ValueError: an example of a bug report", paths.log_file)
    crash.show()
    grab(crash, out / f"crash-dialog{suffix}.png")
    crash.close()
    unclean = show_unclean_end(window, UncleanEnd(
        datetime.now(UTC).replace(hour=14, minute=32),
        "Fatal Python error: Segmentation fault\n\nCurrent thread 0x00007f3a (most recent "
        "call first):\n  File \"desktop/ui/capture_form.py\", line 240 in on_fields_changed\n",
        "2026-12-07 14:31:58 INFO sync: pushed 3 debriefs"), paths.log_file)
    grab(unclean, out / f"closed-unexpectedly{suffix}.png")
    unclean.close()
    window.form.clear()
    window.close()
    # Delete the window's tree through Qt now: left to Python's collector, a cycle of
    # wrappers can be torn down in an order Qt does not survive.
    for widget in (crash, window):
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)


def main(argv: list[str]) -> int:
    out = Path(argv[1] if len(argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    make_application(argv[:1])
    with tempfile.TemporaryDirectory(prefix="debrief-shots-") as tmp:
        paths = AppPaths(Path(tmp))
        clock = SteppingClock(datetime.now(UTC) - timedelta(days=200), timedelta(hours=1))
        prepare(paths.database, clock)
        seeder = build_window(paths, clock, ErrorPresenter(None), rep="alex")
        seed(seeder, 1500, random.Random(7))
        seeder.services.reader.conn.close()
        keep_sample_copies(paths, clock)

        for dark in (False, True):
            shoot_every_window(paths, clock, out, dark)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
