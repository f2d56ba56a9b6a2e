"""Tests for contest scoring: entries per debrief, the hints, the caps, and the rules."""

import pytest
from helpers.domain_strategies import (
    COMPETITOR_NAMES,
    DEFAULT_RULES,
    SAMPLE_QUOTE,
    SEGMENTS,
    TAXONOMY,
    any_rules,
    debriefs,
)
from hypothesis import given
from hypothesis import strategies as st

from sync.domain.debrief import Collateral, Debrief, Outcome, Readiness, Reason, Segment, Stage
from sync.domain.scoring import (
    MAX_CONTEST_DAYS,
    MAX_RULE,
    ContestRules,
    RulesError,
    cap_per_day,
    missing_for_entries,
    score,
)
from sync.domain.validation import validate

RULES = DEFAULT_RULES
FULL_SEGMENT = Segment(industry="software", company_size="50-199", region="dach")
LONG_QUOTE = "We could not justify the price to our CFO."  # longer than min_quote_chars


def bare(**changes) -> Debrief:
    """A lost deal with one primary reason and nothing else."""
    debrief = Debrief(id="x", rep="ana", outcome=Outcome.LOST, stage=Stage.EVALUATION,
                      reasons=(Reason("price.too_high", primary=True),))
    return debrief.with_changes(**changes)


def three_reasons(*details: str | None) -> tuple[Reason, ...]:
    codes = ("price.too_high", "budget.no_budget", "timing.reorg")
    padded = (*details, *([None] * (3 - len(details))))
    return tuple(Reason(code, detail, primary=i == 0)
                 for i, (code, detail) in enumerate(zip(codes, padded, strict=True)))


def hint_texts(debrief: Debrief, rules: ContestRules = RULES) -> list[str]:
    return [h.message.text for h in score(debrief, rules).hints]


# --- the default rules, concretely ----------------------------------------------------


def test_the_default_rules_file_says_what_these_tests_assume():
    assert RULES.to_dict() == {
        "base": 1, "extra_reason": 1, "max_extra_reasons": 2, "detail_code": 1,
        "max_detail_codes": 2, "competitor": 1, "shared_quote": 2, "min_quote_chars": 20,
        "complete_segment": 1, "lead_source": 1, "sales_readiness": 1, "collateral": 1,
        "shared_play": 2, "min_play_chars": 20, "cap": 8, "daily_cap": 40,
    }


def test_rules_kept_before_the_lead_facts_existed_give_them_nothing():
    kept = {"base": 1, "competitor": 1, "cap": 8}  # a contest stored before them
    rules = ContestRules.from_dict(kept)
    assert (rules.lead_source, rules.sales_readiness, rules.collateral,
            rules.shared_play) == (0, 0, 0, 0)
    facts = bare(lead_source="event", sales_ready=Readiness.YES,
                 collateral=(Collateral("case_study", True),), play=LONG_QUOTE,
                 share_play=True)
    assert score(facts, rules).entries == score(bare(), rules).entries


def test_each_lead_fact_adds_its_points():
    base = score(bare(), RULES).entries
    assert score(bare(lead_source="event"), RULES).entries == base + RULES.lead_source
    assert score(bare(sales_ready=Readiness.YES), RULES).entries == (
        base + RULES.sales_readiness)
    # Not ready: it counts once the criteria it failed are named.
    assert score(bare(sales_ready=Readiness.NO), RULES).entries == base
    assert score(bare(sales_ready=Readiness.NO, failed_criteria=("budget",)),
                 RULES).entries == base + RULES.sales_readiness
    # Collateral counts once the rep says whether it helped.
    assert score(bare(collateral=(Collateral("case_study"),)), RULES).entries == base
    assert score(bare(collateral=(Collateral("case_study", False),)), RULES).entries == (
        base + RULES.collateral)
    # A play counts shared, and long enough.
    assert score(bare(play=LONG_QUOTE), RULES).entries == base
    assert score(bare(play="Short.", share_play=True), RULES).entries == base
    assert score(bare(play=LONG_QUOTE, share_play=True), RULES).entries == (
        base + RULES.shared_play)


