"""The link checker (Art. 11.1a, 12.2) against a real HTTP server on
127.0.0.1: status per resource, redirects only to http(s), no internal
addresses unless allowed, timeouts and a time budget per link."""

import dataclasses

import ckan.model as model
import ckan.tests.helpers as helpers
import pytest
import sqlalchemy as sa
from angiang_testing import factories

from ckanext.angiang.catalogue import linkcheck
from ckanext.angiang.catalogue import model as cm

from .link_server import LinkServer

#: Generous, for links that answer (a loaded CI machine can hold a loopback
#: answer for over a second); the timeout tests tighten what they test.
LIMITS = linkcheck.Limits(
    connect_timeout=5, read_timeout=5, budget=10, max_redirects=3, allow_private=True
)


@pytest.fixture(scope="module")
def server():
    with LinkServer() as s:
        yield s


@pytest.mark.parametrize(
    "path, state, code",
    [
        ("/ok", cm.LINK_OK, 200),
        ("/no-head", cm.LINK_OK, 206),  # HEAD refused: ranged GET
        ("/to-ok", cm.LINK_OK, 200),  # redirect followed by hand
        ("/404", cm.LINK_BROKEN, 404),
        ("/500", cm.LINK_BROKEN, 500),
        ("/to-404", cm.LINK_BROKEN, 404),
    ],
)
def test_status_of_a_link(server, path, state, code):
    result = linkcheck.check(server.url(path), LIMITS)
    assert (result.status, result.http_status) == (state, code)


def test_head_refused_then_only_the_first_byte_is_asked(server):
    linkcheck.check(server.url("/no-head"), LIMITS)
    asked = [s for s in server.seen if s[1] == "/no-head"]
    assert asked[-2:] == [("HEAD", "/no-head", None), ("GET", "/no-head", "bytes=0-0")]


@pytest.mark.parametrize("path, scheme", [("/to-file", "file"), ("/to-ftp", "ftp")])
def test_redirect_to_another_scheme_is_refused_not_followed(server, path, scheme):
    result = linkcheck.check(server.url(path), LIMITS)
    assert result.status == cm.LINK_REFUSED
    assert f"not an HTTP address ({scheme})" in result.detail


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/a.csv", "javascript:alert(1)", "http:///nohost"],
)
def test_a_link_that_is_not_http_is_refused(url):
    assert linkcheck.check(url, LIMITS).status == cm.LINK_REFUSED


def test_redirect_loop_ends(server):
    result = linkcheck.check(server.url("/loop"), LIMITS)
    assert (result.status, result.detail) == (cm.LINK_BROKEN, "too many redirects")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://10.1.2.3/x",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/x",
        "http://localhost/x",
    ],
)
def test_internal_addresses_are_refused_by_default(url):
    limits = linkcheck.Limits(2, 1, 2, 3, allow_private=False)
    result = linkcheck.check(url, limits)
    assert result.status == cm.LINK_REFUSED
    assert "internal address" in result.detail


def test_a_redirect_to_an_internal_address_is_refused(server):
    """A page may not bounce the checker into the internal network: every
    hop is guarded. The loopback server plays the portal's own host (always
    allowed) and redirects to ``localhost``, an internal host."""
    limits = linkcheck.Limits(2, 1, 2, 3, allow_private=False)
    with _site_url(server.url("")):
        assert linkcheck.check(server.url("/to-ok"), limits).status == cm.LINK_OK
        result = linkcheck.check(server.url("/to-localhost"), limits)
    assert result.status == cm.LINK_REFUSED
    assert "internal address" in result.detail
    assert ("GET", "/ok", None) not in server.seen[-2:]


class _site_url:
    def __init__(self, url):
        self.url = url

    def __enter__(self):
        import ckan.plugins.toolkit as tk

        self.old = tk.config.get("ckan.site_url")
        tk.config["ckan.site_url"] = self.url

    def __exit__(self, *exc):
        import ckan.plugins.toolkit as tk

        tk.config["ckan.site_url"] = self.old


def test_a_host_that_never_answers_times_out(server):
    result = linkcheck.check(server.url("/slow"), dataclasses.replace(LIMITS, read_timeout=0.5))
    assert result.status == cm.LINK_UNREACHABLE
    assert result.detail.startswith("timeout")


def test_a_dripping_host_is_cut_off_at_the_budget(server):
    """Each header line comes within the read timeout, so only the budget
    ends it: the run records it and does not wait for the thread."""
    limits = dataclasses.replace(LIMITS, budget=3)
    results = linkcheck.check_many([server.url("/drip"), server.url("/ok")], limits, workers=2)
    assert results[server.url("/ok")].status == cm.LINK_OK
    drip = results[server.url("/drip")]
    assert drip.status == cm.LINK_UNREACHABLE
    assert "no answer within 3 s" in drip.detail or drip.detail.startswith("timeout")


@pytest.mark.usefixtures("with_plugins", "clean_db")
@pytest.mark.ckan_config("ckanext.angiang.linkcheck.allow_private", "true")
@pytest.mark.ckan_config("ckanext.angiang.linkcheck.read_timeout", "2")
@pytest.mark.ckan_config("ckanext.angiang.linkcheck.budget", "4")
def test_run_records_each_resource_and_counts_failures(server):
    org = factories.Agency()
    ds = factories.Dataset(
        owner_org=org["id"],
        resources=[
            {"url": server.url("/ok"), "format": "CSV", "name": "Tốt"},
            {"url": server.url("/404"), "format": "CSV", "name": "Mất"},
            {"url": server.url("/to-ftp"), "format": "CSV", "name": "FTP"},
            {"url": server.url("/slow"), "format": "CSV", "name": "Chậm"},
        ],
    )
    first = linkcheck.run()
    assert first == {"links": 4, "urls": 4, "ok": 1, "broken": 1, "refused": 1, "unreachable": 1}
    linkcheck.run()
    rows = {
        r.url.rsplit("/", 1)[1]: r
        for r in model.Session.execute(
            sa.select(cm.link_status).where(cm.link_status.c.package_id == ds["id"])
        )
    }
    assert {k: (r.status, r.failures) for k, r in rows.items()} == {
        "ok": ("ok", 0),
        "404": ("broken", 2),
        "to-ftp": ("refused", 2),
        "slow": ("unreachable", 2),
    }
    # the broken resource is mended: its row follows; a deleted one goes
    res = {r["name"]: r for r in ds["resources"]}
    helpers.call_action(
        "resource_patch", {"user": _sysadmin()}, id=res["Mất"]["id"], url=server.url("/to-ok")
    )
    helpers.call_action("resource_delete", {"user": _sysadmin()}, id=res["Chậm"]["id"])
    assert linkcheck.run()["ok"] == 2
    left = {
        r.resource_id: (r.status, r.failures)
        for r in model.Session.execute(sa.select(cm.link_status))
    }
    assert left[res["Mất"]["id"]] == ("ok", 0)
    assert res["Chậm"]["id"] not in left


def _sysadmin():
    from ckan.tests import factories as ckan_factories

    return ckan_factories.Sysadmin()["name"]
