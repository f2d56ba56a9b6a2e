"""Exports of reason counts: a fixture worked out by hand gives the same numbers
through the insights route, the HTTP exports and `debrief-server export` in every
format, read back by independent readers (csv, openpyxl, json); text that a
spreadsheet would run comes out inert; nothing half-written is left behind."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from helpers.insight_world import (
    BY_COMPETITOR,
    BY_COMPETITOR_LEFT_OUT,
    BY_OUTCOME,
    hand_fixture,
    made_in,
    own_month,
)
from helpers.server_world import People

from sync.domain.team_lists import ListDocuments
from sync.exports import writers
from sync.server import cli

TAXONOMY = ListDocuments.shipped().lists.taxonomy
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "exports"
                     / "reason-counts.schema.json").read_text(encoding="utf-8"))
PAYLOAD = "=HYPERLINK(\"http://evil.example\",\"x\")"


def route(api, month: str, **params) -> dict:
    answer = api.get("/api/v1/insights/reasons", params={"from": month, "to": month,
                                                          **params})
    assert answer.status_code == 200, answer.text
    return answer.json()


def shown(body: dict) -> dict:
    return {g["value"]: (g["debriefs"], {c["code"]: (c["debriefs"], c["share"])
                                         for c in g["reasons"]}) for g in body["groups"]}


def from_rows(rows: list[dict], dimension: str) -> dict:
    """The reason counts of exported rows, as `shown` gives them (groups with a shown
    reason only: a row is a reason)."""
    found: dict = {}
    for row in rows:
        value = row[dimension] or None
        _, cited = found.setdefault(value, (int(row["group_debriefs"]), {}))
        cited[row["reason_code"]] = (int(row["debriefs"]), float(row["share"]))
    return found


def test_the_route_gives_the_hand_worked_answer(people: People, new_debrief):
    month = hand_fixture(people, new_debrief)
    marketing = people("marketing").api
    body = route(marketing, month, by="competitor")
    assert shown(body) == BY_COMPETITOR and body["left_out"] == BY_COMPETITOR_LEFT_OUT
    assert shown(route(marketing, month, by="outcome")) == BY_OUTCOME
    assert shown(route(marketing, month, by="outcome", primary_only="true")) == {
        "lost": (12, {}), "won": (7, {"price.good_value": (7, 1.0)})}


def export_with_cli(people: People, tmp_path: Path, month: str, kind: str,
                    *more: str) -> Path:
    output = tmp_path / f"export-{kind}{'.xlsx' if kind == 'xlsx' else '.out'}"
    code = cli.main(["export", "--db", people.server.db_url, "--data-dir", str(tmp_path),
                     "--format", kind, "--from", month, "--to", month, "--output",
                     str(output), *more])
    assert code == 0
    return output


def read_back(path: Path, kind: str) -> list[dict]:
    data = path.read_bytes()
    if kind in ("csv", "csv-excel"):
        assert data.startswith(b"\xef\xbb\xbf") == (kind == "csv-excel")
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    if kind == "json":
        document = json.loads(data)
        jsonschema.validate(document, SCHEMA)
        return document["rows"]
    book = openpyxl.load_workbook(path)
    sheet = book["Reasons"]
    header = [cell.value for cell in sheet[1]]
    return [dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("kind", ["csv", "csv-excel", "xlsx", "json"])
def test_the_cli_writes_the_same_numbers_in_every_format(people: People, new_debrief,
                                                         tmp_path: Path, kind: str):
    month = hand_fixture(people, new_debrief)
    rows = read_back(export_with_cli(people, tmp_path, month, kind, "--by", "competitor"),
                     kind)
    assert from_rows(rows, "competitor") == BY_COMPETITOR
    assert {row["period"] for row in rows} == {month}
    good_value = TAXONOMY.code("price.good_value")
    assert [(row["reason_label"], row["reason_category_label"]) for row in rows] == [
        (good_value.label, good_value.category_label)]
    by_outcome = export_with_cli(people, tmp_path, month, kind, "--by", "outcome")
    assert from_rows(read_back(by_outcome, kind), "outcome") == BY_OUTCOME


def test_xlsx_is_typed_frozen_filtered_and_says_what_it_holds(people: People, new_debrief,
                                                             tmp_path: Path):
    month = hand_fixture(people, new_debrief)
    path = export_with_cli(people, tmp_path, month, "xlsx", "--by", "outcome",
                           "--primary-only")
    book = openpyxl.load_workbook(path)
    sheet = book["Reasons"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:I2"
    [row] = list(sheet.iter_rows(min_row=2))
    values = {name.value: cell for name, cell in zip(sheet[1], row, strict=True)}
    assert values["debriefs"].data_type == "n" and values["share"].value == 1.0
    assert values["reason_code"].data_type == "s"
    about = {line[0]: line[1] for line in book["About"].iter_rows(values_only=True)}
    assert about["taxonomy_version"] and about["counted"] == "main reason only"
    assert json.loads(about["filters"])["from"] == month


def test_a_formula_in_a_competitor_name_comes_out_inert(people: People, new_debrief,
                                                       tmp_path: Path):
    month = own_month()
    for rep in (people("rep"), people("rep")):
        rep.api.push(*[new_debrief(competitor=PAYLOAD, **made_in(month)) for _ in range(3)])
    plain = read_back(export_with_cli(people, tmp_path, month, "csv", "--by", "competitor"),
                      "csv")
    assert {row["competitor"] for row in plain} == {"'" + PAYLOAD}
    book = openpyxl.load_workbook(export_with_cli(people, tmp_path, month, "xlsx", "--by",
                                                  "competitor"))
    cells = [row[1] for row in book["Reasons"].iter_rows(min_row=2)]
    assert cells and all(cell.data_type == "s" and cell.value == PAYLOAD for cell in cells)
    rows = read_back(export_with_cli(people, tmp_path, month, "json", "--by", "competitor"),
                     "json")
    assert {row["competitor"] for row in rows} == {PAYLOAD}  # JSON is data, not a sheet


def test_the_http_exports_stream_what_the_cli_writes(people: People, new_debrief,
                                                     tmp_path: Path):
    month = hand_fixture(people, new_debrief)
    marketing = people("marketing").api
    params = {"from": month, "to": month, "by": "competitor"}
    for kind, read_as in (("csv", "csv"), ("json", "json"), ("xlsx", "xlsx")):
        answer = marketing.get(f"/api/v1/exports/reasons.{kind}", params=params)
        assert answer.status_code == 200, answer.text
        assert f'.{kind}"' in answer.headers["content-disposition"]
        path = tmp_path / f"http.{kind}"
        path.write_bytes(answer.content)
        assert from_rows(read_back(path, read_as), "competitor") == BY_COMPETITOR
    excel = marketing.get("/api/v1/exports/reasons.csv", params={**params, "dialect": "excel"})
    assert excel.content.startswith(b"\xef\xbb\xbf")
    for role in ("rep", "manager"):
        assert people(role).api.get("/api/v1/exports/reasons.csv",
                                    params=params).status_code == 403


def test_bad_export_questions_are_a_422_naming_the_field(people: People):
    marketing = people("marketing").api
    for params, name in (({"by": "rep"}, "by"), ({"by": ["industry", "region"]}, "by"),
                         ({"period": "week"}, "period"),
                         ({"from": "2026-06", "to": "2026-01"}, "to"),
                         ({"region": "x" * 10_000}, "region"),
                         ({"until": "2026-01-01T00:00:00Z"}, "until")):
        answer = marketing.get("/api/v1/exports/reasons.csv", params=params)
        assert answer.status_code == 422, params
        assert answer.json()["detail"][0]["loc"][:2] == ["query", name], params


def test_an_export_stopped_half_way_leaves_nothing_behind(people: People, new_debrief,
                                                          tmp_path: Path, monkeypatch):
    month = hand_fixture(people, new_debrief)
    output = tmp_path / "stopped.csv"
    output.write_text("the export from last week\n")

    def stopped(kind, out, table, about):  # type: ignore[no-untyped-def]
        out.write(b"period,outcome\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(writers, "write", stopped)  # as export_command calls it
    with pytest.raises(KeyboardInterrupt):
        cli.main(["export", "--db", people.server.db_url, "--data-dir", str(tmp_path),
                  "--format", "csv", "--from", month, "--to", month, "--output", str(output)])
    assert output.read_text() == "the export from last week\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stopped.csv"]


def test_cli_refuses_what_it_cannot_count_and_writes_nothing(people: People, tmp_path: Path,
                                                            capsys):
    output = tmp_path / "never.csv"
    for more, said in ((["--by", "industry", "--by", "region"], "--by"),
                       (["--industry", "software", "--region", "dach"], "one of"),
                       (["--from", "June"], "--from"),
                       (["--outcome", "maybe"], "--outcome")):
        code = cli.main(["export", "--db", people.server.db_url, "--data-dir", str(tmp_path),
                         "--format", "csv", "--output", str(output), *more])
        assert code == cli.EXIT_REFUSED, more
        assert said in capsys.readouterr().err, more
    assert not output.exists()
