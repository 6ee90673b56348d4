"""Browser journeys (issue #13 items 3, 5, 6), each at desktop and phone size,
in Debian's chromium against a real portal with the demo data
(tests/browser/portal.py):

- anonymous: the home page, a search typed without diacritics, a facet, a
  dataset (its spatial coverage on the map, tiles from the configured server),
  its table preview, a download (Art. 13.1: public data without an account);
- the map filter: a rectangle drawn on the search page's map (ext_bbox);
- an editor logs in, creates a dataset with an uploaded CSV, sees its preview
  once loaded, publishes it (Art. 13.2);
- the language switch, Vietnamese to English and back.

On every page: axe-core finds no serious or critical WCAG 2.1 AA violation, a
Vietnamese page shows no English outside the allow-list of proper nouns
(tests/browser/english.py), and the page makes no request to another server
than the portal and its tile server, nor any CSP refusal or script error.
Screenshots: var/screenshots/<journey>/<size>-<lang>-<step>.png.
"""

from __future__ import annotations

import re
import time
import urllib.error

from browser import harness
from browser.english import VISIBLE_TEXT_JS, english_words
from browser.portal import EDITOR, PASSWORD

CSV = "mã_xã,tên_xã,dân_số\n30280,Phường Long Xuyên,148000\n30316,Phường Châu Đốc,110000\n"


class Journey:
    """Checks each page of a journey; the problems are asserted at its end,
    after every step's screenshot is taken."""

    def __init__(self, name, size, page, portal):
        self.name, self.size, self.page, self.portal = name, size, page, portal
        self.watch = harness.Watch(page, portal.url, portal.tiles.url)
        self.problems: list[str] = []

    def goto(self, path):
        response = self.page.goto(self.portal.url + path, wait_until="networkidle")
        assert response is not None and response.status == 200, path
        return response

    def check(self, step, lang="vi"):
        page = self.page
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => document.documentElement.lang") == lang, step
        shot = harness.screenshot(page, self.name, f"{self.size}-{lang}-{step}")
        violations = harness.run_axe(page)
        blocking = harness.blocking(violations)
        english = english_words(page.evaluate(VISIBLE_TEXT_JS)) if lang == "vi" else []
        harness.REPORT.append(
            {
                "journey": self.name,
                "step": f"{self.size}-{lang}-{step}",
                "url": page.url,
                "blocking": len(blocking),
                "violations": len(violations),
                "english": len(english),
                "screenshot": str(shot.relative_to(harness.ROOT)),
            }
        )
        found = [
            f"{step}: axe {v['impact']} {v['id']} ({v['help']}): " + "; ".join(v["nodes"][:4])
            for v in blocking
        ]
        found += [f"{step}: English on a Vietnamese page: {word}" for word in english]
        # the page never scrolls sideways (a phone shows the overflow)
        found += [
            f"{step}: wider than the screen: {e}" for e in page.evaluate(harness.WIDER_THAN_SCREEN)
        ]
        harness.REPORT[-1]["problems"] = found
        self.problems += found

    def finish(self):
        problems = self.problems + self.watch.problems
        assert problems == [], "\n".join(problems)


def _toggle_filters(page, selector):
    """On a phone the facets sit in a panel CKAN's "filter results" button
    (``.show-filters``) opens and its close button (``.hide-filters``) closes."""
    button = page.locator(selector)
    if button.count() and button.first.is_visible():
        button.first.click()
        page.wait_for_timeout(300)


