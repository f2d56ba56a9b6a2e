"""`make screenshots`: render the real windows offscreen, with sample data, into PNGs."""

from __future__ import annotations

import os
import random
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from desktop.paths import AppPaths
from desktop.store.database import prepare
from desktop.ui.app import apply_style, build_window, make_application
from desktop.ui.errors import CrashDialog, ErrorPresenter
from desktop.ui.main_window import MainWindow
from sync.domain.clock import SteppingClock
from sync.domain.debrief import Debrief, Evidence, Outcome, Reason, Segment, Stage

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
        codes = [c for c in taxonomy.codes if not c.retired and c.applies_to_outcome(outcome)]
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


def grab(widget: QWidget, target: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(target))
    print(f"wrote {target}")


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

        window = build_window(paths, clock, ErrorPresenter(None), rep="alex")
        apply_style(QApplication.instance())
        window.resize(1180, 820)
        window.show()
        fill_capture_form(window)
        grab(window, out / "capture.png")

        window.form.fields.picker.search.clear()
        window.form.fields.reason_list.set_reasons(())
        window.form.fields.quote.setPlainText("x" * 2500)
        window.form.fields.competitor.setText("\U0001f680 Rocket Corp \U0001f525")
        window.form.save()
        grab(window, out / "capture-errors.png")

        window.show_my_debriefs()
        window.list.table.selectRow(0)
        grab(window, out / "my-debriefs.png")
        window.list.outcome.setCurrentIndex(2)  # Lost
        window.list.search.setText("Acme")
        window.list.apply_filter()
        grab(window, out / "my-debriefs-filtered.png")

        crash = CrashDialog("Traceback (most recent call last):\n  File \"...\", line 1\n"
                            "ValueError: an example of a bug report", paths.log_file)
        crash.show()
        grab(crash, out / "crash-dialog.png")
        window.form.clear()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
