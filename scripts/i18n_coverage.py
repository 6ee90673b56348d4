"""Print how much of the portal is translated, per gettext domain:
CKAN core's strings (core's own catalogue alone, then merged with our
completion), the suite's own strings (extracted afresh from the code) and
any other catalogue kept in ckanext/angiang/i18n (the harvest UI's).

Usage: scripts/i18n_coverage.py [--locale vi] [--quiet]
Exit status 1 when a domain, as served, has untranslated msgids or problems
(placeholders or HTML tags that differ, duplicates, half-bilingual labels)."""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from angiang_dev import translation  # noqa: E402 - the checkout's dev tools


def report(title: str, coverage: translation.Coverage, quiet: bool) -> None:
    print(
        f"{title}: {coverage.translated}/{coverage.total} translated "
        f"({coverage.percent:.1f}%), {len(coverage.missing)} missing, "
        f"{len(coverage.problems)} problem(s)"
    )
    if quiet:
        return
    for msgid in coverage.missing:
        print(f"  missing: {msgid!r}")
    for problem in coverage.problems:
        print(f"  problem: {problem}")
    for warning in coverage.warnings:
        print(f"  warning: {warning}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locale", default="vi")
    parser.add_argument(
        "--quiet", action="store_true", help="figures only, no list of missing msgids"
    )
    args = parser.parse_args(argv)

    upstream = translation.core_coverage(args.locale, with_completion=False)
    core = translation.core_coverage(args.locale)
    suite = translation.suite_coverage(args.locale)
    # Core's own catalogue alone is CKAN's business: summary only.
    report(f"ckan (CKAN core's catalogue only) [{args.locale}]", upstream, True)
    report(f"ckan (core + ckanext-angiang completion) [{args.locale}]", core, args.quiet)
    report(f"ckanext-angiang [{args.locale}]", suite, args.quiet)
    others = translation.other_coverages(args.locale)
    for other in others:
        report(f"{other.domain} [{args.locale}]", other, args.quiet)
    return 0 if all(c.complete for c in [core, suite, *others]) else 1


if __name__ == "__main__":
    sys.exit(main())
