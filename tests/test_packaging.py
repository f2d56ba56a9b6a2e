"""Packaging: the wheel and its extras, and the frozen app that `make package` builds.

The bundle is built once for this file from pyinstaller.spec into a temporary folder
(about 15 s) and then run as a rep runs it: `--version`, `--smoke-test`, and a start
over a data dir left by the first schema, found where every earlier version put it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from contextlib import closing
from pathlib import Path

import pytest
from helpers.no_qt import NO_QT

from desktop import __version__
from desktop.store.database import connect
from desktop.store.drafts import DraftStore
from desktop.store.migrations import SCHEMA_VERSION
from sync.domain.clock import SystemClock

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "fixtures" / "schema-1.sqlite"
BUILD_TIMEOUT_S = 900
RUN_TIMEOUT_S = 120

pytestmark = pytest.mark.slow


def _run(command: list[str], env: dict[str, str] | None = None,
         timeout: float = RUN_TIMEOUT_S) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout,
                          check=False)


def _app_env(**extra: str) -> dict[str, str]:
    """The environment a rep's session gives the app: offscreen here, no data dir set."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBRIEF_DATA_DIR", "PYTHONPATH", "PYTHONHOME")}
    return env | {"QT_QPA_PLATFORM": "offscreen"} | extra


# -- the wheel and its extras ----------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir",
                  str(out), str(REPO)], timeout=BUILD_TIMEOUT_S)
    assert built.returncode == 0, built.stderr[-3000:]
    (found,) = out.glob("debrief-*.whl")
    return found


def test_the_wheel_holds_every_module_and_every_shipped_resource(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(REPO).as_posix() for package in ("desktop", "sync")
               for p in (REPO / package).rglob("*.py") if "__pycache__" not in p.parts}
    resources = {"debrief_resources/" + p.relative_to(REPO / "resources").as_posix()
                 for p in (REPO / "resources").rglob("*") if p.is_file()}
    assert modules - names == set()
    assert resources - names == set()
    assert "sync/server/migrations/script.py.mako" in names


def _resolved(wheel: Path, extra: str, report: Path) -> set[str]:
    """The distributions `pip install 'debrief[extra]'` would install, by name."""
    resolved = _run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
                     "--quiet", "--report", str(report), f"{wheel}[{extra}]"],
                    timeout=BUILD_TIMEOUT_S)
    assert resolved.returncode == 0, resolved.stderr[-3000:]
    installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    return {item["metadata"]["name"].lower().replace("_", "-") for item in installs}


def test_the_server_extra_installs_no_qt(wheel: Path, tmp_path: Path):
    server = _resolved(wheel, "server", tmp_path / "server.json")
    assert {"fastapi", "uvicorn", "sqlalchemy", "alembic", "psycopg"} <= server
    assert {name for name in server if name.startswith(("pyside6", "shiboken6"))} == set()


def test_the_app_extra_brings_qt_and_leaves_the_server_out(wheel: Path, tmp_path: Path):
    app = _resolved(wheel, "app", tmp_path / "app.json")
    assert {"pyside6-essentials", "sqlite-utils", "keyring", "requests"} <= app
    assert {"fastapi", "uvicorn", "sqlalchemy", "alembic"} & app == set()


# The wheel's own files, with Qt made unimportable: what a server without Qt runs.
_FROM_THE_WHEEL = NO_QT + """
import json
# This child runs from the unpacked wheel (argv[1]), as from site-packages.
sys.path.insert(0, sys.argv[1])
from sync.resources import default_taxonomy, resources_dir
from sync.server.cli import main as server
from desktop.cli import main as app
migrated = server(["migrate", "--data-dir", sys.argv[2]])
refused = app(["--smoke-test"])
import sync
print(json.dumps({"sync": sync.__file__, "resources": str(resources_dir()),
                  "codes": len(default_taxonomy().codes), "migrated": migrated,
                  "app": refused}))
"""


def test_the_central_store_runs_from_the_wheel_without_qt(wheel: Path, tmp_path: Path):
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    result = _run([sys.executable, "-c", _FROM_THE_WHEEL, str(unpacked), str(tmp_path / "srv")],
                  env=_app_env())
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert Path(outcome["sync"]).is_relative_to(unpacked)
    assert Path(outcome["resources"]) == unpacked / "debrief_resources"
    assert outcome["codes"] >= 40
    assert outcome["migrated"] == 0
    assert (tmp_path / "srv" / "central.sqlite").is_file()
    # The app's command says what to install instead of failing on an import.
    assert outcome["app"] == 2
    assert "needs PySide6" in result.stderr
    assert "[app]'" in result.stderr