def test_a_bare_debrief_earns_the_base():
    result = score(bare(), RULES)
    assert (result.entries, result.uncapped) == (RULES.base, RULES.base)


def test_an_honest_dont_know_earns_the_base():
    assert score(bare(reasons=(), reasons_unknown=True), RULES).entries == RULES.base


def test_each_extra_reason_adds_up_to_the_maximum():
    two = bare(reasons=three_reasons()[:2])
    three = bare(reasons=three_reasons())
    four = three.with_changes(reasons=(*three.reasons, Reason("trust.brand")))
    assert score(two, RULES).entries == RULES.base + RULES.extra_reason
    assert score(three, RULES).entries == RULES.base + 2 * RULES.extra_reason
    assert score(four, RULES).entries == RULES.base + RULES.max_extra_reasons * RULES.extra_reason


def test_each_detail_code_adds_up_to_the_maximum():
    reasons = three_reasons("price.too_high.over_budget", "budget.no_budget.not_planned",
                            "timing.reorg.merger")
    extra = 2 * RULES.extra_reason
    one = bare(reasons=(*reasons[:1], *three_reasons()[1:]))
    assert score(one, RULES).entries == RULES.base + extra + RULES.detail_code
    all_three = bare(reasons=reasons)
    assert score(all_three, RULES).entries == (
        RULES.base + extra + RULES.max_detail_codes * RULES.detail_code)


def test_a_named_competitor_adds_its_points():
    assert score(bare(competitor="Rocket Corp"), RULES).entries == RULES.base + RULES.competitor


def test_a_blank_competitor_adds_nothing():
    assert score(bare(competitor="  "), RULES).entries == RULES.base


def test_a_shared_quote_adds_its_points():
    debrief = bare(quote=LONG_QUOTE, share_quote=True)
    assert score(debrief, RULES).entries == RULES.base + RULES.shared_quote


def test_an_unshared_quote_adds_nothing():
    assert score(bare(quote=LONG_QUOTE, share_quote=False), RULES).entries == RULES.base


def test_a_shared_quote_below_the_minimum_length_adds_nothing():
    just_short = "x" * (RULES.min_quote_chars - 1)
    padded = f"   {just_short}   "  # surrounding blanks do not count
    assert score(bare(quote=padded, share_quote=True), RULES).entries == RULES.base
    just_long = "x" * RULES.min_quote_chars
    assert score(bare(quote=just_long, share_quote=True), RULES).entries == (
        RULES.base + RULES.shared_quote)


def test_sharing_no_quote_earns_nothing_even_without_a_minimum_length():
    rules = ContestRules(min_quote_chars=0)
    for quote in (None, "", "   "):
        assert score(bare(quote=quote, share_quote=True), rules).entries == rules.base
    assert score(bare(quote="Yes.", share_quote=True), rules).entries == (
        rules.base + rules.shared_quote)


def test_a_complete_segment_adds_its_points():
    assert score(bare(segment=FULL_SEGMENT), RULES).entries == (
        RULES.base + RULES.complete_segment)


def test_a_partial_segment_adds_nothing():
    partial = Segment(industry="software", company_size="50-199")
    assert score(bare(segment=partial), RULES).entries == RULES.base


def everything() -> Debrief:
    reasons = three_reasons("price.too_high.over_budget", "budget.no_budget.not_planned")
    return bare(reasons=reasons, competitor="Rocket Corp", quote=LONG_QUOTE, share_quote=True,
                segment=FULL_SEGMENT)


def test_the_cap_holds():
    result = score(everything(), RULES)
    assert result.uncapped == 1 + 2 + 2 + 1 + 2 + 1
    assert result.entries == RULES.cap == 8
    assert result.hints == ()


# --- hints ----------------------------------------------------------------------------


