"""After `pybabel update`: make the English catalogue complete (msgstr = msgid) and list what Chinese lacks."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def _load(locale: str) -> tuple[Path, Catalog]:
    path = LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return path, read_po(handle, locale=locale)


def _save(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True, ignore_obsolete=True)


def fill_english() -> None:
    path, catalog = _load("en")
    for message in catalog:
        if message.id:
            message.string = message.id
            message.flags.discard("fuzzy")
    _save(path, catalog)


def untranslated(locale: str) -> list[str]:
    _path, catalog = _load(locale)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main() -> int:
    fill_english()
    missing = untranslated("zh_Hans")
    for message_id in missing:
        print(f"zh_Hans needs a translation: {message_id!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