# -- the frozen app --------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app as `make package` builds it; the path of its executable."""
    root = tmp_path_factory.mktemp("bundle")
    built = _run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                  "--distpath", str(root / "dist"), "--workpath", str(root / "work"),
                  str(REPO / "pyinstaller.spec")], timeout=BUILD_TIMEOUT_S)
    assert built.returncode == 0, built.stderr[-3000:]
    executable = root / "dist" / "debrief" / ("debrief.exe" if os.name == "nt" else "debrief")
    assert executable.is_file()
    return executable


def test_the_bundle_says_its_version(bundle: Path):
    result = _run([str(bundle), "--version"], env=_app_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Debrief {__version__}"


def test_the_bundle_passes_the_smoke_test(bundle: Path):
    result = _run([str(bundle), "--smoke-test"], env=_app_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test passed" in result.stdout
    assert "has what syncing needs" in result.stdout


ONE_MESSAGE_CATALOGUE = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS><TS version="2.1" language="de"><context><name></name>
<message><source>Won</source><translation>Gewonnen</translation></message>
</context></TS>
"""


def test_the_bundle_speaks_a_language_dropped_into_its_translations(bundle: Path,
                                                                    tmp_path: Path):
    """A debrief_de.qm in the bundle's resources/translations is found, and Qt's own
    German with it (the bundle keeps Qt's qtbase catalogues)."""
    from desktop.ui.translation_catalogue import compile_catalogues

    ts_file = tmp_path / "debrief_de.ts"
    ts_file.write_text(ONE_MESSAGE_CATALOGUE, encoding="utf-8")
    (qm_file,) = compile_catalogues([ts_file])
    dropped = bundle.parent / "_internal" / "resources" / "translations" / qm_file.name
    shutil.copy(qm_file, dropped)
    try:
        result = _run([str(bundle), "--smoke-test"], env=_app_env(LC_ALL="de_DE.UTF-8"))
    finally:
        dropped.unlink()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "language de_DE: qtbase_de.qm, debrief_de.qm" in result.stdout


def test_the_bundle_ships_the_resources_and_leaves_out_what_the_app_does_not_use(
        bundle: Path):
    inside = bundle.parent / "_internal"
    files = [p.relative_to(inside).as_posix() for p in inside.rglob("*") if p.is_file()]
    assert (inside / "resources" / "taxonomy" / "default.json").is_file()
    assert (inside / "resources" / "styles" / "debrief.qss").is_file()
    for unused in ("fastapi", "sqlalchemy", "uvicorn", "psycopg", "QtNetwork", "WebEngine",
                   "QtQml", "QtQuick", "plugins/platforms/libqvnc", "pytest"):
        assert [name for name in files if unused in name] == [], unused
    qt_translations = [Path(name).name for name in files if "/translations/" in name
                       and "PySide6" in name]
    assert "qtbase_de.qm" in qt_translations
    assert [name for name in qt_translations if not name.startswith("qtbase_")] == []


def _default_data_dir(env: dict[str, str]) -> Path:
    """Where the source app keeps its data under `env`: where earlier versions put it."""
    result = _run([sys.executable, "-c",
                   "from desktop.paths import AppPaths; print(AppPaths.resolve().data_dir)"],
                  env=env)
    assert result.returncode == 0, result.stderr
    return Path(result.stdout.strip())


def test_the_bundle_takes_over_a_data_dir_from_the_first_schema(bundle: Path, tmp_path: Path):
    """An upgrade: the new bundle finds the rep's data where the old version kept it,
    migrates it on its first start, and every debrief and the draft are still there."""
    env = _app_env(HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
                   APPDATA=str(tmp_path / "roaming"), LOCALAPPDATA=str(tmp_path / "local"))
    data_dir = _default_data_dir(env)
    assert data_dir.is_relative_to(tmp_path)
    data_dir.mkdir(parents=True)
    shutil.copyfile(FIXTURE, data_dir / "debrief.sqlite")
    expected = json.loads(FIXTURE.with_suffix(".json").read_text(encoding="utf-8"))

    result = _run([str(bundle), "--quit-after-paint"], env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "painted"
    with closing(connect(data_dir / "debrief.sqlite")) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        stored = dict(conn.execute("SELECT id, revision FROM debrief").fetchall())
        assert stored == {d["id"]: d["revision"] for d in expected["debriefs"]}
        drafts = DraftStore(conn, SystemClock())
        assert {slot for slot in expected["drafts"] if drafts.get(slot)} == set(
            expected["drafts"])
    assert (data_dir / "logs" / "debrief.log").is_file()