def test_hints_for_a_bare_debrief_name_everything_missing_biggest_first():
    assert hint_texts(bare()) == [
        "Add a customer quote (20+ characters) to share for +2",
        "Share a play that worked with marketing for +2",
        "Add another reason for +1",
        "Narrow a reason to a detail for +1",
        "Name the competitor for +1",
        "Complete the segment (industry, size, region) for +1",
        "Say where the lead came from for +1",
        "Say whether the lead was sales-ready (and if not, why) for +1",
        "Say which collateral you used and whether it helped for +1",
    ]


def test_the_competitor_hint_goes_once_a_competitor_is_named():
    assert "Name the competitor for +1" in hint_texts(bare())
    assert not any("competitor" in text for text in hint_texts(bare(competitor="Globex")))


def test_an_unshared_quote_hints_at_sharing_it():
    texts = hint_texts(bare(quote=LONG_QUOTE))
    assert "Share the customer quote with marketing for +2" in texts


def test_a_short_unshared_quote_hints_at_a_longer_quote_not_at_sharing():
    texts = hint_texts(bare(quote="Too pricey."))
    assert "Add a customer quote (20+ characters) to share for +2" in texts
    assert not any(text.startswith("Share the customer quote") for text in texts)


def test_dont_know_gets_no_hints_about_reasons():
    texts = hint_texts(bare(reasons=(), reasons_unknown=True))
    assert not any("reason" in text for text in texts)


def test_no_reasons_yet_hints_at_giving_two():
    texts = hint_texts(bare(reasons=()))
    assert "Give two reasons or more for +1" in texts
    assert not any("another reason" in text or "detail" in text for text in texts)


def test_the_most_a_debrief_can_earn_is_told_only_at_the_cap():
    assert score(everything(), RULES).at_cap
    honest = everything().with_changes(reasons=(), reasons_unknown=True)
    assert not score(honest, RULES).at_cap
    # Nothing more to say of the reasons; only the lead facts are left.
    assert [h.message.template.split()[1] for h in score(honest, RULES).hints] == [
        "a", "where", "whether", "which"]
    told = honest.with_changes(lead_source="event", sales_ready=Readiness.YES,
                               collateral=(Collateral("case_study", True),),
                               play=LONG_QUOTE, share_play=True)
    assert score(told, RULES).hints == ()


def test_no_extra_reason_hint_at_the_maximum():
    assert not any("another reason" in t for t in hint_texts(bare(reasons=three_reasons())))


def test_no_detail_hint_once_every_reason_has_one():
    debrief = bare(reasons=(Reason("price.too_high", "price.too_high.over_budget", primary=True),))
    assert not any("detail" in text for text in hint_texts(debrief))


def test_hints_never_promise_more_than_the_room_under_the_cap():
    # 1 base + 2 extra reasons + 2 details + competitor + segment = 7: room for 1 more.
    near_cap = everything().with_changes(quote=None, share_quote=False)
    result = score(near_cap, RULES)
    assert result.entries == RULES.cap - 1
    assert [h.message.text for h in result.hints] == [
        "Add a customer quote (20+ characters) to share for +1",
        "Say where the lead came from for +1",
        "Say whether the lead was sales-ready (and if not, why) for +1",
        "Say which collateral you used and whether it helped for +1",
        "Share a play that worked with marketing for +1",
    ]
    assert {h.points for h in result.hints} == {1}


def test_a_rule_worth_nothing_gives_no_hint():
    rules = ContestRules(competitor=0)
    assert not any("competitor" in text for text in hint_texts(bare(), rules))


# --- the rules as data ----------------------------------------------------------------


def test_rules_from_dict_takes_a_partial_document():
    rules = ContestRules.from_dict({"competitor": 3, "cap": 12})
    assert (rules.competitor, rules.cap, rules.base) == (3, 12, ContestRules().base)


def test_rules_round_trip_through_a_dict():
    assert ContestRules.from_dict(RULES.to_dict()) == RULES


