"""JSON: the question and how it was counted, then the rows as objects, written a row
at a time. docs/exports/reason-counts.schema.json describes it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from sync.exports.tidy import Heading, Line


def chunks(rows: Iterable[Line], about: Heading) -> Iterator[bytes]:
    head = json.dumps(about.as_dict(), ensure_ascii=False)
    yield (head[:-1] + ', "rows": [').encode("utf-8")
    columns = about.columns
    first = True
    for row in rows:
        text = json.dumps(dict(zip(columns, row.cells(), strict=True)), ensure_ascii=False)
        yield (("\n" if first else ",\n") + text).encode("utf-8")
        first = False
    yield b"\n]}\n"
