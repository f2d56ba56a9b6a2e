"""The demo company's debriefs: a year of plausible outcomes, stages, segments and
reasons, and for some the lead facts, a play that worked, and "Other" in a rep's words.

Everything comes from one seeded `random.Random`, so the same seed and the same `now`
make the same debriefs, ids included. The mixes follow what sales teams report:
large companies are lost on security, legal, implementation risk and incumbents, small
ones on price and budget; early stages are lost on timing and "no priority", late ones
on price and competitors; wins cite fit, value and relationships.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sync.domain.debrief import (
    Collateral,
    Debrief,
    Evidence,
    Outcome,
    Polarity,
    Readiness,
    Reason,
    Segment,
    Stage,
)
from sync.domain.ids import DebriefIdFactory
from sync.domain.segments import SegmentLists
from sync.domain.taxonomy import Taxonomy
from sync.domain.team_lists import shipped_lead_lists
from sync.domain.validation import validate
from sync.domain.wire import to_wire

K = TypeVar("K")
YEAR = timedelta(days=365)

# Company size bands each team sells to, and the tier whose reason mix a band gets.
SIZES_BY_TEAM = {
    "Enterprise": {"1000-4999": 3, "5000-19999": 4, "20000+": 3},
    "Mid-Market": {"50-199": 1, "200-999": 6, "1000-4999": 3},
    "SMB": {"1-49": 5, "50-199": 5},
}
TIER_OF_SIZE = {"1-49": "smb", "50-199": "smb", "200-999": "mid_market",
                "1000-4999": "enterprise", "5000-19999": "enterprise", "20000+": "enterprise"}
INDUSTRIES_BY_TIER = {
    "enterprise": {"financial_services": 4, "insurance": 3, "healthcare": 3, "public_sector": 2,
                   "telecom_media": 2, "energy_utilities": 2, "manufacturing": 3, "software": 1,
                   "logistics": 1, "retail": 1},
    "mid_market": {"software": 3, "manufacturing": 3, "professional_services": 2, "retail": 2,
                   "logistics": 2, "healthcare": 2, "financial_services": 1, "education": 1,
                   "construction_real_estate": 1, "other": 1},
    "smb": {"software": 4, "professional_services": 4, "retail": 3, "hospitality": 2,
            "construction_real_estate": 2, "education": 1, "healthcare": 1, "other": 1},
}
CURRENCY_BY_REGION = {"north_america": "USD", "latin_america": "USD", "uk_ireland": "GBP",
                      "dach": "EUR", "nordics": "EUR", "rest_of_europe": "EUR",
                      "middle_east_africa": "USD", "apac": "USD"}
DEAL_RANGE_BY_TIER = {"smb": (2_000, 30_000, 100), "mid_market": (20_000, 150_000, 1_000),
                      "enterprise": (120_000, 1_500_000, 5_000)}  # low, high, rounded to
RIVALS_BY_TIER = {"enterprise": ("Corvana", "Stackwell", "Orbitra", "Meridian Suite"),
                  "mid_market": ("Corvana", "Pipebird", "Stackwell", "Quillo"),
                  "smb": ("Quillo", "Pipebird", "Brightlane", "Tallyo")}

OUTCOMES = {Outcome.LOST: 34, Outcome.WON: 20, Outcome.NO_DECISION: 12,
            Outcome.OBJECTION: 16, Outcome.PROGRESSED: 18}
STAGES_BY_OUTCOME = {  # weights over the funnel, awareness .. selection
    Outcome.WON: (0, 0, 0, 1, 9), Outcome.LOST: (1, 2, 3, 4, 3),
    Outcome.NO_DECISION: (1, 3, 3, 3, 1), Outcome.OBJECTION: (1, 2, 3, 3, 2),
    Outcome.PROGRESSED: (1, 3, 3, 3, 2),
}
EARLY_STAGES = frozenset({Stage.AWARENESS, Stage.CONSIDERATION, Stage.INTEREST})

LOSS_WEIGHTS = {
    "price.too_high": 10, "price.roi_unclear": 6, "price.pricing_model": 2,
    "budget.no_budget": 6, "budget.budget_cut": 3, "budget.above_approval_limit": 2,
    "competitor.incumbent": 6, "competitor.cheaper": 5, "competitor.better_features": 4,
    "competitor.existing_relationship": 2, "competitor.bundled": 2,
    "product_fit.missing_feature": 6, "product_fit.integration_gap": 4,
    "product_fit.too_complex": 2, "product_fit.wrong_use_case": 2, "product_fit.scalability": 1,
    "timing.not_a_priority": 6, "timing.decision_delayed": 4, "timing.reorg": 2,
    "status_quo.do_nothing": 4, "status_quo.build_in_house": 2, "status_quo.manual_process": 1,
    "trust.security_review_failed": 3, "trust.no_references": 2, "trust.vendor_viability": 1,
    "process.procurement_blocked": 2, "process.legal_stalled": 2,
    "process.too_many_stakeholders": 2, "process.no_decision_maker": 2,
    "relationship.lost_champion": 2, "relationship.no_exec_access": 1,
    "implementation.migration_risk": 2, "implementation.internal_resources": 2,
    "implementation.change_management": 1, "support.sla_insufficient": 1,
    "contract.unacceptable_terms": 1,
}
WIN_WEIGHTS = {
    "product_fit.strong_features": 10, "product_fit.integration_fit": 5,
    "product_fit.easy_to_use": 7, "product_fit.scalability": 2, "price.good_value": 6,
    "price.clear_roi": 6, "price.discount_offered": 3, "competitor.displaced_incumbent": 3,
    "competitor.clear_edge": 4, "timing.urgent_need": 4, "timing.right_time": 2,
    "budget.budget_found": 2, "budget.within_approval_limit": 2, "trust.strong_references": 4,
    "trust.case_studies": 2, "trust.analyst_reports": 1, "trust.security_review_passed": 2,
    "process.smooth_procurement": 1, "relationship.strong_champion": 7,
    "relationship.exec_sponsor": 3, "relationship.rep_rapport": 4,
    "relationship.existing_customer": 2, "implementation.low_risk_rollout": 3,
    "implementation.partner_services": 1, "support.strong_sla": 1, "support.onboarding": 2,
    "contract.flexible_terms": 1, "status_quo.status_quo_painful": 3,
}
_SECURITY_AND_RISK = {"trust.security_review_failed": 5, "process.legal_stalled": 3,
                      "process.procurement_blocked": 3, "contract.unacceptable_terms": 3,
                      "implementation.migration_risk": 3, "implementation.change_management": 3,
                      "competitor.incumbent": 2.5, "competitor.bundled": 2.5,
                      "process.too_many_stakeholders": 2.5, "support.sla_insufficient": 2}
# Multipliers on the weights above, by (tier or phase, polarity); 1 where not named.
TILTS: Mapping[tuple[str, Polarity], Mapping[str, float]] = {
    ("enterprise", Polarity.LOSS): {**_SECURITY_AND_RISK, "product_fit.scalability": 3,
                                    "price.too_high": 0.5, "competitor.cheaper": 0.3,
                                    "budget.no_budget": 0.4, "budget.budget_cut": 0.6},
    ("smb", Polarity.LOSS): {"price.too_high": 2.5, "competitor.cheaper": 2.5,
                             "budget.no_budget": 2.5, "budget.budget_cut": 2,
                             "price.pricing_model": 2, "product_fit.too_complex": 2,
                             **{code: 0.2 for code in _SECURITY_AND_RISK}},
    ("mid_market", Polarity.LOSS): {"product_fit.integration_gap": 1.8, "price.roi_unclear": 1.5,
                                    "budget.above_approval_limit": 2},
    ("early", Polarity.LOSS): {"timing.not_a_priority": 3, "status_quo.do_nothing": 3,
                               "timing.decision_delayed": 1.5, "budget.no_budget": 2,
                               "process.no_decision_maker": 2.5, "product_fit.wrong_use_case": 2,
                               "price.too_high": 0.4, "competitor.cheaper": 0.3,
                               "competitor.better_features": 0.4, "process.legal_stalled": 0.1,
                               "process.procurement_blocked": 0.1},
    ("late", Polarity.LOSS): {"price.too_high": 1.8, "competitor.cheaper": 2,
                              "competitor.better_features": 2, "competitor.incumbent": 1.5,
                              "timing.not_a_priority": 0.4, "status_quo.do_nothing": 0.5,
                              "process.no_decision_maker": 0.4},
    ("enterprise", Polarity.WIN): {"trust.security_review_passed": 4,
                                   "relationship.exec_sponsor": 3, "trust.strong_references": 2,
                                   "product_fit.scalability": 3, "support.strong_sla": 3,
                                   "implementation.low_risk_rollout": 2.5,
                                   "trust.analyst_reports": 2, "product_fit.easy_to_use": 0.6,
                                   "price.good_value": 0.6, "price.discount_offered": 0.5},
    ("smb", Polarity.WIN): {"product_fit.easy_to_use": 2, "price.good_value": 2.5,
                            "price.discount_offered": 2, "budget.within_approval_limit": 2.5,
                            "relationship.rep_rapport": 2, "relationship.exec_sponsor": 0.3,
                            "trust.security_review_passed": 0.2, "trust.analyst_reports": 0.3},
    ("early", Polarity.WIN): {"timing.urgent_need": 2, "status_quo.status_quo_painful": 2},
    ("late", Polarity.WIN): {"price.clear_roi": 1.5, "process.smooth_procurement": 2},
}

QUOTES = {
    "price.too_high": ("Honestly, you're almost twice what we budgeted for this.",
                       "We like it, but I can't defend that price to our CFO."),
    "competitor.cheaper": ("The other vendor came in at half the price, and it's good enough.",),
    "budget.no_budget": ("There is simply no budget for this until next fiscal year.",),
    "trust.security_review_failed": ("Our security team won't sign off without SOC 2 Type II.",
                                     "Customer data has to stay in the EU, full stop."),
    "process.legal_stalled": ("Legal has had your DPA for six weeks and nobody is moving.",),
    "implementation.migration_risk": ("We can't risk a data migration during peak season.",),
    "competitor.incumbent": ("We're three years into our current tool; switching hurts too much.",),
    "timing.not_a_priority": ("Good idea, wrong quarter. Call me after the reorg.",
                              "It's on the list, just not anywhere near the top."),
    "status_quo.do_nothing": ("Spreadsheets are working well enough for us right now.",),
    "product_fit.missing_feature": ("Without offline approvals this is a non-starter for us.",),
    "product_fit.integration_gap": ("If it doesn't sync with our ERP, finance won't touch it.",),
    "product_fit.strong_features": ("It's the only tool that handled our approval chains.",),
    "product_fit.easy_to_use": ("My team figured it out during the demo, no training needed.",),
    "price.clear_roi": ("The payback math was clear enough that finance signed in a week.",),
    "price.good_value": ("For what it does, the price is more than fair.",),
    "relationship.strong_champion": ("I'll walk this into the steering committee myself.",),
    "trust.strong_references": ("Talking to your customer in our industry sealed it.",),
    "trust.security_review_passed": ("Your security answers were the best we've seen all year.",),
    "timing.urgent_need": ("We need this live before the audit in March.",),
}
GENERIC_QUOTES = {Polarity.WIN: ("You understood our problem better than anyone else did.",),
                  Polarity.LOSS: ("It's not you; it's just not the right fit for us right now.",)}

# The lead facts (keys of resources/lead_lists.json), given for some debriefs: where
# leads came from; events and outbound ones reach reps less ready, failing budget and
# authority; case studies help win, pricing sheets less so.
LEAD_SOURCES = {"inbound": 30, "outbound": 25, "referral": 12, "partner": 8, "event": 15,
                "campaign.webinar_series": 6, "campaign.paid_search": 4}
READINESS = {Polarity.WIN: {"yes": 70, "partly": 25, "no": 5},
             Polarity.LOSS: {"yes": 35, "partly": 35, "no": 30}}
COLD_SOURCES = ("event", "outbound", "campaign.paid_search")
CRITERIA = {"budget": 4, "authority": 3, "need": 2, "timeline": 3, "fit": 1}
CRITERIA_WHEN_COLD = {"budget": 5, "authority": 5, "need": 3, "timeline": 2, "fit": 1}
COLLATERAL = {"case_study": 5, "roi_calculator": 4, "demo_video": 3, "comparison_sheet": 2,
              "security_pack": 2, "pricing_sheet": 2}
HELPED = {Polarity.WIN: {True: 70, False: 10, None: 20},
          Polarity.LOSS: {True: 30, False: 40, None: 30}}
PLAYS = ("Brought their CFO in on the second call: price stopped being the topic.",
         "Sent the security pack before they asked; procurement signed a week early.",
         "Offered a two-week pilot on their own data instead of another demo.",
         "Had a customer in their industry call them directly.")
# What reps say when no reason on the list fits: a few things many say, and one-offs.
OTHER_WORDS = {"No SSO support": 30, "no single sign-on": 6, "Needed it on premises": 20,
               "No German interface": 12, "wanted monthly billing": 8,
               "Their parent company decided": 4, "Lost the budget owner to a reorg": 3,
               "Too many clicks for the field team": 3, "Data residency in Canada": 2}


@dataclass(frozen=True)
class DemoRep:
    """A rep as the generator sees them: who, which team, which home region."""

    username: str
    team: str
    region: str
    activity: float  # how often they debrief, relative to their peers


class _SetClock:
    """A clock that stands at whatever time it was last set to: the ids of the demo
    debriefs carry their creation time, as if each had been made then."""

    def __init__(self) -> None:
        self.at = datetime(1970, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


def demo_debriefs(rng: random.Random, reps: Sequence[DemoRep], count: int, now: datetime,
                  taxonomy: Taxonomy, segments: SegmentLists) -> list[tuple[str, dict[str, Any]]]:
    """`count` debriefs by `reps` over the year before `now`, oldest first, as
    (username, wire dict); each one checked with the same validation the app uses."""
    clock = _SetClock()
    ids = DebriefIdFactory(clock, random_bytes=rng.randbytes)
    leads = shipped_lead_lists().lists
    makers = rng.choices(reps, weights=[rep.activity for rep in reps], k=count)
    times = sorted(_moment(rng, now) for _ in range(count))
    made = []
    for rep, created_at in zip(makers, times, strict=True):
        clock.at = created_at
        debrief = _debrief(rng, ids.new_id(), rep, created_at, now, taxonomy)
        # Drawn from the debrief's own id: the draws above stay as they were.
        debrief = _with_lead_facts(random.Random(debrief.id), debrief, taxonomy)
        problems = validate(debrief, taxonomy, segments, leads)
        if problems:  # a bug in the tables above, not something a user can fix
            raise RuntimeError(f"demo debrief is invalid: {[p.text for p in problems]}")
        made.append((rep.username, to_wire(debrief)))
    return made


def _moment(rng: random.Random, now: datetime) -> datetime:
    """A working-hours moment in the year before `now`, more of them recently (the team
    took Debrief up over the year), few at weekends."""
    while True:
        recency = rng.random()
        if rng.random() > 0.4 + 0.6 * recency:  # density rises from 40% to 100%
            continue
        moment = now - YEAR + (YEAR * recency)
        day_start = datetime.combine(moment.astimezone(UTC).date(), time(0), UTC)
        moment = day_start + timedelta(hours=rng.uniform(7.5, 18.5))
        weekend = moment.weekday() >= 5
        if now - YEAR < moment < now and (not weekend or rng.random() < 0.1):
            return moment.replace(microsecond=0)


def _debrief(rng: random.Random, debrief_id: str, rep: DemoRep, created_at: datetime,
             now: datetime, taxonomy: Taxonomy) -> Debrief:
    size = _pick(rng, SIZES_BY_TEAM[rep.team])
    tier = TIER_OF_SIZE[size]
    outcome = _pick(rng, OUTCOMES)
    stage = rng.choices(list(Stage), weights=STAGES_BY_OUTCOME[outcome])[0]
    region = rep.region if rng.random() < 0.85 else rng.choice(list(CURRENCY_BY_REGION))
    segment = Segment(_maybe(rng, 0.92, _pick(rng, INDUSTRIES_BY_TIER[tier])),
                      _maybe(rng, 0.96, size), _maybe(rng, 0.94, region))
    unknown = rng.random() < (0.03 if outcome.polarity is Polarity.WIN else
                              0.10 if stage in EARLY_STAGES else 0.05)
    reasons = () if unknown else _reasons(rng, outcome, stage, tier, taxonomy)
    value, currency = _deal_value(rng, tier, region)
    quote = _quote(rng, reasons, outcome)
    edited = rng.random() < 0.1  # saved again later: revision 2
    updated_at = (min(created_at + timedelta(minutes=rng.randint(5, 600)), now) if edited
                  else created_at)
    return Debrief(
        id=debrief_id, rep=rep.username, outcome=outcome, stage=stage, segment=segment,
        reasons=reasons, reasons_unknown=unknown,
        competitor=_competitor(rng, reasons, stage, tier), deal_value=value, currency=currency,
        crm_ref=_maybe(rng, 0.6, f"OPP-{rng.randrange(100_000, 1_000_000)}"),
        quote=quote, share_quote=quote is not None, revision=2 if edited else 1,
        created_at=created_at, updated_at=updated_at)


def _with_lead_facts(rng: random.Random, debrief: Debrief, taxonomy: Taxonomy) -> Debrief:
    """`debrief` with what some reps add: the lead facts, a play that worked (shared
    mostly), and "Other" in their words when no reason on the list fits."""
    assert debrief.outcome is not None
    polarity = debrief.outcome.polarity
    source = _pick(rng, LEAD_SOURCES) if rng.random() < 0.55 else None
    ready = Readiness(_pick(rng, READINESS[polarity])) if rng.random() < 0.5 else None
    failed: tuple[str, ...] = ()
    if ready in (Readiness.PARTLY, Readiness.NO):
        weights = CRITERIA_WHEN_COLD if source in COLD_SOURCES else CRITERIA
        failed = tuple(dict.fromkeys(_pick(rng, weights) for _ in range(rng.randint(1, 2))))
    collateral: tuple[Collateral, ...] = ()
    if rng.random() < 0.4:
        keys = dict.fromkeys(_pick(rng, COLLATERAL) for _ in range(rng.randint(1, 2)))
        collateral = tuple(Collateral(key, _pick(rng, HELPED[polarity])) for key in keys)
    play = rng.choice(PLAYS) if polarity is Polarity.WIN and rng.random() < 0.08 else None
    reasons = debrief.reasons
    other = taxonomy.words_code(debrief.outcome)
    if other is not None and reasons and len(reasons) < 4 and rng.random() < 0.06:
        reasons = (*reasons, Reason(other.key, None, Evidence.MY_READ, False,
                                    _pick(rng, OTHER_WORDS)))
    return replace(debrief, reasons=reasons, lead_source=source, sales_ready=ready,
                   failed_criteria=failed, collateral=collateral, play=play,
                   share_play=play is not None and rng.random() < 0.7)


def _reasons(rng: random.Random, outcome: Outcome, stage: Stage, tier: str,
             taxonomy: Taxonomy) -> tuple[Reason, ...]:
    """One to four different reasons, weighted by outcome, tier and stage; the first is
    the main one, and some are narrowed to a detail code."""
    polarity = outcome.polarity
    phase = "early" if stage in EARLY_STAGES else "late"
    base = WIN_WEIGHTS if polarity is Polarity.WIN else LOSS_WEIGHTS
    weights = {code: weight * TILTS.get((tier, polarity), {}).get(code, 1)
               * TILTS.get((phase, polarity), {}).get(code, 1)
               for code, weight in base.items()}
    how_many = rng.choices((1, 2, 3, 4), weights=(50, 33, 13, 4))[0]
    codes: list[str] = []
    while len(codes) < how_many:
        code = _pick(rng, weights)
        if code not in codes:
            codes.append(code)
    reasons = []
    for position, key in enumerate(codes):
        code = taxonomy.code(key)
        assert code is not None and code.applies_to_outcome(outcome), key
        detail = (rng.choice(code.details).key
                  if code.details and rng.random() < 0.45 else None)
        evidence = Evidence.CUSTOMER_SAID if rng.random() < 0.55 else Evidence.MY_READ
        reasons.append(Reason(key, detail, evidence, primary=position == 0))
    return tuple(reasons)


def _competitor(rng: random.Random, reasons: tuple[Reason, ...], stage: Stage,
                tier: str) -> str | None:
    """Always named when a reason is about a competitor; otherwise now and then, more
    often late in the funnel, where rivals show up in the shortlist."""
    about_rival = any(reason.code.startswith("competitor.") for reason in reasons)
    chance = 1.0 if about_rival else 0.15 if stage in EARLY_STAGES else 0.35
    return rng.choice(RIVALS_BY_TIER[tier]) if rng.random() < chance else None


def _deal_value(rng: random.Random, tier: str,
                region: str | None) -> tuple[Decimal | None, str | None]:
    if rng.random() >= 0.7:
        return None, None
    low, high, step = DEAL_RANGE_BY_TIER[tier]
    amount = math.exp(rng.uniform(math.log(low), math.log(high)))  # log-uniform
    return Decimal(round(amount / step) * step), CURRENCY_BY_REGION.get(region or "", "USD")


def _quote(rng: random.Random, reasons: tuple[Reason, ...], outcome: Outcome) -> str | None:
    """A short verbatim quote the rep shared, for about one debrief in seven."""
    if rng.random() >= 0.14:
        return None
    main = reasons[0].code if reasons else ""
    return rng.choice(QUOTES.get(main) or GENERIC_QUOTES[outcome.polarity])


def _pick(rng: random.Random, weights: Mapping[K, float]) -> K:
    """One key of `weights`, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _maybe(rng: random.Random, chance: float, value: str) -> str | None:
    """`value`, or None (left blank by the rep) with probability 1 - `chance`."""
    return value if rng.random() < chance else None
