"""The lists pulled from the central store replace the shipped ones: a code the pulled
taxonomy retired is no longer offered in the picker, an old debrief that gives it still
shows its label, and the next start uses the pulled lists before any sync."""

from __future__ import annotations

from typing import Any

from helpers.sync_window import connect_behind_the_window, new_debriefs, wait_for_status
from PySide6.QtCore import Qt

from desktop.store.database import prepare
from sync.client.central_store import CentralStore
from sync.client.status import StatusKind
from sync.domain.debrief import Outcome

RETIRED = "price.too_high"


class RetiringCentral(CentralStore):
    """The real central store, whose marketing team has just retired one code."""

    def config(self, etag: str = "") -> tuple[str, dict[str, Any]] | None:
        answer = super().config(etag)
        if answer is None:
            return None
        tag, body = answer
        for category in body["taxonomy"]["categories"]:
            for code in category["codes"]:
                if code["key"] == RETIRED:
                    code["retired"] = True
        body["taxonomy"]["version"] = body["taxonomy_version"] = "2026.2-test"
        return tag, body


def retiring(url, ca_bundle):
    return RetiringCentral(url, ca_bundle=ca_bundle)


def offered(window, text: str) -> list[str]:
    picker = window.form.fields.picker
    picker.search.setText(text)
    items = [picker.suggestions.item(i) for i in range(picker.suggestions.count())]
    suggestions = [item.data(Qt.ItemDataRole.UserRole) for item in items]
    picker.search.clear()
    return [suggestion.code.key for suggestion in suggestions if suggestion is not None]


def test_a_code_the_pulled_taxonomy_retired_is_hidden_but_old_debriefs_still_read(
        qtbot, open_synced_window, data_paths, clock, central, rep, vault):
    prepare(data_paths.database, clock)
    [old] = new_debriefs(data_paths.database, clock, "rep-1", 1)  # gives price.too_high
    assert old.reasons[0].code == RETIRED
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    window = open_synced_window(make_central=retiring, start_delay_ms=300)
    window.form.fields.outcome.set_value(Outcome.LOST)
    assert RETIRED in offered(window, "price too high")  # the shipped list, before a sync
    window.show_my_debriefs()  # the list is open when the lists change

    with qtbot.waitSignal(window.services.sync.lists_changed, timeout=20_000):
        pass
    wait_for_status(qtbot, window, StatusKind.UP_TO_DATE)

    assert window.form.context.taxonomy.version == "2026.2-test"
    window.show_new_debrief()
    window.form.fields.outcome.set_value(Outcome.LOST)
    assert RETIRED not in offered(window, "price too high")
    assert offered(window, "price")  # the rest of the category is still offered
    window.on_list_open_requested(old.id)
    assert window.form.fields.reason_list.item(0).text().startswith(
        "\u2605 Price too high \u203a Over the budget they had")
    assert window.form.problems() == []  # a retired code still saves on an old debrief
    table = window.list.model
    row = next(r for r in range(table.rowCount()) if table.row_at(r).id == old.id)
    reason = table.COLUMNS.index("reason")
    assert table.data(table.index(row, reason)).startswith("Price too high")


def test_the_next_start_uses_the_last_pulled_lists(qtbot, open_synced_window, data_paths,
                                                   clock, central, rep, vault):
    prepare(data_paths.database, clock)
    connect_behind_the_window(data_paths.database, clock, central.base_url, rep, vault)
    first = open_synced_window(make_central=retiring)
    wait_for_status(qtbot, first, StatusKind.UP_TO_DATE)
    first.close()

    again = open_synced_window(start_delay_ms=600_000)  # no sync in this run

    assert again.form.context.taxonomy.version == "2026.2-test"
    again.form.fields.outcome.set_value(Outcome.LOST)
    assert RETIRED not in offered(again, "price too high")
