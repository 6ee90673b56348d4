"""Run CKAN core's own search tests, from the installed ``ckan`` package,
against the PostgreSQL search backend (the second pytest run of
``make test``).

    .venv/bin/python tests/search/run_ckan_core.py [pytest args...]

The ini is tests/search/ckan_core_test.ini unless ``--ckan-ini`` is given.
Tests listed in tests/search/ckan_core_excluded.txt are deselected (each
line says why).
"""
from __future__ import annotations

import importlib.util
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))

#: What the search issue asks to pass, inside the ckan package.
CORE_TESTS = [
    "ckan/tests/lib/search",
    "ckan/tests/logic/action/test_get.py::TestPackageSearch",
    "ckan/tests/logic/action/test_get.py::TestPackageAutocomplete",
    "ckan/tests/logic/action/test_get.py::TestOrganizationList",
    "ckan/tests/logic/action/test_get.py::TestGroupList",
]


def excluded() -> list[str]:
    with open(os.path.join(HERE, "ckan_core_excluded.txt"), encoding="utf-8") as f:
        return [line.split()[0] for line in f
                if line.strip() and not line.lstrip().startswith("#")]


class Exclusions:
    """Deselects the excluded tests whatever the rootdir makes node ids."""

    def __init__(self, ids: list[str]):
        self.ids = ids

    def pytest_collection_modifyitems(self, config, items):
        keep, drop = [], []
        for item in items:
            nodeid = item.nodeid.replace(os.sep, "/")
            if any(nodeid == i or nodeid.endswith("/" + i) for i in self.ids):
                drop.append(item)
            else:
                keep.append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep


def main(argv: list[str]) -> int:
    # located, not imported: pytest must import ckan itself (assert rewriting)
    spec = importlib.util.find_spec("ckan")
    site = os.path.dirname(list(spec.submodule_search_locations)[0])
    args = list(argv)
    if not any(a.startswith("--ckan-ini") for a in args):
        args.append("--ckan-ini=" + os.path.join(HERE, "ckan_core_test.ini"))
    args += [os.path.join(site, t) for t in CORE_TESTS]
    return pytest.main(args, plugins=[Exclusions(excluded())])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
