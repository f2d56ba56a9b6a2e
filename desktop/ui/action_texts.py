"""The words of the Actions tab: statuses, a measure, a share and whether it moved."""

from __future__ import annotations

from desktop.ui.dimension_labels import dimension_labels, value_label
from desktop.ui.text import outcome_label, tr
from sync.domain.actions import Kind, Measure, Share, Status, Verdict
from sync.domain.debrief import Outcome
from sync.domain.team_lists import TeamLists


def status_labels() -> dict[Status, str]:
    return {Status.OPEN: tr("Open"), Status.DOING: tr("In progress"),
            Status.DONE: tr("Done"), Status.DROPPED: tr("Dropped")}


def measure_text(measure: Measure, lists: TeamLists, counted_as: str | None = None) -> str:
    """The measure in words: "Lost debriefs giving “Price too high” (Industry: Retail)"."""
    if measure.kind is Kind.REASON:
        code = lists.taxonomy.label(counted_as or measure.code or "")
        text = tr("{outcome} debriefs giving \u201c{reason}\u201d").format(
            outcome=outcome_label(measure.outcome), reason=code)
    elif measure.kind is Kind.WIN_RATE:
        text = tr("Win rate (won of won and lost)")
    else:
        text = {
            Outcome.WON: tr("Debriefs won, of all debriefs"),
            Outcome.LOST: tr("Debriefs lost, of all debriefs"),
            Outcome.NO_DECISION: tr("Debriefs ending without a decision, of all debriefs"),
            Outcome.OBJECTION: tr("Debriefs ending on an objection, of all debriefs"),
            Outcome.PROGRESSED: tr("Debriefs that progressed, of all debriefs"),
        }[measure.outcome]
    if measure.dimension is not None:
        text += tr(" ({dimension}: {value})").format(
            dimension=dimension_labels().get(measure.dimension, measure.dimension),
            value=value_label(lists, measure.dimension, measure.value))
    return text


def share_text(share: Share) -> str:
    """"25% (5 of 20)"; with counts hidden, the range they allow beside it."""
    (low_hits, low_of), (high_hits, high_of) = share.ends()
    if high_of == 0:
        return tr("no debriefs")
    spread = tr("{low:.0%} to {high:.0%}").format(
        low=low_hits / low_of if low_of else 0, high=high_hits / high_of)
    if share.share is None:
        return tr("hidden ({spread})").format(spread=spread)
    text = tr("{share:.0%} ({hits} of {debriefs})").format(
        share=share.share, hits=share.hits, debriefs=share.debriefs)
    if share.unsure:
        text = tr("{shown}; {spread} with what is hidden").format(shown=text, spread=spread)
    return text


def verdict_text(verdict: Verdict, points: float | None) -> str:
    """Whether it moved, in a few words (the Moved? column)."""
    change = "" if points is None else tr("{points:+.1f} points").format(points=points)
    return {
        Verdict.MOVED: tr("Moved as it should: {change}"),
        Verdict.MOVED_AGAINST: tr("Moved the wrong way: {change}"),
        Verdict.NOT_CLEAR: tr("Not clear yet: {change}"),
        Verdict.TOO_FEW: tr("Nothing to compare yet"),
    }[verdict].format(change=change)


def verdict_why(verdict: Verdict) -> str:
    """What the verdict rests on (under the list)."""
    return {
        Verdict.MOVED: tr("Beyond what chance gives (a two-proportion test at 95%), "
                          "whatever the hidden counts hold."),
        Verdict.MOVED_AGAINST: tr("The other way, beyond what chance gives (a "
                                  "two-proportion test at 95%), whatever the hidden "
                                  "counts hold."),
        Verdict.NOT_CLEAR: tr("A change this size could come by chance, or from what the "
                              "hidden counts hold: wait for more months."),
        Verdict.TOO_FEW: tr("No count of it is shown before or after the action yet."),
    }[verdict]
