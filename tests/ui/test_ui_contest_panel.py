"""The prize panel beside the form: this debrief's entries and hints, and below them the
team's running contest (name, prize, end) with the rep's entries so far and band, as
of the last sync. Kept over a restart; following the rep's saves on the real central
store; one calm line when no contest runs; nothing of it when not connected; and never
a different width, whatever it says."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
from helpers.server_world import FAST_PASSWORDS, PASSWORD
from helpers.sync_window import connect_behind_the_window, open_store, wait_for_status
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QApplication, QLabel

from desktop.store.database import prepare
from desktop.store.sync_replica import SyncReplica
from desktop.ui.contest_preview import PANEL_WIDTH, ends_text
from desktop.ui.text import day_text, time_text
from sync.client.status import StatusKind
from sync.domain.contest_standing import ContestStanding
from sync.server import accounts, contests

CTRL = Qt.KeyboardModifier.ControlModifier


def contest_lines(preview) -> list[QLabel]:
    return [preview.contest_name, preview.prize, preview.ends, preview.mine, preview.as_of]


def shown(preview) -> list[str]:
    """The texts of the contest part a rep sees."""
    return [label.text() for label in [*contest_lines(preview), preview.no_contest]
            if label.isVisible()]


def standing_at(clock_start: datetime, **changes) -> ContestStanding:
    """A standing fetched an hour after `clock_start`, of a contest that ends at the
    rep's midnight 12 days later (its last day: 11 days later)."""
    today = clock_start.astimezone().date()
    ends_at = datetime.combine(today + timedelta(days=12), time()).astimezone().astimezone(UTC)
    fields = {"name": "December close-out", "prize": "A weekend in Lisbon",
              "ends_at": ends_at, "my_entries": 42, "band_text": "top 25%",
              "field_size": 12, "fetched_at": clock_start + timedelta(hours=1)}
    return ContestStanding(**(fields | changes))


def keep_behind_the_window(path, clock, standing: ContestStanding | None) -> None:
    store = open_store(path, clock)
    try:
        SyncReplica(store).keep_standing(standing)
    finally:
        store.conn.close()


def run_contest(central_db, username: str) -> contests.Contest:
    """A contest for the rep's team, from before the test clock's first debrief to 11
    days from now, with two more reps in the team."""
    now = datetime.now(UTC)
    with central_db.begin() as connection:
        user = accounts.find_user(connection, username)
        [team] = accounts.team_names(connection, [user.team_id])
        for mate in ("a", "b"):
            accounts.add_user(connection, username=f"{username}-mate-{mate}",
                              password=PASSWORD, role="rep", now=now,
                              passwords=FAST_PASSWORDS, team=team)
        return contests.add_contest(
            connection, by=user, team_id=user.team_id, name="December close-out",
            prize="A weekend in Lisbon", starts_at=datetime(2026, 1, 1, tzinfo=UTC),
            ends_at=now + timedelta(days=11), rules=None, now=now)


def entries_on_the_server(central_db, contest: contests.Contest, username: str) -> int:
    with central_db.connect() as connection:
        table = contests.standings(connection, contest)
    return next(s.entries for s in table if s.username == username)


# --- what it shows ------------------------------------------------------------------------


def test_a_kept_standing_shows_the_contest_and_the_reps_place_at_the_next_start(
        qtbot, open_synced_window, data_paths, clock, central, rep, vault):
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    kept = standing_at(clock.start)
    keep_behind_the_window(data_paths.database, clock, kept)

    window = open_synced_window(start_delay_ms=600_000)  # no network run in this test
    preview = window.form.preview
    qtbot.waitUntil(lambda: preview.standing == kept, timeout=5000)

    last_day = clock.start.astimezone().date() + timedelta(days=11)
    assert shown(preview) == [
        "December close-out", "Prize: A weekend in Lisbon",
        f"Ends {day_text(kept.ends_at - timedelta(microseconds=1))} \u00b7 11 days left",
        "Your entries so far: 42 \u00b7 top 25%", f"as of {time_text(kept.fetched_at)}"]
    assert str(last_day.day) in preview.ends.text()
    assert preview.rule.isVisible()


def test_after_a_save_and_a_sync_the_reps_total_follows(
        qtbot, open_synced_window, data_paths, clock, central, central_db, rep, vault,
        keyboard, settle):
    contest = run_contest(central_db, rep)
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    window = open_synced_window()
    preview = window.form.preview
    qtbot.waitUntil(lambda: preview.standing is not None, timeout=20_000)
    assert preview.standing.my_entries == 0
    assert preview.mine.text() == "Your entries so far: 0 \u00b7 keep going"

    window.activateWindow()
    keyboard.fill_valid(window.form)
    with qtbot.waitSignal(window.form.saved):
        keyboard.press(Qt.Key.Key_Return, CTRL)
    settle(window)
    qtbot.waitUntil(lambda: preview.standing.my_entries > 0, timeout=20_000)

    total = entries_on_the_server(central_db, contest, rep)
    assert preview.standing.my_entries == total
    # First of three, the others with none: the top 10% is a tenth, a quarter is not.
    assert preview.mine.text() == f"Your entries so far: {total} \u00b7 top half"
    assert preview.contest_name.text() == "December close-out"
    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)


