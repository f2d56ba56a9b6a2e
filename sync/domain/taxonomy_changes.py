"""Changes marketing makes to the reason taxonomy, each one a new version of its document.

Add, rename and retire codes and their details; merge several codes into one; split one
into several. Codes are retired, never deleted, so every debrief ever saved stays
readable. A merge or a split writes a mapping from each old code to its new ones: a
debrief keeps the codes it was saved with, and insights read it by the codes standing
now (`current_codes`), so a line of a trend goes on across the change.

A split names which new code the old debriefs go to (the first of its mapping's `to`):
counting an old debrief under every new code would count it twice, and nobody knows
which of them it was. The others start at the split.

Each change takes the document (resources/taxonomy/default.json's format) and gives a
new one, checked by `Taxonomy.from_dict`; none changes the one it is given.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from sync.domain.debrief import Polarity
from sync.domain.taxonomy import Taxonomy, TaxonomyError
from sync.domain.text import has_control_characters

Document = dict[str, Any]
# As resources/taxonomy/taxonomy.schema.json has them: "<category>.<snake_case>".
_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_DETAIL_KEY = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*){2}")
_KEYWORD = re.compile("[0-9a-z\u00df-\u00f6\u00f8-\u00ff]+")
LABEL_MAX = 60
_OUTCOMES = {"win": "won deals", "loss": "lost deals", "both": "any outcome"}
KEYWORDS_MAX = 12


class ChangeError(ValueError):
    """A change the taxonomy cannot take; `field` names what is wrong."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


CHANGES = ("add", "rename", "retire", "add_detail", "rename_detail", "retire_detail",
           "merge", "split")


def apply(document: Document, change: dict[str, Any]) -> Document:
    """The change `change` describes ({"kind": one of CHANGES, and its fields, as the
    server's route takes them}), made to `document`."""
    kind = change.get("kind")
    try:
        if kind == "add":
            return add_code(document, change["category"], change["key"], change["label"],
                            Polarity(change["applies_to"]), change.get("keywords") or ())
        if kind == "rename":
            return rename_code(document, change["key"], change["label"])
        if kind == "retire":
            return retire_code(document, change["key"])
        if kind == "add_detail":
            return add_detail(document, change["code"], change["key"], change["label"])
        if kind == "rename_detail":
            return rename_detail(document, change["key"], change["label"])
        if kind == "retire_detail":
            return retire_detail(document, change["key"])
        if kind == "merge":
            return merge_codes(document, change["sources"], change["into"])
        if kind == "split":
            return split_code(document, change["source"],
                              [(part["key"], part["label"]) for part in change["parts"]])
    except KeyError as missing:
        raise ChangeError(str(missing.args[0]), "missing") from None
    except ValueError as error:
        if isinstance(error, ChangeError):
            raise
        raise ChangeError("applies_to", "win, loss or both") from None
    raise ChangeError("kind", f"one of {', '.join(CHANGES)}")


def suggested_key(prefix: str, label: str, taken: Iterable[str] = ()) -> str:
    """A key for a new code (`prefix` its category's key) or detail (`prefix` its
    code's key) from its label: "Payment terms" -> "price.payment_terms"; a number is
    added if that one is taken. Empty when the label has no letter or digit to use."""
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", plain.lower())
    if not words:
        return ""
    if words[0][0].isdigit():
        words.insert(0, "n")
    stem = "_".join(words)[:40].rstrip("_")
    taken = set(taken)
    key, n = f"{prefix}.{stem}", 2
    while key in taken:
        key, n = f"{prefix}.{stem}_{n}", n + 1
    return key


def next_version(version: str) -> str:
    """The version after `version`: its last number one higher ("2026.1" -> "2026.2"),
    or ".1" added when it ends in no number."""
    head, _, last = version.rpartition(".")
    if last.isdigit():
        return f"{head}.{int(last) + 1}" if head else str(int(last) + 1)
    return f"{version}.1"


def current_codes(codes: Iterable[str], taxonomy: Taxonomy) -> tuple[str, ...]:
    """A debrief's reason codes as the taxonomy stands now, each once, in order: a
    merged or split code by where its debriefs went (`Taxonomy.current_code`)."""
    seen: dict[str, None] = {}
    for code in codes:
        seen.setdefault(taxonomy.current_code(code), None)
    return tuple(seen)