def test_rules_from_dict_rejects_unknown_keys():
    with pytest.raises(RulesError, match=r"unknown rule\(s\): bonus, extra"):
        ContestRules.from_dict({"base": 1, "extra": 2, "bonus": 1})


@pytest.mark.parametrize(("name", "value"), [
    ("base", -1), ("competitor", -3), ("cap", -1), ("daily_cap", -1),
    ("shared_quote", 1.5), ("detail_code", "2"), ("complete_segment", True), ("base", None),
    ("cap", MAX_RULE + 1), ("daily_cap", 2**31 - 1), ("min_quote_chars", 10**19),
])
def test_rules_from_dict_rejects_values_that_are_not_whole_numbers_in_range(name, value):
    with pytest.raises(RulesError, match=f"{name} must be a whole number from 0 to 10,000"
                       ) as refused:
        ContestRules.from_dict({name: value})
    assert refused.value.rule == name


def test_the_highest_rules_allowed_keep_a_contest_total_inside_32_bits():
    highest = ContestRules.from_dict({f: MAX_RULE for f in ContestRules().to_dict()})
    assert highest.daily_cap * MAX_CONTEST_DAYS < 2**31


def test_rules_reject_a_cap_below_the_base():
    with pytest.raises(RulesError, match="cap must be at least the base entries") as refused:
        ContestRules.from_dict({"base": 3, "cap": 2})
    assert refused.value.rule == "cap"


def test_a_cap_equal_to_the_base_is_allowed():
    rules = ContestRules(base=2, cap=2)
    assert score(everything(), rules).entries == 2


def test_rules_errors_are_value_errors():
    assert issubclass(RulesError, ValueError)


# --- the daily cap --------------------------------------------------------------------


def test_cap_per_day_gives_the_earliest_debriefs_what_is_left():
    rules = ContestRules(daily_cap=10)
    day = "2026-01-05"
    assert cap_per_day([(day, 6), (day, 6), (day, 3)], rules) == [6, 4, 0]


def test_cap_per_day_counts_each_day_on_its_own():
    rules = ContestRules(daily_cap=5)
    entries = [("2026-01-05", 4), ("2026-01-06", 4), ("2026-01-05", 4), ("2026-01-06", 1)]
    assert cap_per_day(entries, rules) == [4, 4, 1, 1]


def test_cap_per_day_with_the_default_rules():
    entries = [("2026-01-05", 8)] * 6
    assert cap_per_day(entries, RULES) == [8, 8, 8, 8, 8, 0]


def test_cap_per_day_of_nothing_is_nothing():
    assert cap_per_day([], RULES) == []


@given(st.lists(st.tuples(st.sampled_from(["d1", "d2", "d3"]), st.integers(0, 20)),
                max_size=30),
       any_rules())
def test_cap_per_day_never_exceeds_the_cap_or_what_was_earned(entries, rules):
    allowed = cap_per_day(entries, rules)
    assert len(allowed) == len(entries)
    for (_, earned), granted in zip(entries, allowed, strict=True):
        assert 0 <= granted <= earned
    for day in {day for day, _ in entries}:
        granted_that_day = [g for (d, _), g in zip(entries, allowed, strict=True) if d == day]
        earned_that_day = [e for d, e in entries if d == day]
        assert sum(granted_that_day) == min(sum(earned_that_day), rules.daily_cap)


# --- properties -----------------------------------------------------------------------


@given(debriefs(), any_rules())
def test_entries_are_never_negative_nor_above_the_cap(debrief, rules):
    result = score(debrief, rules)
    assert 0 <= result.entries <= rules.cap
    assert result.entries >= min(rules.base, rules.cap)


@given(debriefs(), any_rules())
def test_entries_are_the_uncapped_total_held_to_the_cap(debrief, rules):
    result = score(debrief, rules)
    assert result.entries == min(result.uncapped, rules.cap)


@given(debriefs(), any_rules())
def test_the_same_debrief_always_scores_the_same(debrief, rules):
    copy = Debrief.from_dict(debrief.to_dict())
    assert score(debrief, rules) == score(debrief, rules) == score(copy, rules)


