"""The compliance dashboard, the public catalogue page and the six-month
report's page in a real browser (Debian's chromium through Playwright): the
dashboard's SVG charts are drawn, nothing is requested from another origin,
no Content-Security-Policy complaint; a screenshot of each page goes to
var/screenshots/ (git-ignored) for the record."""

from __future__ import annotations

import os

import ckan.tests.helpers as helpers
import pypdfium2 as pdfium
import pytest
from angiang_testing import factories
from browser.harness import WIDER_THAN_SCREEN
from ckan.tests import factories as ckan_factories

# the portal on 127.0.0.1 and the browser of the CSP test (one definition)
from security.test_browser_csp import browser, portal  # noqa: F401

from ckanext.angiang.catalogue import integrity, linkcheck, period

from .conftest import import_first_decision

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "var", "screenshots")
pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db"),
    pytest.mark.ckan_config("ckanext.angiang.linkcheck.allow_private", "true"),
]


def _content(portal_url):
    """Three agencies; links to the portal's own pages, one of them missing."""
    dic = ckan_factories.SysadminWithToken(image_url="")  # no outside avatar
    titles = [("Sở Y tế", "SYT"), ("Sở Giáo dục và Đào tạo", ""), ("UBND phường Long Xuyên", "")]
    for i, (title, code) in enumerate(titles):
        org = factories.Agency(title=title, agency_code=code, image_url="")  # no outside logo
        for j in range(i + 2):
            data = factories.dataset_dict(org["id"], private=j == 0)
            data["resources"] = [
                {"url": f"{portal_url}/api/3/action/status_show", "format": "JSON", "name": "API"},
                {"url": f"{portal_url}/khong-co-{i}-{j}.csv", "format": "CSV", "name": "Dữ liệu"},
            ]
            helpers.call_action("package_create", {"user": dic["name"]}, **data)
    import_first_decision(dic["name"])
    return dic, org


def test_dashboard_screenshot(portal, browser):  # noqa: F811
    dic, org = _content(portal)
    assert linkcheck.run()["broken"] == 9
    integrity.run()
    context = browser.new_context(
        extra_http_headers={"Authorization": dic["token"]},
        viewport={"width": 1280, "height": 900},
        locale="vi-VN",
    )
    page = context.new_page()
    problems, foreign = [], []
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "request",
        lambda r: (
            foreign.append(r.url)
            if not r.url.startswith(portal) and not r.url.startswith("data:")
            else None
        ),
    )
    os.makedirs(OUT, exist_ok=True)
    for path, name in (
        ("/dashboard/compliance/", "compliance-dashboard.png"),
        (f"/dashboard/compliance/{org['name']}", "compliance-agency.png"),
    ):
        response = page.goto(portal + path, wait_until="networkidle")
        assert response.status == 200
        chart = page.locator("svg.angiang-chart-svg").first
        assert chart.is_visible()
        assert chart.bounding_box()["height"] > 40
        assert page.locator("svg.angiang-chart-svg rect").count() > 3
        page.screenshot(path=os.path.join(OUT, name), full_page=True)
        assert os.path.getsize(os.path.join(OUT, name)) > 10000
    assert page.locator("tr.angiang-link[data-status=broken]").count() == 4  # one private
    # the public catalogue, and the report of this half-year (the figures the
    # XLSX and PDF carry)
    this_half = period.current().code
    for path, name, text, rows in (
        ("/catalogue/", "catalogue.png", "DLM.GD.01", "tr.angiang-entry"),
        ("/vi/catalogue/", "catalogue-vi.png", "Danh mục theo cơ quan", "tr.angiang-entry"),
        (f"/report/?period={this_half}", "report.png", "Sở Y tế", "table tbody tr"),
        (f"/vi/report/?period={this_half}", "report-vi.png", "Báo cáo", "table tbody tr"),
    ):
        response = page.goto(portal + path, wait_until="networkidle")
        assert response.status == 200
        assert page.get_by_text(text).first.is_visible()
        assert page.locator(rows).count() >= 3
        page.screenshot(path=os.path.join(OUT, name), full_page=True)
        assert os.path.getsize(os.path.join(OUT, name)) > 10000
    # the report's printable PDF: its first page drawn (PDFium) for the record,
    # its text in Vietnamese
    response = page.request.get(f"{portal}/vi/report/{this_half}.pdf")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    first = pdfium.PdfDocument(response.body())[0]
    first.render(scale=2).to_pil().save(os.path.join(OUT, "report-pdf-page-1.png"))
    assert os.path.getsize(os.path.join(OUT, "report-pdf-page-1.png")) > 10000
    text = first.get_textpage().get_text_range()
    assert "62/2024/QĐ-UBND" in text and "Báo cáo 6 tháng" in text, text[:400]
    # on a phone, in Vietnamese: the wide tables scroll inside their box
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (
        ("/vi/catalogue/", "catalogue-vi-phone.png"),
        (f"/vi/report/?period={this_half}", "report-vi-phone.png"),
    ):
        assert page.goto(portal + path, wait_until="networkidle").status == 200
        assert page.locator(".table-responsive table").count() >= 2
        page.screenshot(path=os.path.join(OUT, name), full_page=True)
        # nothing wider than the screen: the page never scrolls sideways
        wider = page.evaluate(WIDER_THAN_SCREEN)
        assert wider == [], (path, wider)
    assert problems == [] and foreign == []
    context.close()
