"""The app in the rep's language: the Qt translators installed at start-up.

At start-up `install` picks the first of the rep's languages Debrief speaks: English,
or one with a `debrief_<lang>.qm` in resources/translations/. For that one it loads the
catalogue and Qt's own translation of its standard texts (dialog buttons, text-field
menus), so the app speaks one language throughout; what a catalogue leaves untranslated
stays in English.

The catalogues are made and compiled by desktop.ui.translation_catalogue (`make
translations`).

Contexts, as lupdate assigns them and as the app looks them up: `self.tr()` in a QObject
subclass uses the class's name; the module-level `tr()` of desktop.ui.text and the
domain's `N_()` markers (extracted as QT_TR_NOOP) use the empty context.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from desktop.paths import resource

CATALOGUE = "debrief"


def translations_dir() -> Path:
    return resource("translations")


def chosen_language(preferred: Sequence[str], folder: Path) -> QLocale | None:
    """The first of the rep's languages (most wanted first, as "de-DE" or "de") that
    Debrief speaks: English, or one with a catalogue in `folder`. None for English,
    which is also the answer when none of them is spoken."""
    for tag in preferred:
        locale = QLocale(tag)
        if locale.language() in (QLocale.Language.English, QLocale.Language.C):
            return None
        names = (tag.replace("-", "_"), QLocale.languageToCode(locale.language()))
        if any((folder / f"{CATALOGUE}_{name}.qm").is_file() for name in names):
            return locale
    return None


def install(app: QCoreApplication, preferred: Sequence[str] | None = None,
            folder: Path | None = None) -> list[QTranslator]:
    """Speak one language throughout: the chosen one (`chosen_language` of the system's
    languages), with Qt's own texts (dialog buttons, text-field menus) in it too. The
    translators installed are returned, parented to `app`, which keeps them alive; none
    for English."""
    folder = folder or translations_dir()
    locale = chosen_language(
        QLocale.system().uiLanguages() if preferred is None else preferred, folder)
    if locale is None:
        return []
    loaded = []
    for name, where in (("qtbase", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
                        (CATALOGUE, str(folder))):
        translator = QTranslator(app)
        if translator.load(locale, name, "_", where):
            app.installTranslator(translator)
            loaded.append(translator)
        else:
            translator.deleteLater()
    return loaded


def loaded(app: QCoreApplication) -> str:
    """The language and the translation files in use, for the log: "de_DE: qtbase_de.qm"."""
    files = [Path(t.filePath()).name for t in app.findChildren(QTranslator) if t.filePath()]
    return f"{QLocale.system().name()}: {', '.join(files) or 'no translation files'}"