@given(debriefs(), any_rules())
def test_hints_never_promise_more_than_the_room_and_come_biggest_first(debrief, rules):
    result = score(debrief, rules)
    room = rules.cap - result.entries
    points = [h.points for h in result.hints]
    assert all(0 < p <= room for p in points)
    assert points == sorted(points, reverse=True)


def add_reason(debrief: Debrief, data) -> Debrief:
    taken = {r.code for r in debrief.reasons}
    code = data.draw(st.sampled_from([c.key for c in TAXONOMY.codes if c.key not in taken]))
    return debrief.with_changes(reasons=(*debrief.reasons, Reason(code)))


def add_detail(debrief: Debrief, data) -> Debrief:
    open_rows = [i for i, r in enumerate(debrief.reasons)
                 if r.detail is None and TAXONOMY.code(r.code).details]
    if not open_rows:
        return debrief
    index = data.draw(st.sampled_from(open_rows))
    reason = debrief.reasons[index]
    detail = data.draw(st.sampled_from(TAXONOMY.code(reason.code).details)).key
    reasons = list(debrief.reasons)
    reasons[index] = Reason(reason.code, detail, reason.evidence, reason.primary)
    return debrief.with_changes(reasons=tuple(reasons))


def name_competitor(debrief: Debrief, data) -> Debrief:
    if debrief.competitor and debrief.competitor.strip():
        return debrief
    return debrief.with_changes(competitor=data.draw(st.sampled_from(COMPETITOR_NAMES)))


def add_quote(debrief: Debrief, data) -> Debrief:
    if (debrief.quote or "").strip():
        return debrief
    return debrief.with_changes(quote=data.draw(st.just(SAMPLE_QUOTE) | st.text(max_size=60)))


def share_quote(debrief: Debrief, data) -> Debrief:
    return debrief.with_changes(share_quote=True)


def complete_segment(debrief: Debrief, data) -> Debrief:
    segment = debrief.segment
    filled = {
        part: getattr(segment, part)
        or data.draw(st.sampled_from(SEGMENTS.choices_for(part))).key
        for part in ("industry", "company_size", "region")
    }
    return debrief.with_changes(segment=Segment(**filled))


def tell_lead_facts(debrief: Debrief, data) -> Debrief:
    return debrief.with_changes(
        lead_source=data.draw(st.sampled_from(("event", "inbound"))),
        sales_ready=data.draw(st.sampled_from(list(Readiness))),
        failed_criteria=("budget",),
        collateral=(Collateral("case_study", data.draw(st.sampled_from((True, False)))),))


def share_play(debrief: Debrief, data) -> Debrief:
    if (debrief.play or "").strip():
        return debrief.with_changes(share_play=True)
    return debrief.with_changes(play=data.draw(st.just(SAMPLE_QUOTE) | st.text(max_size=60)),
                                share_play=True)


ENRICHMENTS = (add_reason, add_detail, name_competitor, add_quote, share_quote,
               complete_segment, tell_lead_facts, share_play)


@given(debriefs(), any_rules(), st.lists(st.sampled_from(ENRICHMENTS), min_size=1, max_size=6),
       st.data())
def test_adding_detail_never_lowers_the_score(debrief, rules, steps, data):
    current = debrief
    for enrich in steps:
        enriched = enrich(current, data)
        assert score(enriched, rules).entries >= score(current, rules).entries, enrich.__name__
        assert score(enriched, rules).uncapped >= score(current, rules).uncapped, enrich.__name__
        current = enriched


