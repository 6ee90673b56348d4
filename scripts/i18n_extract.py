"""Regenerate ckanext/angiang/i18n/ckanext-angiang.pot from the code
(Python, templates, JS, scheming YAML labels) and merge it into each
locale's .po, keeping every existing translation. Run by `make i18n-extract`."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from angiang_dev import translation  # noqa: E402 - the checkout's dev tools


def main() -> int:
    stats = translation.update_suite_catalogues()
    print("i18n-extract: " + ", ".join(f"{k} {v}" for k, v in stats.items()))
    coverage = translation.suite_coverage()
    print(
        f"i18n-extract: {coverage.domain} [{coverage.locale}] "
        f"{coverage.translated}/{coverage.total} translated; "
        "run scripts/i18n_coverage.py for the missing msgids"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