def add_code(document: Document, category: str, key: str, label: str,
             applies_to: Polarity, keywords: Sequence[str] = ()) -> Document:
    new = _next(document)
    _category(new, category)["codes"].append(_code(new, category, key, label, applies_to,
                                                   keywords))
    return _checked(new)


def rename_code(document: Document, key: str, label: str) -> Document:
    new = _next(document)
    _find(new, key)["label"] = _label(label, _live_codes(new, but=key))
    return _checked(new)


def retire_code(document: Document, key: str) -> Document:
    new = _next(document)
    code = _find(new, key)
    if code.get("retired"):
        raise ChangeError("key", f"{key} is retired already")
    code["retired"] = True
    return _checked(new)


def add_detail(document: Document, code: str, key: str, label: str) -> Document:
    """A detail under `code`, keyed "<code>.<snake_case>"."""
    new = _next(document)
    parent = _find(new, code, "code")
    if parent.get("retired"):
        raise ChangeError("code", f"{code} is retired")
    if not _DETAIL_KEY.fullmatch(key) or key.rpartition(".")[0] != code:
        raise ChangeError("key", f"{key!r}: the code's key, a dot, then lower-case words "
                                 f"joined by _ ({code}.new_detail)")
    if any(detail["key"] == key for detail in parent.get("details", ())):
        raise ChangeError("key", f"{key} is taken (details are retired, never reused)")
    parent.setdefault("details", []).append(
        {"key": key, "label": _label(label, _live_details(parent))})
    return _checked(new)


def rename_detail(document: Document, key: str, label: str) -> Document:
    new = _next(document)
    detail = _find_detail(new, key)
    parent = next(code for code in _codes(new) if detail in code.get("details", ()))
    detail["label"] = _label(label, _live_details(parent, but=key))
    return _checked(new)


def retire_detail(document: Document, key: str) -> Document:
    """Hidden from new debriefs; old ones still read it."""
    new = _next(document)
    detail = _find_detail(new, key)
    if detail.get("retired"):
        raise ChangeError("key", f"{key} is retired already")
    detail["retired"] = True
    return _checked(new)


def merge_codes(document: Document, sources: Sequence[str], into: str) -> Document:
    """Retire `sources`; their debriefs count under `into` from now on, in every period.
    `into` must be for the outcomes each source is for ("both" takes either): a reason
    deals are lost never counts as a reason they are won."""
    if not sources or into in sources or len(set(sources)) < len(sources):
        raise ChangeError("sources", "name one or more other codes, each once")
    new = _next(document)
    target = _find(new, into, "into")
    if target.get("retired"):
        raise ChangeError("into", f"{into} is retired")
    for source in sources:
        code = _find(new, source, "sources")
        if code.get("retired"):
            raise ChangeError("sources", f"{source} is retired already")
        if target["applies_to"] not in ("both", code["applies_to"]):
            raise ChangeError("into", f"{into} is a reason for {_OUTCOMES[target['applies_to']]}"
                                      f" and {source} for {_OUTCOMES[code['applies_to']]}: "
                                      f"merge into a code for the same outcomes")
        code["retired"] = True
        _map(new, source, [into])
    return _checked(new)


def split_code(document: Document, source: str, parts: Sequence[tuple[str, str]]) -> Document:
    """Retire `source` and add `parts` (key, label) in its category, for the same
    outcomes; its debriefs go to the first part (see the module's docstring)."""
    if len(parts) < 2:
        raise ChangeError("parts", "a split makes two codes or more")
    if len({key for key, _ in parts}) < len(parts):
        raise ChangeError("parts", "give each part a key of its own")
    if len({label.strip().casefold() for _, label in parts}) < len(parts):
        raise ChangeError("parts", "give each part a label of its own")
    new = _next(document)
    code = _find(new, source, "source")
    if code.get("retired"):
        raise ChangeError("source", f"{source} is retired already")
    category = next(c for c in new["categories"] if code in c["codes"])
    for key, label in parts:
        category["codes"].append(_code(new, category["key"], key, label,
                                       Polarity(code["applies_to"]), code.get("keywords", ())))
    code["retired"] = True
    _map(new, source, [key for key, _ in parts])
    return _checked(new)


# --- the document -----------------------------------------------------------------------