def act_on_hint(debrief: Debrief, template: str, rules: ContestRules) -> Debrief:
    """Do what a hint asks, the simplest way."""
    if template.startswith("Give two reasons"):
        first, second = (c.key for c in TAXONOMY.codes[:2])
        return debrief.with_changes(reasons=(Reason(first, primary=True), Reason(second)))
    if template.startswith("Add another reason"):
        taken = {r.code for r in debrief.reasons}
        code = next(c.key for c in TAXONOMY.codes if c.key not in taken)
        return debrief.with_changes(reasons=(*debrief.reasons, Reason(code)))
    if template.startswith("Narrow a reason"):
        index = next(i for i, r in enumerate(debrief.reasons) if r.detail is None)
        reasons = list(debrief.reasons)
        reasons[index] = Reason(reasons[index].code, "some.detail", primary=reasons[index].primary)
        return debrief.with_changes(reasons=tuple(reasons))
    if template.startswith("Name the competitor"):
        return debrief.with_changes(competitor="Rocket Corp")
    if template.startswith("Share the customer quote"):
        return debrief.with_changes(share_quote=True)
    if template.startswith("Add a customer quote"):
        return debrief.with_changes(quote="q" * max(rules.min_quote_chars, 1), share_quote=True)
    if template.startswith("Complete the segment"):
        return debrief.with_changes(segment=FULL_SEGMENT)
    if template.startswith("Say where the lead"):
        return debrief.with_changes(lead_source="event")
    if template.startswith("Say whether the lead"):
        return debrief.with_changes(sales_ready=Readiness.NO, failed_criteria=("budget",))
    if template.startswith("Say which collateral"):
        return debrief.with_changes(collateral=(Collateral("case_study", True),))
    if template.startswith("Share a play"):
        return debrief.with_changes(play="p" * max(rules.min_play_chars, 1), share_play=True)
    raise AssertionError(f"no action for hint {template!r}")


@given(debriefs(), any_rules())
def test_each_hint_keeps_its_promise(debrief, rules):
    before = score(debrief, rules)
    for hint in before.hints:
        after = score(act_on_hint(debrief, hint.message.template, rules), rules)
        assert after.entries - before.entries == hint.points, hint.message.text


# --- contest_entries: the ledger the server builds a leaderboard from --------------------


def _dated(debrief, day: int, hour: int = 9, **changes):
    from datetime import UTC, datetime

    moment = datetime(2026, 11, day, hour, tzinfo=UTC)
    return debrief.with_changes(created_at=moment, updated_at=moment, **changes)


def test_contest_entries_score_each_debrief_with_the_shared_rules():
    from sync.domain.scoring import contest_entries

    rules = ContestRules()
    one = _dated(bare(id="a"), 2)
    two = _dated(bare(id="b", competitor="Acme"), 3)
    assert contest_entries([one, two], rules) == {
        "a": score(one, rules).entries, "b": score(two, rules).entries}


def test_a_near_duplicate_of_the_same_opportunity_earns_nothing():
    from sync.domain.scoring import contest_entries

    first = _dated(bare(id="a", crm_ref="OPP-7"), 2)
    again = _dated(bare(id="b", crm_ref=" opp-7 "), 2, hour=10)
    other_rep = _dated(bare(id="c", crm_ref="OPP-7", rep="someone else"), 2)
    later_stage = _dated(bare(id="d", crm_ref="OPP-7", stage=Stage.SELECTION), 3)
    earned = contest_entries([again, first, other_rep, later_stage], ContestRules())
    assert earned["b"] == 0
    assert earned["a"] > 0 and earned["c"] > 0 and earned["d"] > 0


def test_the_daily_cap_goes_to_the_earliest_debriefs_of_the_day():
    from sync.domain.scoring import contest_entries

    rules = ContestRules(daily_cap=5)
    debriefs = [_dated(bare(id=f"d{h}"), 4, hour=h) for h in range(8, 14)]
    earned = contest_entries(reversed(debriefs), rules)
    per = score(debriefs[0], rules).entries
    assert sum(earned.values()) == 5
    assert earned["d8"] == min(per, 5)


def test_deleted_debriefs_earn_nothing_and_are_left_out():
    from sync.domain.scoring import contest_entries

    gone = _dated(bare(id="x", deleted=True), 2)
    assert contest_entries([gone], ContestRules()) == {}


