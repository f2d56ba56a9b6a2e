"""Translation catalogues: made from the sources, checked, compiled (`make translations`).

A translation starts as `resources/translations/debrief_<lang>.ts`, made and kept up to
date from the sources by `python -m desktop.ui.translation_catalogue update <lang>`
(`make translations FOR=de`), edited in Qt Linguist (`pyside6-linguist`), and compiled
to the .qm the app loads by `python -m desktop.ui.translation_catalogue compile` (`make
translations`), which refuses a catalogue whose placeholders would break the app.
lupdate and lrelease are the ones PySide6 ships. The app itself only loads catalogues
(desktop.ui.translations), so none of this is imported at start-up.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from string import Formatter
from xml.etree import ElementTree

from desktop.ui.translations import CATALOGUE

# Where user-visible text lives: the app and what it shows of the domain and the sync
# client. The central store answers API clients in English and is left out.
SOURCE_FOLDERS = ("desktop", "sync/domain", "sync/client")


def _tool(name: str) -> str:
    """pyside6-lupdate or pyside6-lrelease: beside this Python first, then on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} was not found: it comes with PySide6 (pip install pyside6)")
    return found


def source_files(root: Path) -> list[Path]:
    return sorted(path for folder in SOURCE_FOLDERS for path in (root / folder).rglob("*.py")
                  if "__pycache__" not in path.parts)


def update(ts_file: Path, root: Path, language: str | None = None) -> None:
    """Create or refresh `ts_file` (for `language`, e.g. "de") from the sources under
    `root`: new texts are added, texts gone from the code dropped, translations kept."""
    ts_file.parent.mkdir(parents=True, exist_ok=True)
    target = ["-target-language", language] if language else []
    subprocess.run([_tool("pyside6-lupdate"), *map(str, source_files(root)), *target,
                    "-tr-function-alias", "QT_TR_NOOP+=N_", "-no-obsolete",
                    "-locations", "relative", "-silent", "-ts", str(ts_file)],
                   check=True, cwd=root)


class CatalogueError(ValueError):
    """A catalogue whose translations would break the app (a placeholder renamed)."""


def _placeholders(text: str) -> set[tuple[str, str, str]]:
    """The {name:spec!conversion} fields of a str.format template."""
    return {(name, spec or "", conversion or "")
            for _, name, spec, conversion in Formatter().parse(text) if name is not None}


def placeholder_problems(ts_file: Path) -> list[str]:
    """Translations in `ts_file` whose {placeholders} differ from their source's: the
    app fills them in with str.format, which a renamed or missing one would break. A
    text with a count has a translation per plural form, and each one is checked."""
    problems = []
    for message in ElementTree.parse(ts_file).iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        if translation is None:
            continue
        forms = (translation.findall("numerusform") if message.get("numerus") == "yes"
                 else [translation])
        for text in (form.text for form in forms if form.text):
            try:
                same = _placeholders(text) == _placeholders(source)
            except ValueError:  # an unmatched { or }
                same = False
            if not same:
                problems.append(f"{ts_file.name}: \"{text}\" must keep the "
                                f"{{placeholders}} of \"{source}\" exactly")
    return problems


def compile_catalogues(ts_files: Iterable[Path]) -> list[Path]:
    """Compile each .ts to the .qm beside it; the .qm files written. A catalogue that
    would break the app raises CatalogueError, and nothing of it is written."""
    ts_files = list(ts_files)
    problems = [problem for ts_file in ts_files for problem in placeholder_problems(ts_file)]
    if problems:
        raise CatalogueError("\n".join(problems))
    written = []
    for ts_file in ts_files:
        qm_file = ts_file.with_suffix(".qm")
        subprocess.run([_tool("pyside6-lrelease"), "-silent", str(ts_file), "-qm",
                        str(qm_file)], check=True)
        written.append(qm_file)
    return written


def main(argv: list[str]) -> int:
    usage = ("usage: python -m desktop.ui.translation_catalogue update LANG  (e.g. de, pt_BR)\n"
             "       python -m desktop.ui.translation_catalogue compile")
    root = Path(__file__).resolve().parents[2]
    folder = root / "resources" / "translations"
    if argv[:1] == ["update"] and len(argv) == 2 and argv[1].replace("_", "").isalpha():
        ts_file = folder / f"{CATALOGUE}_{argv[1]}.ts"
        update(ts_file, root, argv[1])
        print(f"{ts_file.relative_to(root)}: open it with pyside6-linguist, then "
              "`make translations`")
        return 0
    if argv == ["compile"]:
        try:
            written = compile_catalogues(sorted(folder.glob(f"{CATALOGUE}_*.ts")))
        except CatalogueError as exc:
            print(f"not compiled:\n{exc}", file=sys.stderr)
            return 1
        for qm_file in written:
            print(qm_file.relative_to(root))
        return 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
