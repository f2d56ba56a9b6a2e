"""The Reason list tab for `make screenshots`: a sample history of changes, the codes
suggested from reps' words for "Other", and the Split and Add-from-a-suggestion dialogs,
from sample answers (never a server)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QWidget

from desktop.ui.contest_screenshots import QuietServer
from desktop.ui.main_window import MainWindow


def grab_reason_list(window: MainWindow, out: Path, suffix: str,
                     grab: Callable[[QWidget, Path], None]) -> None:
    """The Reason list tab after a few changes, and its Split dialog, from a sample
    history (the changes made by the same code the server runs)."""
    from desktop.ui.reason_list_editor import ChangeDialog, ReasonListWorkspace
    from sync.client.reason_list import ReasonList, SuggestedCode, VersionMade
    from sync.domain import taxonomy_changes
    from sync.domain.taxonomy import Taxonomy
    from sync.resources import load_json

    now = datetime.now(UTC).replace(hour=14, minute=32, second=0, microsecond=0)
    document = load_json("taxonomy/default.json")
    versions = [VersionMade(str(document["version"]), {"kind": "shipped"}, None,
                            now - timedelta(days=90))]
    for days, who, change in (
            (40, "mara.lopez", {"kind": "add", "category": "price", "key": "price.payment_terms",
                                "label": "Payment terms too strict", "applies_to": "loss",
                                "keywords": ["invoice", "terms"]}),
            (12, "mara.lopez", {"kind": "merge", "sources": ["price.roi_unclear"],
                                "into": "price.too_high"}),
            (2, "admin", {"kind": "rename_detail", "key": "price.too_high.over_budget",
                          "label": "Over the budget they had this year"})):
        document = taxonomy_changes.apply(document, change)
        versions.insert(0, VersionMade(str(document["version"]), change, who,
                                       now - timedelta(days=days)))
    suggested = (SuggestedCode("no sso support", 14), SuggestedCode("needed it on premises", 9),
                 SuggestedCode("their it team already knew us", 6))
    found = ReasonList(str(document["version"]), Taxonomy.from_dict(document), tuple(versions),
                       suggested)
    workspace = ReasonListWorkspace(QuietServer())  # type: ignore[arg-type]
    workspace._asked = True  # sample answers only
    window.tabs.addTab(workspace, window.tr("Reason &list"))
    window.tabs.setCurrentWidget(workspace)
    workspace.show_list(found)
    workspace._select(("code", "price.too_high"))
    grab(window, out / f"reason-list{suffix}.png")
    code = found.taxonomy.code("price.too_high")
    assert code is not None
    dialog = ChangeDialog(workspace, "split", code=code)
    for n, label in enumerate(("Over their budget", "Not worth the price to them")):
        dialog.parts[n][0].setText(label)
        dialog._suggest_part_key(n)
    dialog.show()
    grab(dialog, out / f"reason-list-split{suffix}.png")
    dialog.close()
    workspace.suggested.setCurrentRow(0)
    workspace._select(("category", "product_fit"))
    adding = ChangeDialog(workspace, "add", category="product_fit", suggested=suggested[0])
    adding.show()
    grab(adding, out / f"reason-list-suggested{suffix}.png")
    adding.close()
    window.tabs.removeTab(window.tabs.indexOf(workspace))
    workspace.deleteLater()
