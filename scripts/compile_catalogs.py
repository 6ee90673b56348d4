"""Compile every .po catalogue of the package into its .mo (with Babel,
which CKAN already depends on). Run by `make i18n` / `make install`."""
from __future__ import annotations

import pathlib
import sys

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = pathlib.Path(__file__).resolve().parent.parent / "ckanext" / "angiang" / "i18n"


def main() -> int:
    count = 0
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as f:
            write_mo(f, catalog)
        count += 1
    if count:
        print(f"i18n: compiled {count} catalogue(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
