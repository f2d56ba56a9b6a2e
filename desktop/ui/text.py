"""Translated words for domain values: outcomes, stages, evidence, domain messages."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLocale

from sync.domain.debrief import Debrief, Evidence, Outcome, Readiness, Stage
from sync.domain.text import Message

if TYPE_CHECKING:
    from sync.domain.taxonomy import Taxonomy

# lupdate files a module-level tr() and the domain's N_() under the empty context (see
# desktop.ui.translations), so they are looked up there.
_CONTEXT = ""
_ENGLISH_FORMS = re.compile(r"\(([^()|]*)\|([^()|]*)\)")  # (entry|entries)
# The year in a locale's long date format, with the words and marks that belong to it:
# "MMMM d, yyyy", "d 'de' MMMM 'de' yyyy", "d MMMM yyyy 'г'.", "yyyy年M月", "yyyy. MMMM".
_YEAR = re.compile(r"(\s*'[^']*')?[\s,]*y+(\s*'[^']*'\.?|[\u5e74\ub144]|\.)?\s*")


def tr(text: str, disambiguation: str | None = None, n: int = -1) -> str:
    """Translate outside a QObject (a QObject uses its own self.tr), with the arguments
    of QObject.tr, the ones lupdate reads.

    A text with a count is `tr("%n waiting to sync", None, n)`: lupdate files it as a
    plural (numerus) message, the catalogue's form for n is used, and %n in it is n
    (%Ln: n as the rep's locale groups digits, "10,000" where no locale is set). Left
    untranslated, "(s)" reads as English does: "1 debrief", "2 debriefs"; so does a
    word whose plural is not an added s, written "(entry|entries)". (Keep the call
    spelt so: lupdate files a wrapper such as trn(text, n) without plural forms.)
    """
    translated = QCoreApplication.translate(_CONTEXT, text, disambiguation, n)
    if n < 0:
        return translated
    if "%Ln" in text and QLocale().language() == QLocale.Language.C:
        # No regional settings (LANG=C): Qt wrote n ungrouped; group it as English does.
        translated = re.sub(rf"(?<![\d,]){n}(?!\d)", f"{n:,}", translated)
    translated = _ENGLISH_FORMS.sub(lambda forms: forms[1 if n == 1 else 2], translated)
    return translated.replace("(s)", "" if n == 1 else "s")


def message_text(message: Message) -> str:
    """A domain message (template + params), translated, then filled in, a moment as
    `moment_text` writes it; in English if the translation's placeholders do not fit
    (`make translations` refuses those)."""
    translated = QCoreApplication.translate(_CONTEXT, message.template)
    params = {name: moment_text(value) if isinstance(value, datetime) else value
              for name, value in message.params.items()}
    try:
        return translated.format(**params)
    except (KeyError, IndexError, ValueError):
        return message.template.format(**params)


def moment_text(moment: datetime | None) -> str:
    """A moment in the rep's time zone, written as their locale writes a date and time
    ("11/26/26 2:30 PM", "26.11.26 14:30"; "2026-11-26 14:30" where no locale is set);
    "" for none."""
    if moment is None:
        return ""
    return _in_locale(moment.astimezone().replace(tzinfo=None), "%Y-%m-%d %H:%M")


def time_text(moment: datetime) -> str:
    """The time of day of `moment` in the rep's time zone, as their locale writes it."""
    return _in_locale(moment.astimezone().time(), "%H:%M")


def day_text(moment: datetime, today: date | None = None) -> str:
    """The day of `moment` in the rep's time zone, with its weekday, as their locale
    writes a date in words, shortened ("Fri, 18 Dec", "Fri, Dec 18", "Fr., 18. Dez.",
    "12月18日金"); with the year only when it is not the year of `today` (the rep's)."""
    local = moment.astimezone()
    today = today or datetime.now().astimezone().date()
    locale = QLocale()
    words = locale.dateFormat(QLocale.FormatType.LongFormat)
    words = words.replace("dddd", "ddd").replace("MMMM", "MMM")
    if local.year == today.year:
        words = re.sub(r"\s{2,}", " ", _YEAR.sub(" ", words)).strip(" ,\u060c")
    return locale.toString(local.date(), words)


def _in_locale(local: datetime | time, iso_format: str) -> str:
    """`local` in the locale's short format; `iso_format` where the locale writes dates
    as the C locale's "d MM yyyy": no regional settings for dates (LC_TIME=C on Linux,
    whatever the language is)."""
    locale, short = QLocale(), QLocale.FormatType.ShortFormat
    if locale.dateTimeFormat(short) == QLocale.c().dateTimeFormat(short):
        return local.strftime(iso_format)
    return locale.toString(local, short)


def outcome_label(outcome: Outcome) -> str:
    return {
        Outcome.WON: tr("Won"),
        Outcome.LOST: tr("Lost"),
        Outcome.NO_DECISION: tr("No decision"),
        Outcome.OBJECTION: tr("Objection raised"),
        Outcome.PROGRESSED: tr("Progressed"),
    }[outcome]


# The single keys that pick an outcome in the capture form.
OUTCOME_KEYS = {
    Outcome.WON: "W",
    Outcome.LOST: "L",
    Outcome.NO_DECISION: "N",
    Outcome.OBJECTION: "O",
    Outcome.PROGRESSED: "P",
}


def stage_label(stage: Stage) -> str:
    return {
        Stage.AWARENESS: tr("Awareness"),
        Stage.CONSIDERATION: tr("Consideration"),
        Stage.INTEREST: tr("Interest"),
        Stage.EVALUATION: tr("Evaluation"),
        Stage.SELECTION: tr("Selection"),
    }[stage]


def readiness_labels() -> dict[Readiness, str]:
    """Was the lead sales-ready when it reached the rep: each answer in words."""
    return {Readiness.YES: tr("Yes"), Readiness.PARTLY: tr("Partly"), Readiness.NO: tr("No")}


def evidence_label(evidence: Evidence) -> str:
    return {Evidence.CUSTOMER_SAID: tr("customer said so"),
            Evidence.MY_READ: tr("my read")}[evidence]


def debrief_line(debrief: Debrief, taxonomy: Taxonomy) -> str:
    """One line naming a debrief for the rep: account, outcome, stage, when, main
    reason, competitor, and "deleted" for a deleted one."""
    parts = [debrief.account_name] if debrief.account_name else []
    if debrief.outcome is not None and debrief.stage is not None:
        parts += [outcome_label(debrief.outcome), stage_label(debrief.stage)]
    parts.append(moment_text(debrief.created_at))
    main = debrief.primary_reason
    if main is not None:
        parts.append(taxonomy.label(main.code, main.detail))
    if debrief.competitor:
        parts.append(debrief.competitor)
    if debrief.deleted:
        parts.append(tr("deleted"))
    return " \u00b7 ".join(part for part in parts if part)