def test_each_debrief_says_why_it_earned_what_it_did():
    from sync.domain.scoring import Why, earned_entries

    rules = ContestRules(daily_cap=2)
    first = _dated(bare(id="a", crm_ref="OPP-7"), 2, hour=8)
    again = _dated(bare(id="b", crm_ref="opp-7"), 2, hour=9)
    third = _dated(bare(id="c", competitor="Acme"), 2, hour=10)
    fourth = _dated(bare(id="d", competitor="Acme"), 2, hour=11)
    per = score(third, rules).entries
    assert score(first, rules).entries + per > 2 > score(first, rules).entries
    earned = earned_entries([fourth, third, again, first], rules)
    assert earned["a"].why is Why.SCORED and earned["a"].entries == earned["a"].scored
    assert (earned["b"].why, earned["b"].entries, earned["b"].duplicate_of) == (
        Why.NEAR_DUPLICATE, 0, "a")
    assert earned["b"].scored == score(again, rules).entries
    assert earned["c"].why is Why.DAILY_CAP and 0 < earned["c"].entries < per
    assert (earned["d"].why, earned["d"].entries) == (Why.DAILY_CAP, 0)
    assert sum(e.entries for e in earned.values()) == 2


def test_a_voided_debrief_earns_nothing_and_counts_for_nothing():
    from sync.domain.scoring import Why, contest_entries, earned_entries

    rules = ContestRules(daily_cap=5)
    first = _dated(bare(id="a", crm_ref="OPP-7"), 2, hour=8)
    again = _dated(bare(id="b", crm_ref="OPP-7"), 2, hour=9)
    earned = earned_entries([first, again], rules, voided={"a"})
    assert (earned["a"].why, earned["a"].entries) == (Why.VOIDED, 0)
    assert earned["a"].scored == score(first, rules).entries
    # The voided one is as if it were not there: the other is no longer its duplicate,
    # and the day's cap is all the other's.
    assert (earned["b"].why, earned["b"].entries) == (Why.SCORED, score(again, rules).entries)
    assert contest_entries([first, again], rules, voided={"a"}) == {"b": earned["b"].entries}


@given(st.lists(debriefs(), max_size=8), any_rules(), st.data())
def test_earned_entries_agree_with_contest_entries_and_add_up(batch, rules, data):
    from sync.domain.scoring import Why, contest_entries, earned_entries

    unique = list({debrief.id: debrief for debrief in batch}.values())
    ids = [debrief.id for debrief in unique if not debrief.deleted]
    voided = set(data.draw(st.lists(st.sampled_from(ids), unique=True))) if ids else set()
    earned = earned_entries(unique, rules, voided)
    counted = contest_entries(unique, rules, voided)
    assert set(earned) == set(ids)
    assert counted == {i: e.entries for i, e in earned.items() if e.why is not Why.VOIDED}
    for debrief_id, explained in earned.items():
        assert 0 <= explained.entries <= explained.scored
        assert (explained.why is Why.VOIDED) == (debrief_id in voided)
        if explained.why is Why.SCORED:
            assert explained.entries == explained.scored
        if explained.why is Why.DAILY_CAP:
            assert explained.entries < explained.scored
        assert (explained.duplicate_of is not None) == (explained.why is Why.NEAR_DUPLICATE)


def test_each_debrief_is_scored_by_the_rules_in_force_when_it_was_made():
    from datetime import UTC, datetime

    from sync.domain.scoring import Rulebook, RuleVersion, earned_entries

    changed = datetime(2026, 11, 3, 12, tzinfo=UTC)
    book = Rulebook([RuleVersion(2, changed, ContestRules(competitor=5)),
                     RuleVersion(1, None, ContestRules())])
    before = _dated(bare(id="a", competitor="Acme"), 3, hour=11)
    at = _dated(bare(id="b", competitor="Acme"), 3, hour=12)
    after = _dated(bare(id="c", competitor="Acme"), 4)
    earned = earned_entries([after, at, before], book)
    assert [earned[i].version for i in "abc"] == [1, 2, 2]
    assert earned["a"].entries == score(before, ContestRules()).entries
    assert earned["b"].entries == earned["c"].entries == score(
        at, ContestRules(competitor=5)).entries > earned["a"].entries
    assert book.current.number == 2 and book.at(None).number == 1


