"""Marketing changes the reason list on the server: each change a new version that the
apps take at their next sync, and that insights and exports count every debrief by,
so a trend goes on across a merge or a split (a fixture worked out by hand).

Each backend gets a store of its own: a taxonomy change is the whole store's."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from helpers.insight_world import made_in, reasons
from helpers.server_harness import ServerProcess
from helpers.server_world import People, debrief_maker, new_database, store_of_its_own

from sync.client.insight_view import InsightAnswers, InsightView, trend
from sync.domain.taxonomy import Taxonomy
from sync.domain.taxonomy_changes import next_version
from sync.resources import load_json
from sync.server import rollups
from sync.server.code_map import CodeMap
from sync.server.tables import reason_rollup

SHIPPED = load_json("taxonomy/default.json")["version"]  # the store's first version


@dataclass
class Store:
    server: ServerProcess
    engine: sa.Engine
    people: People


@pytest.fixture(scope="module")
def store(backend: str, request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("taxonomy")
    with store_of_its_own(folder, "tax", new_database(backend, request, folder)) as made:
        server, people = made
        yield Store(server, people.engine, people)


def newest(api) -> dict:
    answer = api.get("/api/v1/taxonomy")
    assert answer.status_code == 200, answer.text
    return answer.json()


def change(api, based_on: str, **wanted) -> dict:
    answer = api.post("/api/v1/taxonomy/changes", json={"based_on": based_on,
                                                        "change": wanted})
    assert answer.status_code == 201, answer.text
    return answer.json()


def rollup_is_exact(engine: sa.Engine, codes: CodeMap) -> None:
    """What the store kept on every push and change is what counting again gives."""
    with engine.connect() as connection:
        kept = {tuple(row) for row in connection.execute(sa.select(reason_rollup))}
        rollups.rebuild(connection, codes)
        counted = {tuple(row) for row in connection.execute(sa.select(reason_rollup))}
        connection.rollback()
    assert kept == counted


def test_the_store_starts_at_the_shipped_version(store: Store):
    body = newest(store.people("marketing").api)
    assert body["version"] == SHIPPED == body["taxonomy"]["version"]
    assert [(v["version"], v["change"], v["made_by"]) for v in body["versions"]] == [
        (SHIPPED, {"kind": "shipped"}, None)]


# Months of the trend, and what reps saved in each: (rep, codes) per debrief.
JAN, FEB, MAR = "2024-01", "2024-02", "2024-03"
SAVED = {
    JAN: [("ann", ("price.too_high",)), ("ann", ("price.too_high", "price.roi_unclear")),
          ("bob", ("price.roi_unclear",)), ("bob", ("price.too_high",)),
          ("cy", ("price.roi_unclear", "competitor.cheaper")), ("cy", ("price.too_high",))],
    FEB: [("ann", ("price.roi_unclear",)), ("bob", ("price.roi_unclear",)),
          ("cy", ("price.roi_unclear",)), ("ann", ("price.too_high", "competitor.cheaper")),
          ("bob", ("price.too_high",))],
}


def test_a_merge_and_a_split_keep_the_trend_going_through_route_and_export(store: Store):
    team = store.people.team()
    reps = {name: store.people("rep", team=team) for name in ("ann", "bob", "cy")}
    marketing = store.people("marketing")
    maker = debrief_maker()
    for month, saved in SAVED.items():
        for name, codes in saved:
            pushed = reps[name].api.push(maker(reasons=reasons(codes[0], None, *codes[1:]),
                                               **made_in(month)))
            assert pushed.json()["accepted"] == 1, pushed.text
    version = newest(marketing.api)["version"]

    # "ROI unclear" is merged into "Price too high"...
    merged = change(marketing.api, version, kind="merge", sources=["price.roi_unclear"],
                    into="price.too_high")
    assert merged["version"] == next_version(SHIPPED)
    # ... and then "Price too high" is split: its old debriefs go to the first part.
    split = change(marketing.api, merged["version"], kind="split", source="price.too_high",
                   parts=[{"key": "price.over_budget", "label": "Over their budget"},
                          {"key": "price.bad_value", "label": "Not worth the price"}])
    assert split["version"] == next_version(next_version(SHIPPED))
    assert [v["change"]["kind"] for v in split["versions"]] == ["split", "merge", "shipped"]
    assert split["versions"][0]["made_by"] == marketing.username
    # An app that was offline all along still sends the codes it knew: taken, and
    # counted under the codes standing now.
    for name in ("ann", "bob", "cy"):
        pushed = reps[name].api.push(*(maker(reasons=reasons("price.roi_unclear"),
                                             **made_in(MAR)) for _ in range(2)))
        assert pushed.json()["accepted"] == 2, pushed.text
        pushed = reps[name].api.push(*(maker(reasons=reasons("price.bad_value"),
                                             **made_in(MAR)) for _ in range(2)))
        assert pushed.json()["accepted"] == 2, pushed.text

    taxonomy = Taxonomy.from_dict(split["taxonomy"])
    rollup_is_exact(store.engine, CodeMap.of(taxonomy))

    answer = marketing.api.get("/api/v1/insights/reasons",
                               params={"by": "month", "from": JAN, "to": MAR})
    assert answer.status_code == 200, answer.text
    counts = {(group["value"], cell["code"]): cell["debriefs"]
              for group in answer.json()["groups"] for cell in group["reasons"]}
    # By hand: each debrief once under the code standing now, whichever old codes it
    # gave (ann's second January debrief gave both merged codes: once).
    assert counts[(JAN, "price.over_budget")] == 6
    assert counts[(FEB, "price.over_budget")] == 5
    assert counts[(MAR, "price.over_budget")] == counts[(MAR, "price.bad_value")] == 6
    assert not {code for _, code in counts} & {"price.too_high", "price.roi_unclear"}
    # The app's model of the trend, from the same answer: one line across the three
    # months (shares of each month's debriefs), no break at the merge or the split.
    view = InsightView(JAN, MAR)
    line = trend(InsightAnswers(view, {"month": answer.json()}, "2026-12-07T00:00:00Z"))
    assert line.months == (JAN, FEB, MAR)
    assert line.lines["price.over_budget"] == (1.0, 1.0, 0.5)

    params = {"by": "month", "from": JAN, "to": MAR}
    as_json = marketing.api.get("/api/v1/exports/reasons.json", params=params)
    assert as_json.status_code == 200, as_json.text
    assert as_json.json()["taxonomy_version"] == split["version"]  # what it counts by
    exported = marketing.api.get("/api/v1/exports/reasons.csv", params=params)
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert {(row["month"], row["reason_code"]): int(row["debriefs"]) for row in rows} == {
        (JAN, "price.over_budget"): 6, (FEB, "price.over_budget"): 5,
        (MAR, "price.over_budget"): 6, (MAR, "price.bad_value"): 6}
    assert {row["reason_label"] for row in rows} == {"Over their budget",
                                                     "Not worth the price"}


def test_the_apps_take_a_new_version_at_their_next_sync(store: Store):
    rep, marketing = store.people("rep"), store.people("marketing")
    first = rep.api.get("/api/v1/sync/config")
    tag = first.headers["ETag"]
    unchanged = rep.api.get("/api/v1/sync/config", headers={"If-None-Match": tag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    made = change(marketing.api, first.json()["taxonomy_version"], kind="add",
                  category="price", key="price.payment_terms", label="Invoice terms too strict",
                  applies_to="loss", keywords=["invoice", "terms"])
    again = rep.api.get("/api/v1/sync/config", headers={"If-None-Match": tag})
    assert again.status_code == 200 and again.headers["ETag"] != tag
    assert again.json()["taxonomy_version"] == made["version"]
    assert Taxonomy.from_dict(again.json()["taxonomy"]).code("price.payment_terms")
    # A debrief giving the new code is taken at once.
    pushed = rep.api.push(debrief_maker()(reasons=reasons("price.payment_terms")))
    assert pushed.json()["accepted"] == 1, pushed.text


@pytest.mark.parametrize(("wanted", "field"), [
    ({"kind": "add", "category": "price", "key": "price.too_high", "label": "Again",
      "applies_to": "loss"}, "key"),
    ({"kind": "add", "category": "nowhere", "key": "nowhere.x", "label": "X",
      "applies_to": "loss"}, "category"),
    ({"kind": "add", "category": "price", "key": "price.x", "label": "X",
      "applies_to": "loss", "keywords": ["Two words"]}, "keywords"),
    ({"kind": "rename", "key": "price.unknown", "label": "X"}, "key"),
    ({"kind": "rename", "key": "price.good_value", "label": "x" * 61}, "label"),
    ({"kind": "merge", "sources": ["price.good_value"], "into": "price.good_value"},
     "sources"),
    ({"kind": "add_detail", "code": "price.good_value", "key": "price.other.x",
      "label": "X"}, "key"),
])
def test_a_change_the_list_cannot_take_is_a_422_naming_the_field(store: Store, wanted,
                                                                  field):
    marketing = store.people("marketing")
    version = newest(marketing.api)["version"]
    answer = marketing.api.post("/api/v1/taxonomy/changes",
                                json={"based_on": version, "change": wanted})
    assert answer.status_code == 422, answer.text
    (problem,) = answer.json()["detail"]
    assert problem["loc"] == ["body", "change", field] and problem["msg"]
    assert newest(marketing.api)["version"] == version  # nothing changed


@pytest.mark.parametrize(("body", "where"), [
    ({"based_on": "x", "change": {"kind": "paint", "key": "price.too_high"}},
     ["body", "change"]),
    ({"based_on": "x", "change": {"kind": "retire"}}, ["body", "change", "retire", "key"]),
    ({"based_on": "x", "change": {"kind": "split", "source": "price.good_value",
                                  "parts": [{"key": "price.a", "label": "A"}]}},
     ["body", "change", "split", "parts"]),
    ({"change": {"kind": "retire", "key": "price.too_high"}}, ["body", "based_on"]),
])
def test_a_malformed_change_is_a_422_naming_the_field(store: Store, body, where):
    answer = store.people("marketing").api.post("/api/v1/taxonomy/changes", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"][:len(where)] == where


def test_a_change_to_a_version_never_made_names_based_on(store: Store):
    marketing = store.people("marketing").api
    answer = marketing.post("/api/v1/taxonomy/changes", json={
        "based_on": "banana", "change": {"kind": "retire", "key": "price.good_value"}})
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["body", "based_on"]
    assert "newest" in answer.json()["detail"][0]["msg"]


@pytest.mark.parametrize("header", ["W/{tag}", '"other", {tag}', "*"])
def test_the_config_is_unchanged_for_a_weak_a_listed_or_any_etag(store: Store, header):
    rep = store.people("rep")
    tag = rep.api.get("/api/v1/sync/config").headers["ETag"]
    again = rep.api.get("/api/v1/sync/config",
                        headers={"If-None-Match": header.format(tag=tag)})
    assert again.status_code == 304


def test_a_change_to_an_older_version_is_told_to_look_again(store: Store):
    marketing, other = store.people("marketing"), store.people("admin")
    version = newest(marketing.api)["version"]
    change(other.api, version, kind="rename", key="price.good_value", label="Fair price")
    late = marketing.api.post("/api/v1/taxonomy/changes", json={
        "based_on": version, "change": {"kind": "retire", "key": "price.good_value"}})
    assert late.status_code == 409, late.text
    assert late.json()["detail"][0]["loc"] == ["body", "based_on"]
    body = newest(marketing.api)
    assert not Taxonomy.from_dict(body["taxonomy"]).code("price.good_value").retired


def test_the_rollup_stays_exact_through_a_chain_of_merges_and_splits(store: Store):
    """Debriefs giving several of the codes at once, with details and main reasons, then
    merge, split, merge again: after each change the rollup the store kept is what
    counting every debrief again by the codes standing now gives."""
    import random

    rng = random.Random(7)
    team = store.people.team()
    reps = [store.people("rep", team=team) for _ in range(3)]
    maker = debrief_maker()
    pool = [("competitor.incumbent", None), ("competitor.cheaper", None),
            ("competitor.better_features", None), ("competitor.bundled", None)]
    for n in range(36):
        chosen = rng.sample(pool, rng.randint(1, 3))
        rng.shuffle(chosen)
        wire_reasons = [{"code": code, "detail": detail, "evidence": "my_read",
                         "primary": i == 0} for i, (code, detail) in enumerate(chosen)]
        pushed = reps[n % 3].api.push(maker(reasons=wire_reasons,
                                            **made_in(f"2023-0{1 + n % 4}", day=1 + n % 20)))
        assert pushed.json()["accepted"] == 1, pushed.text
    marketing = store.people("marketing").api
    changes = [
        {"kind": "merge", "sources": ["competitor.cheaper", "competitor.bundled"],
         "into": "competitor.incumbent"},
        {"kind": "split", "source": "competitor.incumbent",
         "parts": [{"key": "competitor.stayed", "label": "They stayed with the incumbent"},
                   {"key": "competitor.renewed", "label": "The incumbent renewed cheap"}]},
        {"kind": "merge", "sources": ["competitor.stayed"],
         "into": "competitor.better_features"},
    ]
    for wanted in changes:
        made = change(marketing, newest(marketing)["version"], **wanted)
        codes = CodeMap.of(Taxonomy.from_dict(made["taxonomy"]))
        rollup_is_exact(store.engine, codes)
    # Every old debrief now counts under the one code standing for all four: at most
    # once each, whichever of them it gave.
    assert {codes.current(code) for code, _ in pool} == {"competitor.better_features"}
