"""Compile every .po catalogue of the package into its .mo (with Babel,
which CKAN already depends on): the suite's ``ckanext-angiang`` domain and
our completion of CKAN core's ``ckan`` domain (i18n/core). Run by
`make i18n` / `make install`; `--force` recompiles up-to-date ones too.

JavaScript strings are read from the .po files by CKAN itself
(`ckan translation js`, also run by `ckan run`)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from angiang_dev import translation  # noqa: E402 - the checkout's dev tools


def main(argv: list[str]) -> int:
    force = "--force" in argv
    count, errors = 0, []
    for po_path in translation.catalogue_paths():
        mo_path = po_path.with_suffix(".mo")
        if not force and mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        errors += translation.compile_po(po_path)
        count += 1
    if count:
        print(f"i18n: compiled {count} catalogue(s)")
    for error in errors:
        print(f"i18n: WARNING {error}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
