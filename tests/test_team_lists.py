"""The team's lists are one value, TeamLists, and one document form, ListDocuments."""

from __future__ import annotations

import ast
import json
from dataclasses import asdict
from pathlib import Path

from sync.domain.team_lists import ListDocuments, TeamLists
from sync.resources import default_contest_rules, default_segments, default_taxonomy

REPO = Path(__file__).resolve().parents[1]


def test_the_shipped_documents_are_the_shipped_lists():
    lists = ListDocuments.shipped().lists
    assert isinstance(lists, TeamLists)
    assert lists.taxonomy.version == default_taxonomy().version
    assert lists.segments == default_segments()
    assert lists.contest == default_contest_rules()


def test_documents_survive_being_kept_as_json():
    documents = ListDocuments.shipped()
    kept = ListDocuments(**json.loads(json.dumps(
        {k: v for k, v in asdict(documents).items()})))
    assert kept.lists.taxonomy.version == documents.lists.taxonomy.version
    assert kept.lists.contest == documents.lists.contest


def test_no_module_keeps_a_type_of_its_own_for_the_lists():
    """Before: debriefs.Rules, ingest.Rules, StoreConfig and PulledConfig, and FormContext
    copying three fields, all kept in step by hand."""
    own = []
    for path in [*(REPO / "desktop").rglob("*.py"), *(REPO / "sync").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.name in (
                    "Rules", "StoreConfig", "PulledConfig"):
                own.append(f"{path.relative_to(REPO)}: {node.name}")
    assert own == []
    from desktop.ui.capture_form import FormContext

    assert [f for f in FormContext.__dataclass_fields__ if f in (
        "taxonomy", "segments", "contest")] == []
