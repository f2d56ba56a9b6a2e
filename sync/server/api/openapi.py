"""The API's OpenAPI document, as served at /api/v1/openapi.json.

`python -m sync.server.api.openapi > docs/openapi.json` writes the copy kept in the
repository (a test keeps the two the same), for client authors and API fuzzers.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any


def document() -> dict[str, Any]:
    """Built from the app factory on a throwaway in-memory database."""
    from argon2 import PasswordHasher

    from sync.server.api.app import create_app
    from sync.server.database import make_engine
    from sync.server.passwords import Passwords
    from sync.server.settings import ServerSettings

    with tempfile.TemporaryDirectory(prefix="debrief-openapi-") as folder:
        settings = ServerSettings.resolve(data_dir=folder, db_url="sqlite://")
        engine = make_engine(settings.db_url)
        try:
            cheap = Passwords.with_hasher(PasswordHasher(time_cost=1, memory_cost=8,
                                                         parallelism=1))
            return create_app(settings, engine=engine, passwords=cheap).openapi()
        finally:
            engine.dispose()


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if len(argv) > 1:
        Path(argv[1]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