def test_anonymous_search_facet_dataset_preview_download(context, portal, size):
    page = context.new_page()
    journey = Journey("anonymous", size, page, portal)
    tiles_before = len(portal.tiles.requests)

    journey.goto("/")
    journey.check("1-home")

    # a search typed without diacritics finds the Vietnamese titles
    box = page.locator("input[name=q]:visible").first
    box.fill("dan so")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/dataset/?\?q=dan"))
    titles = page.locator(".dataset-heading a").all_inner_texts()
    assert titles and any("Dân số" in t or "dân số" in t for t in titles), titles
    count = portal.search(q="dan so")["count"]
    assert str(count) in page.locator(".search-form h1, .search-form h2").first.inner_text()
    journey.check("2-search")

    # a facet: the CSV format
    _toggle_filters(page, ".show-filters")
    page.locator("a[href*='res_format=CSV']:visible").first.click()
    page.wait_for_url(re.compile(r"res_format=CSV"))
    page.wait_for_load_state("networkidle")
    _toggle_filters(page, ".hide-filters")
    csv_count = portal.search(q="dan so", fq='res_format:"CSV"')["count"]
    assert 0 < csv_count <= count
    assert len(page.locator(".dataset-heading a").all()) == min(csv_count, 20)
    journey.check("3-facet")

    # a dataset: its page, its spatial coverage drawn on the map over tiles
    page.locator(".dataset-heading a").first.click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".angiang-dataset-map .leaflet-overlay-pane path").count() == 1
    page.wait_for_function(
        "() => [...document.querySelectorAll('.angiang-dataset-map img.leaflet-tile')]"
        ".some(i => i.complete && i.naturalWidth === 256)"
    )
    assert len(portal.tiles.requests) > tiles_before
    journey.check("4-dataset")

    # its table preview: the first CSV resource
    page.locator(".resource-item:has([data-format=csv]) a.heading").first.click()
    page.wait_for_load_state("networkidle")
    _wait_loaded(page, portal, page.url.rstrip("/").rsplit("/", 1)[-1])
    frame = page.frame_locator("iframe").first
    frame.locator("table, pre").first.wait_for(timeout=20000)
    assert frame.locator("table, pre").first.inner_text().strip()
    journey.check("5-preview")

    # a download: the file the page's download button links to
    link = page.locator("a.resource-url-analytics.btn-primary").first
    href = link.get_attribute("href")
    assert href.startswith(portal.url + "/dataset/") and "/download/" in href
    response = page.request.get(href)
    assert response.status == 200 and len(response.body()) > 0
    journey.finish()


def _wait_loaded(page, portal, resource_id, seconds=240) -> bool:
    """With the DataStore and xloader: wait until xloader has loaded the
    resource (the portal's worker takes the demo's files in turn), then
    reload the page, whose preview is now the DataTables view. False
    without them (the text view previews the file)."""
    if not {"datastore", "xloader"} <= set(portal.plugin_names):
        return False
    deadline = time.monotonic() + seconds
    # the file's job: queued now unless it is queued or done (the portal
    # emptied the demo's queue at its start; xloader re-queues a pending job
    # that is not in the queue)
    # (a running or finished job is left alone)
    try:
        status = portal.action("xloader_status", resource_id=resource_id).get("status")
    except urllib.error.HTTPError:  # never submitted
        status = None
    if status in (None, "pending"):
        portal.action("xloader_submit", resource_id=resource_id)

    def loaded():
        status = portal.action("xloader_status", resource_id=resource_id).get("status")
        if status == "error":  # e.g. a job of an earlier run that found no portal
            portal.action("xloader_submit", resource_id=resource_id)
            return False
        # the job is over (its views made), not only the table filled
        active = portal.action("resource_show", id=resource_id).get("datastore_active")
        return bool(active) and status == "complete"

    while not loaded():
        assert time.monotonic() < deadline, f"xloader did not load {resource_id} in {seconds} s"
        time.sleep(1)
    page.reload(wait_until="networkidle")
    return True


def _preview_shows(page, portal, resource_id, text):
    """The resource page's preview shows ``text`` once loaded: with the
    DataStore and xloader enabled, CKAN's standard path (xloader loads the
    file, the resource becomes datastore_active, the DataTables view shows
    the table); without them, the text view of the CSV."""
    if _wait_loaded(page, portal, resource_id):
        cell = page.frame_locator("iframe").first.locator("table tbody td", has_text=text)
    else:
        cell = page.frame_locator("iframe").first.locator("pre", has_text=text)
    cell.first.wait_for(timeout=30000)


