"""The Actions tab for `make screenshots`: three sample actions, one that moved its
measure, one not clear yet and one overdue with too few debriefs shown, and the New
action dialog as Insights opens it, from sample answers (never a server)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QWidget

from desktop.ui.contest_screenshots import QuietServer
from desktop.ui.main_window import MainWindow
from sync.client.insight_view import months_back
from sync.domain.actions import Direction, Kind, Measure, Share, Status, compared
from sync.domain.debrief import Outcome


def grab_actions(window: MainWindow, out: Path, suffix: str,
                 grab: Callable[[QWidget, Path], None]) -> None:
    from desktop.ui.action_dialog import ActionDraft
    from desktop.ui.action_workspace import ActionsWorkspace
    from sync.client.action_list import ActionItem, ActionList, MonthShare

    now = window.services.context.clock.now().astimezone(UTC).replace(
        hour=14, minute=32, second=0, microsecond=0)
    today = now.date()
    month = [months_back(today, n) for n in range(1, 7)]  # this month, then back

    def action(number: int, title: str, owner: str, due: date, status: Status,
               measure: Measure, months: list[tuple[str, int | None, int, bool]]
               ) -> ActionItem:
        def month_share(hits: int | None, debriefs: int) -> Share:
            return Share(None, 0, hidden=debriefs) if hits is None else Share(hits, debriefs)

        def pooled(after: bool) -> Share:
            return sum((month_share(h, n) for _, h, n, a in months if a == after),
                       Share(None, 0))

        before, after = pooled(False), pooled(True)
        movement = compared(before, after, measure.wanted)
        return ActionItem(
            number, 3, title, owner, due, due < today and not status.closed, status,
            measure, (months[0][0], [m for m, *_, a in months if not a][-1]), month[2],
            "mara.lopez", now - timedelta(days=40), "dana.kim", now - timedelta(days=3),
            None, before, after, movement.verdict, movement.points,
            tuple(MonthShare(m, month_share(h, n), a) for m, h, n, a in months))

    found = ActionList(5, (
        action(1, "ROI calculator in every retail proposal", "Dana Kim",
               today + timedelta(days=24), Status.DOING,
               Measure(Kind.REASON, Outcome.LOST, "price.too_high", "industry", "retail",
                       Direction.DOWN),
               [(month[5], 27, 40, False), (month[4], 27, 39, False),
                (month[3], 24, 38, False), (month[1], 13, 31, True),
                (month[0], 9, 23, True)]),
        action(2, "Referral programme for mid-market", "Mara Lopez",
               today + timedelta(days=60), Status.OPEN,
               Measure(Kind.WIN_RATE, Outcome.WON, None, "lead_source", "referral",
                       Direction.UP),
               [(month[5], 14, 60, False), (month[4], 16, 65, False),
                (month[3], 15, 61, False), (month[1], 12, 41, True),
                (month[0], 7, 21, True)]),
        action(3, "Security review pack for evaluations", "Sam Okafor",
               today - timedelta(days=5), Status.OPEN,
               Measure(Kind.REASON, Outcome.LOST, "trust.security_review_failed", "stage",
                       "evaluation", Direction.DOWN),
               [(month[4], 9, 62, False), (month[3], 8, 58, False),
                (month[1], None, 44, True), (month[0], None, 20, True)]),
    ))
    workspace = ActionsWorkspace(QuietServer(), window.form.context.lists,  # type: ignore[arg-type]
                                 window.services.context.clock)
    workspace._asked = True  # sample answers only
    window.tabs.addTab(workspace, window.tr("&Actions"))
    window.tabs.setCurrentWidget(workspace)
    workspace.show_list(found)
    workspace.table.selectRow(0)
    grab(window, out / f"actions{suffix}.png")
    dialog = workspace.new_action(ActionDraft(
        Measure(Kind.REASON, Outcome.LOST, "competitor.cheaper", "region", "dach"),
        (month[4], month[2])))
    dialog.title.setText("Battlecard on total cost against cheaper rivals")
    dialog.owner.setText("Dana Kim")
    grab(dialog, out / f"actions-new{suffix}.png")
    dialog.close()
    window.tabs.removeTab(window.tabs.indexOf(workspace))
    workspace.deleteLater()