def test_no_contest_running_for_the_team_says_so_calmly(qtbot, open_synced_window,
                                                        data_paths, clock, central, rep,
                                                        vault, presenter):
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    window = open_synced_window()
    preview = window.form.preview

    with qtbot.waitSignal(window.services.sync.standing_changed, timeout=20_000):
        pass
    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)

    assert shown(preview) == ["No contest is running for your team."]
    assert preview.entries.isVisible() or preview.summary.isVisible()  # the debrief's part
    assert presenter.errors == []


def test_not_connected_it_shows_only_this_debriefs_entries_and_hints(qtbot, window,
                                                                     keyboard, presenter):
    preview = window.form.preview
    keyboard.fill_valid(window.form)

    assert preview.entries.isVisible() and preview.hints.text()
    assert shown(preview) == [] and not preview.rule.isVisible()
    assert window.sync.area.status.kind is StatusKind.NOT_CONNECTED
    assert presenter.errors == []


def test_signing_out_takes_the_contest_lines_away(qtbot, open_synced_window, data_paths,
                                                  clock, central, rep, vault):
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    keep_behind_the_window(data_paths.database, clock, standing_at(clock.start))
    window = open_synced_window(start_delay_ms=600_000)
    preview = window.form.preview
    qtbot.waitUntil(lambda: preview.standing is not None, timeout=5000)

    with qtbot.waitSignal(window.services.sync.disconnected, timeout=20_000):
        window.sync.sign_out_action.trigger()

    assert shown(preview) == [] and not preview.rule.isVisible()


# --- its width ----------------------------------------------------------------------------


def test_the_panel_keeps_its_width_and_cuts_no_text_as_its_texts_change(qtbot, window,
                                                                        keyboard, clock):
    preview, fields = window.form.preview, window.form.fields
    QApplication.processEvents()
    form_width = fields.width()
    long = standing_at(clock.start, name="The great end-of-year close-out for every "
                       "team in the northern region", prize="A long weekend in Lisbon for "
                       "two, with flights, a hotel by the river and dinner at the "
                       "best table in town", my_entries=123_456, band_text="keep going")
    changes: list[Callable[[], None]] = [
        lambda: preview.show_standing(long),
        lambda: keyboard.fill_valid(window.form),  # a count and hints
        lambda: preview.show_standing(None),
        lambda: keyboard.press(Qt.Key.Key_Escape),  # cleared: what is missing instead
        lambda: preview.show_standing(standing_at(clock.start)),
        preview.hide_standing,
    ]
    for change in changes:
        change()
        QApplication.processEvents()
        assert preview.width() == PANEL_WIDTH
        assert fields.width() == form_width
        for label in preview.findChildren(QLabel):
            if label.isVisible() and label.text():
                assert label.width() >= label.minimumSizeHint().width(), label.text()
                assert label.height() >= label.heightForWidth(label.width()), label.text()


# --- how the end reads --------------------------------------------------------------------


@pytest.fixture
def default_locale(qapp) -> Iterator[Callable[[QLocale], None]]:
    previous = QLocale()
    yield QLocale.setDefault
    QLocale.setDefault(previous)


def local(*args: int) -> datetime:
    """A moment in the rep's time zone, as an aware datetime."""
    return datetime(*args).astimezone()


def test_the_end_says_its_last_day_and_the_days_left(default_locale):
    default_locale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    now = local(2026, 12, 7, 10, 0)

    assert ends_text(local(2026, 12, 19), now) == "Ends Fri, 18 Dec \u00b7 11 days left"
    assert ends_text(local(2026, 12, 8, 17, 0), now) == "Ends Tue, 8 Dec \u00b7 1 day left"
    assert ends_text(local(2026, 12, 7, 17, 0), now) == (
        f"Ends today at {time_text(local(2026, 12, 7, 17, 0))}")
    assert ends_text(local(2026, 12, 8), now) == "Ends tonight at midnight"
    assert ends_text(local(2026, 12, 5), now) == "Ended Fri, 4 Dec"
    assert ends_text(local(2027, 1, 9), now) == "Ends Fri, 8 Jan 2027 \u00b7 32 days left"


@pytest.mark.parametrize(("language", "country", "expected"), [
    (QLocale.Language.English, QLocale.Country.UnitedStates, "Fri, Dec 18"),
    (QLocale.Language.German, QLocale.Country.Germany, "Fr., 18. Dez."),
    (QLocale.Language.Spanish, QLocale.Country.Spain, "vie, 18 de dic"),
    (QLocale.Language.Russian, QLocale.Country.Russia, "\u043f\u0442, 18 \u0434\u0435\u043a."),
    (QLocale.Language.Japanese, QLocale.Country.Japan, "12\u670818\u65e5\u91d1"),
    (QLocale.Language.Hungarian, QLocale.Country.Hungary, "dec. 18., P"),
])
def test_a_day_is_written_as_the_reps_locale_writes_it(default_locale, language, country,
                                                       expected):
    default_locale(QLocale(language, country))
    friday = local(2026, 12, 18, 12, 0)

    assert day_text(friday, today=date(2026, 12, 7)) == expected
    assert "2026" in day_text(friday, today=date(2025, 12, 7))  # another year: with it