def test_the_daily_cap_of_each_debriefs_own_version_applies():
    from datetime import UTC, datetime

    from sync.domain.scoring import Rulebook, RuleVersion, earned_entries

    changed = datetime(2026, 11, 2, 12, tzinfo=UTC)
    book = Rulebook([RuleVersion(1, None, ContestRules(daily_cap=2)),
                     RuleVersion(2, changed, ContestRules(daily_cap=100))])
    morning = [_dated(bare(id=f"m{h}"), 2, hour=h) for h in (8, 9, 10)]
    afternoon = _dated(bare(id="p"), 2, hour=13)
    earned = earned_entries([*morning, afternoon], book)
    per = score(afternoon, ContestRules()).entries
    assert sum(earned[d.id].entries for d in morning) == 2  # version 1's cap
    assert earned["p"].entries == per  # version 2's cap leaves room the same day


def test_rules_start_with_a_version_from_the_start():
    from datetime import UTC, datetime

    from sync.domain.scoring import Rulebook, RuleVersion

    with pytest.raises(RulesError):
        Rulebook([RuleVersion(1, datetime(2026, 1, 1, tzinfo=UTC), ContestRules())])
    with pytest.raises(RulesError):
        Rulebook([])


# --- what the preview says while a debrief cannot be saved -------------------------------


def missing(debrief: Debrief) -> list[str]:
    return [message.text for message in
            missing_for_entries(validate(debrief, TAXONOMY, SEGMENTS))]


def test_an_empty_debrief_is_told_everything_it_lacks_in_one_sentence():
    empty = Debrief(id="x", rep="ana")
    assert missing(empty) == ["Choose an outcome and a stage, and add a reason to earn "
                              "entries."]


@pytest.mark.parametrize(("changes", "said"), [
    ({"outcome": None}, "Choose an outcome to earn entries."),
    ({"stage": None}, "Choose a stage to earn entries."),
    ({"reasons": ()}, "Add a reason (or choose \u201cDon\u2019t know\u201d) to earn entries."),
    ({"outcome": None, "stage": None}, "Choose an outcome and a stage to earn entries."),
    ({"outcome": None, "reasons": ()}, "Choose an outcome and add a reason to earn entries."),
    ({"stage": None, "reasons": ()}, "Choose a stage and add a reason to earn entries."),
])
def test_what_is_lacking_is_named(changes, said):
    assert missing(bare(**changes)) == [said]


def test_an_honest_dont_know_lacks_no_reason():
    assert missing(bare(reasons=(), reasons_unknown=True)) == []


def test_a_field_at_fault_is_named_with_its_own_note():
    too_long = "x" * 2_500
    assert missing(bare(quote=too_long)) == [
        "Fix the customer quote to earn entries.",
        "This is 2,500 characters long; keep it under 2,000."]
    assert missing(bare(competitor="Globex \U0001f680"))[0] == (
        "Fix the competitor\u2019s name to earn entries.")
    assert missing(bare(segment=Segment("software", "50-199", "atlantis")))[0] == (
        "Pick the segment from the lists to earn entries.")
    assert missing(bare(reasons=(Reason("price.too_high", primary=True),
                                 Reason("no.such.code"))))[0] == (
        "Fix the reasons to earn entries.")


def test_what_is_lacking_comes_before_a_field_at_fault():
    assert missing(bare(stage=None, quote="x" * 2_500)) == [
        "Choose a stage to earn entries."]


@given(debriefs())
def test_only_a_debrief_that_can_be_saved_is_counted(debrief):
    problems = validate(debrief, TAXONOMY, SEGMENTS)
    said = missing_for_entries(problems)
    assert bool(said) == bool(problems)
    assert all(message.text.strip() for message in said)
