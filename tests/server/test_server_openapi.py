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
