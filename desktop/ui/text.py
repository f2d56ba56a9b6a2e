"""Translated words for domain values: outcomes, stages, evidence, domain messages."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from sync.domain.debrief import Evidence, Outcome, Stage
from sync.domain.text import Message

_CONTEXT = "Debrief"


def tr(text: str) -> str:
    """Translate outside a QObject (a QObject uses its own self.tr)."""
    return QCoreApplication.translate(_CONTEXT, text)


def message_text(message: Message) -> str:
    """A domain message (template + params), translated, then filled in."""
    return QCoreApplication.translate(_CONTEXT, message.template).format(**message.params)


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


def evidence_label(evidence: Evidence) -> str:
    return {Evidence.CUSTOMER_SAID: tr("customer said so"),
            Evidence.MY_READ: tr("my read")}[evidence]
