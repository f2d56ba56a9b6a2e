"""The OpenAPI document kept in docs/ is the one the server serves."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from sync.server.api.openapi import render

KEPT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def test_the_kept_document_is_current() -> None:
    assert KEPT.read_text(encoding="utf-8") == render(), (
        "docs/openapi.json is stale: run `python -m sync.server.api.openapi "
        "docs/openapi.json`")


def test_the_server_serves_the_same_document(server) -> None:
    served = requests.get(f"{server.base_url}/api/v1/openapi.json", timeout=10).json()
    assert served == json.loads(KEPT.read_text(encoding="utf-8"))


def test_every_input_schema_forbids_unknown_fields() -> None:
    schemas = json.loads(KEPT.read_text(encoding="utf-8"))["components"]["schemas"]
    inputs = [name for name in schemas if name.endswith("In")]
    assert inputs
    for name in inputs:
        assert schemas[name].get("additionalProperties") is False, name


def test_a_method_not_served_is_a_405_listing_every_method_of_the_path(server) -> None:
    """Allow names all the methods served at the path (RFC 9110), as the document lists
    them, not only those of the first route that matched."""
    paths = json.loads(KEPT.read_text(encoding="utf-8"))["paths"]
    for path, operations in paths.items():
        served = {method.upper() for method in operations}
        url = f"{server.base_url}{path.replace('{contest_id}', '1')}"
        for method in {"GET", "POST", "PUT", "PATCH", "DELETE"} - served:
            answer = requests.request(method, url, timeout=10)
            assert answer.status_code == 405, (method, path)
            assert set(answer.headers["Allow"].split(", ")) == served, (method, path)
    assert requests.put(f"{server.base_url}/api/v1/contests",
                        timeout=10).headers["Allow"] == "GET, POST"
    # A route outside the document (FastAPI's own) answers HEAD as well.
    answer = requests.post(f"{server.base_url}/api/v1/openapi.json", timeout=10)
    assert (answer.status_code, answer.headers["Allow"]) == (405, "GET, HEAD")