def with_other(document: Document, shipped: Document) -> Document | None:
    """`document` as its next version with the shipped list's categories holding a code
    that asks for words ("Other") added, or None if it has a code that asks for words
    already (or the shipped list has none)."""
    if any(code.get("asks_for_words") for code in _codes(document)):
        return None
    wanted = [category for category in shipped["categories"]
              if any(code.get("asks_for_words") for code in category["codes"])]
    if not wanted:
        return None
    taken = {category["key"] for category in document["categories"]}
    if any(category["key"] in taken for category in wanted):
        return None  # a category of the same key would need a merge no one asked for
    new = _next(document)
    new["categories"].extend(copy.deepcopy(wanted))
    return _checked(new)


def _next(document: Document) -> Document:
    new = copy.deepcopy(document)
    new["version"] = next_version(str(document["version"]))
    new.setdefault("mappings", [])
    return new


def _checked(document: Document) -> Document:
    try:
        Taxonomy.from_dict(document)
    except TaxonomyError as error:
        raise ChangeError("taxonomy", str(error)) from None
    return document


def _codes(document: Document) -> Iterable[dict[str, Any]]:
    return (code for category in document["categories"] for code in category["codes"])


def _find(document: Document, key: str, field: str = "key") -> dict[str, Any]:
    found = next((code for code in _codes(document) if code["key"] == key), None)
    if found is None:
        raise ChangeError(field, f"there is no code {key}")
    return found


def _live_codes(document: Document, but: str | None = None) -> list[str]:
    """The labels reps pick from (every code but `but` and the retired ones)."""
    return [code["label"] for code in _codes(document)
            if code["key"] != but and not code.get("retired")]


def _live_details(code: dict[str, Any], but: str | None = None) -> list[str]:
    return [detail["label"] for detail in code.get("details", ())
            if detail["key"] != but and not detail.get("retired")]


def _find_detail(document: Document, key: str) -> dict[str, Any]:
    code = next((code for code in _codes(document)
                 if key.startswith(code["key"] + ".")), None)
    found = next((d for d in (code or {}).get("details", ()) if d["key"] == key), None)
    if found is None:
        raise ChangeError("key", f"there is no detail {key}")
    return found


def _category(document: Document, key: str) -> dict[str, Any]:
    found = next((c for c in document["categories"] if c["key"] == key), None)
    if found is None:
        raise ChangeError("category", f"there is no category {key}")
    return found


def _label(label: str, others: Iterable[str] = ()) -> str:
    """`label` trimmed, checked: 1 to LABEL_MAX characters on one line, and none of
    `others` (the labels reps see beside it) the same but for case."""
    label = label.strip()
    if not label or len(label) > LABEL_MAX:
        raise ChangeError("label", f"a label of 1 to {LABEL_MAX} characters")
    if has_control_characters(label, multiline=False):
        raise ChangeError("label", "a label on one line, without control characters")
    if label.casefold() in {other.casefold() for other in others}:
        raise ChangeError("label", f"{label!r} is taken: reps could not tell the two apart")
    return label


def _code(document: Document, category: str, key: str, label: str,
          applies_to: Polarity, keywords: Iterable[str]) -> dict[str, Any]:
    if not _KEY.fullmatch(key) or key.partition(".")[0] != category:
        raise ChangeError("key", f"{key!r}: the category's key, a dot, then lower-case "
                                 f"words joined by _ ({category}.new_reason)")
    if any(code["key"] == key for code in _codes(document)):
        raise ChangeError("key", f"{key} is taken (codes are retired, never reused)")
    code: dict[str, Any] = {"key": key, "label": _label(label, _live_codes(document)),
                            "applies_to": applies_to.value}
    if keywords := list(keywords):  # the schema has no empty list of them
        code["keywords"] = _keywords(keywords)
    return code


def _keywords(keywords: list[str]) -> list[str]:
    """As the schema has them: up to 12 different lower-case words the type-ahead
    matches (no spaces or punctuation), each at most 40 letters."""
    if len(keywords) > KEYWORDS_MAX or len(set(keywords)) < len(keywords):
        raise ChangeError("keywords", f"up to {KEYWORDS_MAX} different words")
    for word in keywords:
        if not isinstance(word, str) or not _KEYWORD.fullmatch(word) or len(word) > 40:
            raise ChangeError("keywords", f"{word!r}: one lower-case word of at most 40 "
                                          f"letters or digits")
    return keywords


def _map(document: Document, source: str, to: list[str]) -> None:
    document["mappings"] = [m for m in document["mappings"] if m["from"] != source]
    document["mappings"].append({"from": source, "to": to, "version": document["version"]})
