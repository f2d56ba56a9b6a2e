"""Marketing's Insights view without Qt: the questions a view asks, and what the
workspace draws from the answers (and keeps for offline use)."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.insights_cache import KEPT_VIEWS, InsightCache
from sync.client import insight_view
from sync.client.insight_view import InsightAnswers, InsightView


def group(value, debriefs, **codes):
    return {"value": value, "debriefs": debriefs,
            "reasons": [{"code": code.replace("_", "."), "debriefs": n,
                         "share": round(n / debriefs, 4)} for code, n in codes.items()]}


def answers(**named) -> InsightAnswers:
    view = InsightView("2026-01", "2026-06")
    return InsightAnswers(view, {name: {"groups": groups, "min_cell": 5}
                                 for name, groups in named.items()}, "2026-06-30T12:00:00Z")


def test_presets_are_whole_months_up_to_this_one():
    today = date(2026, 2, 17)
    assert insight_view.period_of("last_3_months", today) == ("2025-12", "2026-02")
    assert insight_view.period_of("last_12_months", today) == ("2025-03", "2026-02")
    assert insight_view.period_of("this_year", today) == ("2026-01", "2026-02")
    with pytest.raises(ValueError):
        insight_view.period_of("custom", today)


def test_a_view_asks_only_what_its_narrowing_allows():
    plain = InsightView("2026-01", "2026-06").questions()
    assert set(plain) == {"outcome", "month", "stage", "industry", "competitor",
                          "competitor:won", "competitor:lost", "competitor:no_decision"}
    assert plain["competitor:lost"]["outcome"] == ["lost"]
    narrowed = InsightView("2026-01", "2026-06", ("won",), ("industry", "retail"),
                           primary_only=True).questions()
    assert set(narrowed) == {"outcome", "month", "industry"}  # no stage with an industry
    assert narrowed["outcome"] == {"from": "2026-01", "to": "2026-06", "outcome": ["won"],
                                   "industry": "retail", "primary_only": "true",
                                   "by": "outcome"}


def test_pareto_adds_up_outcomes_of_a_side_and_the_line_reaches_all_reasons():
    found = answers(outcome=[group("won", 40, price_good_value=20, trust_strong=10),
                             group("progressed", 10, price_good_value=5),
                             group("lost", 30, price_too_high=12)])
    win = insight_view.pareto(found, "win")
    assert win.debriefs == 50
    assert [(b.key, b.debriefs, b.share, round(b.cumulative, 4)) for b in win.bars] == [
        ("price.good.value", 25, 0.5, 0.7143), ("trust.strong", 10, 0.2, 1.0)]
    assert insight_view.pareto(found, "loss").bars[0].debriefs == 12


def test_categories_count_mentions_and_a_category_drills_to_its_codes():
    found = answers(outcome=[group("won", 40, price_good_value=20, price_clear_roi=12,
                                   trust_strong=10),
                             group("lost", 30, price_too_high=12)])
    category = {"price.good.value": "price", "price.clear.roi": "price",
                "trust.strong": "trust"}
    win = insight_view.category_pareto(found, "win", category)
    # A debrief giving both price codes counts twice: mentions, shares of 42 mentions.
    assert [(b.key, b.debriefs, b.share) for b in win.bars] == [
        ("price", 32, 32 / 42), ("trust", 10, 10 / 42)]
    assert win.debriefs == 40 and win.bars[-1].cumulative == 1.0
    inside = insight_view.pareto(found, "win", within={"price.good.value", "price.clear.roi"})
    assert [(b.key, b.debriefs, b.share) for b in inside.bars] == [
        ("price.good.value", 20, 0.5), ("price.clear.roi", 12, 0.3)]


def test_a_codes_details_add_up_over_the_outcomes_of_a_side():
    found = answers(outcome=[group("lost", 30, price_too_high=12),
                             group("no_decision", 10, price_too_high=8)])
    found.answers["outcome"]["groups"][0]["reasons"][0]["details"] = [
        {"detail": "over.budget", "debriefs": 7, "share": 0.2333},
        {"detail": None, "debriefs": 5, "share": 0.1667}]
    found.answers["outcome"]["groups"][1]["reasons"][0]["details"] = [
        {"detail": "over.budget", "debriefs": 5, "share": 0.5}]  # 3 in details not shown
    loss = insight_view.detail_pareto(found, "loss", "price.too.high")
    assert [(b.key, b.debriefs, b.share) for b in loss.bars] == [
        ("over.budget", 12, 12 / 40), (insight_view.NO_DETAIL, 5, 5 / 40)]
    assert loss.left_out == 3
    assert insight_view.detail_pareto(found, "win", "price.too.high").bars == ()


def test_trend_leaves_a_gap_where_a_month_shows_no_count():
    found = answers(month=[group("2026-02", 20, fit=10), group("2026-01", 25, fit=5, price=9)])
    trend = insight_view.trend(found, top=2)
    assert trend.months == ("2026-01", "2026-02")
    assert trend.lines == {"fit": (0.2, 0.5), "price": (0.36, None)}


def test_competitors_win_rate_only_where_won_and_lost_both_show():
    found = answers(**{"competitor:won": [group("Acme", 10, fit=5)],
                       "competitor:lost": [group("Acme", 30, price=12),
                                           group("Globex", 8, price=5)],
                       "competitor:no_decision": []})
    acme, globex = insight_view.competitors(found)
    assert (acme.name, acme.won, acme.lost, acme.win_rate) == ("Acme", 10, 30, 0.25)
    assert acme.win_reasons == ("fit",) and acme.loss_reasons == ("price",)
    assert (globex.won, globex.win_rate) == (None, None)


def test_the_cache_keeps_the_latest_views_and_reads_them_back(tmp_path):
    cache = InsightCache(tmp_path / "insights.json")
    assert cache.load(InsightView("2026-01", "2026-06")) is None
    kept = []
    for n in range(KEPT_VIEWS + 2):
        found = InsightAnswers(InsightView("2026-01", "2026-06", narrow=("team", f"t{n}")),
                               {"outcome": {"groups": [], "min_cell": 5}}, "2026-06-30T12:00Z")
        cache.save(found)
        kept.append(found)
    assert cache.latest() == kept[-1]
    assert cache.load(kept[0].view) is None  # the oldest went
    assert cache.load(kept[5].view) == kept[5]
    assert InsightCache(tmp_path / "insights.json").load(kept[5].view) == kept[5]  # kept
    (tmp_path / "insights.json").write_text("{not json")
    assert InsightCache(tmp_path / "insights.json").latest() is None  # damaged: afresh


def test_lead_rows_give_each_item_in_all_then_by_group_and_helped_of_those_who_said():
    view = InsightView("2026-01", "2026-06", outcomes=("won",), collateral_by="")
    assert view.lead_question(insight_view.COLLATERAL) == {
        "from": "2026-01", "to": "2026-06", "outcome": ["won"]}
    assert view.lead_question(insight_view.CRITERIA)["by"] == "lead_source"
    found = InsightAnswers(view, {insight_view.COLLATERAL: {
        "by": "stage", "min_cell": 5, "outcomes": {"won": 30, "lost": 70},
        "groups": {"selection": {"won": 20, "lost": 20}, "evaluation": {"lost": 50}},
        "items": [{"key": "deck", "debriefs": 40, "outcomes": {"won": 10, "lost": 30},
                   "groups": {"evaluation": {"lost": 25}, "selection": {"won": 8, "lost": 5}},
                   "said": {"won": {"helped": 7, "did_not_help": 3},
                            "lost": {"helped": 5, "did_not_help": 5, "": 20}}}]}},
        "2026-06-30T12:00:00Z")
    rows = insight_view.lead_rows(found, insight_view.COLLATERAL)
    assert [(r.group, r.debriefs, r.whole) for r in rows] == [
        (None, 40, 100), ("evaluation", 25, 50), ("selection", 13, 40)]
    assert rows[0].share == 0.4 and rows[0].helped == (12, 20)  # not said: not counted
    # An outcome showing "helped" alone is left out of the share: its other may be small.
    alone = insight_view.LeadRow("deck", None, 30, 100, {"won": 30},
                                 {"won": {"helped": 20, "": 10}, "lost": {"helped": 5,
                                                                          "did_not_help": 5}})
    assert alone.helped == (5, 10)
    assert insight_view.LeadRow("deck", None, 30, 100, {}, {"won": {"helped": 20}}).helped \
        is None
    assert rows[1].helped is None and rows[1].outcomes == {"lost": 25}
    assert insight_view.lead_outcomes(found, insight_view.COLLATERAL) == ["won", "lost"]
    # Answers kept before the tables were grouped read back with their defaults.
    kept = found.to_json()
    for name in ("collateral_by", "criteria_by"):
        del kept["view"][name]
    again = InsightAnswers.from_json(kept)
    assert (again.view.collateral_by, again.view.criteria_by) == ("stage", "lead_source")
