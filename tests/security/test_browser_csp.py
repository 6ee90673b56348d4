"""Item 6 of issue 17: the portal's own pages pass its Content-Security-Policy
in a real browser: Debian's chromium (``make browser-deps``, which
``make test`` runs) driven by Playwright (pinned in requirements.txt; never
``playwright install``).

The portal is served by a threaded WSGI server on 127.0.0.1 (ephemeral port)
with CSRF on. Chromium loads the home, search, dataset, resource (with a
text view in its frame), login, dataset-edit, new-resource and API-token
pages, the last three as a logged-in agency editor. Every console message
about a Content Security Policy, every page error, every failed same-origin
request and every request to another origin is collected. The test also
uses the pages: logs in through the form, presses the resource form's
Link/Remove buttons and ticks an API token (their handlers moved out of
inline onclick/onchange), and follows a dataset through CKAN's JavaScript
API client (a cookie-authenticated POST carrying X-CSRFToken).
"""

from __future__ import annotations

import io
import threading

import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest
from angiang_testing import factories
from browser.harness import Watch
from ckan.tests import factories as ckan_factories
from werkzeug.datastructures import FileStorage
from werkzeug.serving import make_server

PASSWORD = "Mat-khau-an-toan-2026"

pytestmark = [
    pytest.mark.slow,  # a real browser
    pytest.mark.usefixtures("with_plugins", "clean_db"),
    pytest.mark.ckan_config("WTF_CSRF_ENABLED", True),
    pytest.mark.ckan_config(
        "ckan.plugins", " ".join([*tk.config.get("ckan.plugins"), "text_view", "image_view"])
    ),
    pytest.mark.ckan_config("ckan.views.default_views", "text_view image_view"),
    pytest.mark.ckan_config("ckan.preview.text_formats", "text/plain txt plain csv"),
]


@pytest.fixture
def portal(make_app, ckan_config, monkeypatch):
    """The portal on http://127.0.0.1:<port>, ckan.site_url set to it."""
    holder = {}
    server = make_server(
        "127.0.0.1", 0, lambda env, start: holder["app"](env, start), threaded=True
    )
    url = f"http://127.0.0.1:{server.server_port}"
    monkeypatch.setitem(ckan_config, "ckan.site_url", url)
    holder["app"] = make_app().app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser(chromium):
    """The session's chromium (tests/conftest.py)."""
    return chromium


@pytest.fixture
def content():
    """An editor, a public dataset with an uploaded CSV (a text view) and
    a linked resource."""
    # no image: the avatar is CKAN's own placeholder (ckan.gravatar_default)
    editor = ckan_factories.User(password=PASSWORD, name="bien-tap-vien", image_url="")
    org = factories.Agency(users=[{"name": editor["name"], "capacity": "editor"}], image_url="")
    ds = factories.Dataset(owner_org=org["id"], title="Danh sách trường học 2025")
    ckan_factories.APIToken(user=editor["id"])
    sysadmin = {"user": ckan_factories.Sysadmin()["name"]}
    res = helpers.call_action(
        "resource_create",
        sysadmin,
        package_id=ds["id"],
        format="CSV",
        name="Trường học",
        upload=FileStorage(
            io.BytesIO("mã,tên\n1,Trường Tiểu học Mỹ Bình\n".encode()), "truong-hoc.csv"
        ),
    )
    views = helpers.call_action("resource_view_list", sysadmin, id=res["id"])
    if not views:
        helpers.call_action(
            "resource_view_create",
            sysadmin,
            resource_id=res["id"],
            view_type="text_view",
            title="Xem",
        )
    return {"editor": editor, "ds": ds, "res": res}


def _visit(page, url):
    response = page.goto(url, wait_until="networkidle")
    assert response is not None and response.status == 200, url
    return response


def test_pages_pass_the_content_security_policy(portal, browser, content):
    ds, res = content["ds"], content["res"]
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    watch = Watch(page, portal)

    anonymous = [
        "/",
        "/dataset/",
        "/dataset/?q=tr%C6%B0%E1%BB%9Dng",
        f"/dataset/{ds['name']}",
        f"/dataset/{ds['name']}/resource/{res['id']}",
        "/user/login",
    ]
    for path in anonymous:
        response = _visit(page, portal + path)
        assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
        if "/resource/" in path:
            # the text view ran its (nonce-carrying) inline script in its frame
            frame = page.frame_locator("iframe").first
            assert "Mỹ Bình" in frame.locator("pre pre").inner_text(timeout=10000)

    # log in through the form (CSRF token in the form, throttling in front)
    page.fill("#field-login", content["editor"]["name"])
    page.fill("#field-password", PASSWORD)
    page.locator("#field-password").press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/user/_logout" in page.content(), "login failed"

    _visit(page, f"{portal}/dataset/edit/{ds['name']}")
    assert page.locator("#field-title").input_value() == ds["title"]

    _visit(page, f"{portal}/dataset/{ds['name']}/resource/new")
    page.click("#resource-link-button")
    assert page.locator("#resource-url-link").is_checked()
    page.locator("#field-resource-url").fill("https://data.angiang.gov.vn/a.csv")
    page.locator("#resource-url-link + .select-type .btn-remove-url").click()
    assert page.locator("#resource-url-none").is_checked()
    assert page.locator("#field-resource-url").input_value() == ""

    # the API token page: a checkbox enables "Revoke" (its onchange moved out)
    _visit(page, f"{portal}/user/{content['editor']['name']}/api-tokens")
    page.locator("input[name=token]").first.check()
    assert page.locator("#revoke-tokens-button").is_enabled()

    # CKAN's JavaScript API client (client.js sends X-CSRFToken) passes; the
    # same cookie-authenticated POST without the token is refused
    result = page.evaluate(
        """async (id) => {
        const viaClient = await new Promise((resolve) => window.ckan.sandbox().client.call(
            'POST', 'follow_dataset', {id: id}, () => resolve(200), (xhr) => resolve(xhr.status)));
        const forged = await fetch('/api/3/action/unfollow_dataset', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({id: id})});
        return [viaClient, forged.status];
    }""",
        ds["id"],
    )
    assert result == [200, 400]
    assert (
        helpers.call_action(
            "am_following_dataset", {"user": content["editor"]["name"]}, id=ds["id"]
        )
        is True
    )
    watch.problems = [p for p in watch.problems if "unfollow_dataset" not in p]

    context.close()
    assert watch.problems == []
