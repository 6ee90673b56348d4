"""Session fixtures of the browser journeys: one portal (tests/browser/portal.py),
one chromium (``chromium``, tests/conftest.py), axe-core loaded into every page;
a new browser context per journey and size. The axe counts, English found and
screenshot paths of every page are collected in ``REPORT`` and printed at the end of the run (and
written to var/screenshots/report.json)."""

from __future__ import annotations

import json

import pytest
import yaml
from ckan.common import config

from browser import harness
from browser.portal import ROOT, Portal, TileServer

#: name -> (viewport, is_mobile)
SIZES = {
    "desktop": ({"width": 1280, "height": 800}, False),
    "phone": ({"width": 390, "height": 844}, True),
}


def _declared_csp() -> str:
    path = ROOT / "ckanext/angiang/config_declaration/security.yaml"
    declared = yaml.safe_load(path.read_text(encoding="utf-8"))
    for group in declared["groups"]:
        for option in group["options"]:
            if option["key"] == "ckanext.angiang.security.content_security_policy":
                return " ".join(option["default"].split())
    raise LookupError("content_security_policy not declared")


@pytest.fixture(scope="session")
def tiles():
    server = TileServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def portal(tiles):
    portal = Portal(config["sqlalchemy.url"], config["ckan.redis.url"], _declared_csp(), tiles)
    try:
        yield portal.start()
    finally:
        portal.stop()


@pytest.fixture(scope="session")
def axe():
    return harness.axe_source()


@pytest.fixture(params=list(SIZES))
def size(request):
    return request.param


@pytest.fixture
def context(chromium, axe, size):
    """A fresh browser context (no cookies) of the size, axe-core in each page."""
    viewport, mobile = SIZES[size]
    ctx = chromium.new_context(
        viewport=viewport, is_mobile=mobile, has_touch=mobile, locale="vi-VN", accept_downloads=True
    )
    harness.with_axe(ctx, axe)
    yield ctx
    ctx.close()


def pytest_terminal_summary(terminalreporter):
    REPORT = harness.REPORT
    if not REPORT:
        return
    out = harness.SCREENSHOTS / "report.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(REPORT, ensure_ascii=False, indent=1), encoding="utf-8")
    terminalreporter.write_sep("-", "browser journeys: axe-core WCAG 2.1 AA violations per page")
    for row in REPORT:
        terminalreporter.write_line(
            f"{row['journey']:8} {row['step']:28} serious/critical {row['blocking']:2} "
            f"(all {row['violations']:2}) english {row['english']:2}  {row['screenshot']}"
        )