def test_editor_creates_uploads_previews_publishes(context, portal, size):
    page = context.new_page()
    journey = Journey("editor", size, page, portal)
    title = f"Dân số phường thử nghiệm {size} {int(time.time())}"

    journey.goto("/user/login")
    journey.check("1-login")
    page.fill("#field-login", EDITOR)
    page.fill("#field-password", PASSWORD)
    page.locator("#field-password").press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/user/_logout" in page.content(), "login failed"

    journey.goto("/dataset/new")
    journey.check("2-dataset-form")
    page.fill("#field-title", title)
    page.fill("#field-notes", "Dân số các phường, số liệu thử nghiệm của trình duyệt.")
    page.select_option("#field-license_id", "CC-BY-4.0")
    page.check("#field-theme-SOCI")  # checkboxes, not a Ctrl-click multi-select
    page.select_option("#field-frequency", "ANNUAL")
    page.fill("#field-quality_statement", "Số liệu thử nghiệm, kiểm tra tự động.")
    page.check("#field-no_state_secret")
    page.locator("button[name=save]").click()
    page.wait_for_url(re.compile(r"/dataset/.+/resource/new"))
    page.wait_for_load_state("networkidle")

    # the resource form: an uploaded CSV
    page.locator("#resource-upload-button, label[for=field-resource-upload]").first.click()
    page.set_input_files(
        "#field-resource-upload",
        files=[{"name": "dan-so-phuong.csv", "mimeType": "text/csv", "buffer": CSV.encode()}],
    )
    journey.check("3-resource-form")
    page.locator("button[name=save][value=go-metadata]").click()
    page.wait_for_load_state("networkidle")
    name = page.url.rstrip("/").split("/dataset/")[-1].split("/")[0]
    dataset = portal.action("package_show", id=name)
    assert dataset["title"] == title and dataset["state"] == "active"
    assert dataset["private"] is True, "a new dataset starts private"
    resource = dataset["resources"][0]
    assert resource["url_type"] == "upload" and resource["format"].upper() == "CSV"

    # its preview, once loaded
    journey.goto(f"/dataset/{name}/resource/{resource['id']}")
    _preview_shows(page, portal, resource["id"], "Phường Long Xuyên")
    journey.check("4-preview")

    # publish: public, the editor attesting that it holds no state secret (Art. 9.6)
    journey.goto(f"/dataset/edit/{name}")
    page.select_option("#field-private", "False")
    journey.check("5-edit-form")
    page.locator("button.btn-primary[name=save]").click()
    page.wait_for_load_state("networkidle")
    assert portal.action("package_show", id=name)["private"] is False
    assert name in [d["name"] for d in portal.search(q=f'"{title}"')["results"]]
    journey.check("6-published")
    journey.finish()


def test_language_switch(context, portal, size):
    page = context.new_page()
    journey = Journey("language", size, page, portal)
    journey.goto("/dataset/")
    journey.check("1-vietnamese")
    # the footer's language form (CKAN's select, submitted on change)
    page.locator("#field-lang-select").select_option(label="English")
    page.wait_for_url(re.compile(r"/en/dataset"))
    journey.check("2-english", lang="en")
    assert page.locator("h1, h2").filter(has_text=re.compile("datasets? found")).count() == 1
    page.locator("#field-lang-select").select_option(label="Tiếng Việt")
    page.wait_for_url(re.compile(r"^(?!.*/en/).*/dataset"))
    journey.check("3-vietnamese-again")
    assert "tập dữ liệu" in page.locator("h1, h2").filter(has_text="Tìm thấy").first.inner_text()
    journey.finish()


def test_map_filter_on_the_search_page(context, portal, size):
    """The search page's map (ckanext-spatial's spatial-query widget): draw a
    rectangle in the middle of the province, apply: the results are the
    datasets whose extent meets it (ext_bbox, answered by the PostgreSQL
    search)."""
    page = context.new_page()
    journey = Journey("map", size, page, portal)
    journey.goto("/dataset/")
    page.locator("#dataset-map .leaflet-control-custom-button").click()
    dialog = page.locator(".modal.show #draw-map-container")
    dialog.wait_for()
    page.wait_for_timeout(500)  # the modal's fade-in and the map's fitBounds
    journey.check("1-draw-dialog")
    box = dialog.bounding_box()
    x, y = box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + box["width"] * 0.2, y + box["height"] * 0.2, steps=5)
    page.mouse.up()
    page.locator(".modal.show button.apply").click()
    page.wait_for_url(re.compile(r"ext_bbox="))
    page.wait_for_load_state("networkidle")
    bbox = re.search(r"ext_bbox=([^&]+)", page.url).group(1).replace("%2C", ",")
    minx, miny, maxx, maxy = (float(v) for v in bbox.split(","))
    assert 103.4 <= minx < maxx <= 105.6 and 9.2 <= miny < maxy <= 11.0, bbox
    count = portal.search(ext_bbox=bbox)["count"]
    assert count > 0
    heading = page.locator(".search-form h1, .search-form h2").first.inner_text()
    assert str(count) in heading
    assert page.locator("#dataset-map a.action").inner_text().strip() == "Bỏ lọc theo vùng"
    journey.check("2-filtered")
    journey.finish()
