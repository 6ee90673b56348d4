"""Usage figures (Art. 17.2): page views, downloads and API calls counted by
the portal per dataset and day, robots left out, nothing about the visitor
kept; private datasets' figures only for who may read them; "most used"."""

import datetime

import ckan.model as model
import ckan.tests.helpers as helpers
import pytest
import sqlalchemy as sa
from angiang_testing import factories
from ckan import logic
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories as ckan_factories

from ckanext.angiang.catalogue import usage
from ckanext.angiang.search import docsets

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "usage_counters")


@pytest.fixture
def usage_counters():
    """This test's Redis DB holds no usage counter before and after."""

    def clear():
        client = connect_to_redis()
        for key in client.scan_iter(match=usage._prefix() + "*"):
            client.delete(key)

    clear()
    yield
    clear()


@pytest.fixture
def agency():
    org = factories.Agency()
    member = ckan_factories.User()
    helpers.call_action(
        "organization_member_create", id=org["id"], role="editor", username=member["name"]
    )
    return dict(org, member=member)


def _dataset(agency, name, private=False):
    return helpers.call_action(
        "package_create",
        {"user": ckan_factories.Sysadmin()["name"]},
        **factories.dataset_dict(
            agency["id"],
            name=name,
            private=private,
            resources=[
                {"url": f"https://data.angiang.example/{name}.csv", "format": "CSV", "name": "Bảng"}
            ],
        ),
    )


def _rows():
    t = model.Session.execute(
        sa.text(
            "SELECT package_id, kind, agency_id, count, day FROM angiang_usage_daily "
            "ORDER BY package_id, kind"
        )
    ).all()
    return [tuple(r) for r in t]


def _as(user):
    return {"user": user["name"] if user else "", "ignore_auth": False}


def test_views_downloads_and_api_calls_are_counted_robots_and_failures_are_not(app, agency):
    ds = _dataset(agency, "dan-so")
    rid = ds["resources"][0]["id"]
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}
    for _i in range(3):
        assert app.get(f"/dataset/{ds['name']}", headers=browser).status_code == 200
    got = app.get(
        f"/dataset/{ds['id']}/resource/{rid}/download", headers=browser, follow_redirects=False
    )
    assert got.status_code == 302  # a linked file: the redirect is the download
    assert (
        app.get(
            "/api/3/action/package_show", query_string={"id": ds["name"]}, headers=browser
        ).status_code
        == 200
    )
    assert (
        app.post("/api/3/action/resource_show", json={"id": rid}, headers=browser).status_code
        == 200
    )
    # not uses: a crawler, a dataset that does not exist, other pages and actions
    app.get(
        f"/dataset/{ds['name']}",
        headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"},
    )
    app.get("/dataset/khong-co", headers=browser, status=404)
    app.get("/dataset/", headers=browser)
    app.get("/api/3/action/package_search", headers=browser)

    client = connect_to_redis()
    keys = list(client.scan_iter(match=usage._prefix() + "*"))
    assert len(keys) == 1 and keys[0].decode().endswith(usage.local_today().isoformat())
    fields = {k.decode(): int(v) for k, v in client.hgetall(keys[0]).items()}
    # only the kind and the dataset or resource named: no address, no agent
    assert fields == {
        f"view|{ds['name']}": 3,
        f"download|{ds['id']}": 1,
        f"api|{ds['name']}": 1,
        f"api|r:{rid}": 1,
    }

    assert usage.flush() == {"uses": 6, "datasets": 1, "skipped": 0}
    assert list(client.scan_iter(match=usage._prefix() + "*")) == []
    today = usage.local_today()
    assert _rows() == [
        (ds["id"], "api", agency["id"], 2, today),
        (ds["id"], "download", agency["id"], 1, today),
        (ds["id"], "view", agency["id"], 3, today),
    ]
    columns = [c["name"] for c in sa.inspect(model.meta.engine).get_columns("angiang_usage_daily")]
    assert sorted(columns) == ["agency_id", "count", "day", "kind", "package_id"]

    # a second batch adds to the day's figures
    app.get(f"/dataset/{ds['name']}", headers=browser)
    usage.flush()
    assert usage.of_dataset(ds["id"]) == {"view": 4, "download": 1, "api": 2, "total": 7}
    shown = helpers.call_action("angiang_usage_summary", _as(None), id=ds["name"])
    assert shown["uses"] == {"view": 4, "download": 1, "api": 2, "total": 7}

    page = app.get(f"/dataset/{ds['name']}").body
    assert 'data-kind="view">5<' not in page  # not flushed yet
    assert 'data-kind="view">4<' in page and 'data-kind="api">2<' in page


def test_one_flusher_at_a_time_and_the_counts_survive_it(agency):
    ds = _dataset(agency, "mot-lan")
    client = connect_to_redis()
    key = usage._prefix() + usage.local_today().isoformat()
    client.hincrby(key, f"view|{ds['name']}", 5)
    client.set(usage._prefix() + "lock", "someone-else", ex=60)
    assert usage.flush()["skipped"] == 1
    assert client.hget(key, f"view|{ds['name']}") == b"5"
    client.delete(usage._prefix() + "lock")
    assert usage.flush()["uses"] == 5
    assert usage.of_dataset(ds["id"])["view"] == 5


def test_private_figures_only_for_who_may_read_the_dataset(agency):
    public = _dataset(agency, "cong-khai")
    hidden = _dataset(agency, "rieng-tu", private=True)
    day = datetime.date(2026, 8, 3)
    usage.add(
        [
            {
                "day": day,
                "package_id": public["id"],
                "kind": "view",
                "agency_id": agency["id"],
                "count": 10,
            },
            {
                "day": day,
                "package_id": hidden["id"],
                "kind": "download",
                "agency_id": agency["id"],
                "count": 99,
            },
        ]
    )
    model.Session.commit()

    with pytest.raises(logic.NotAuthorized):
        helpers.call_action("angiang_usage_summary", _as(None), id=hidden["id"])
    anonymous = helpers.call_action("angiang_usage_summary", _as(None), agency=agency["name"])
    assert anonymous["uses"]["total"] == 10
    assert [d["name"] for d in anonymous["datasets"]] == ["cong-khai"]
    outsider = ckan_factories.User()
    assert (
        helpers.call_action("angiang_usage_summary", _as(outsider), agency=agency["name"])["uses"][
            "total"
        ]
        == 10
    )
    member = helpers.call_action(
        "angiang_usage_summary", _as(agency["member"]), agency=agency["name"]
    )
    assert member["uses"]["total"] == 109 and member["includes_private"] is True
    province = helpers.call_action("angiang_usage_summary", _as(None))
    assert province["uses"]["total"] == 10
    mine = [a for a in province["agencies"] if a["agency"] == agency["name"]]
    assert mine[0]["uses"] == {"view": 10, "download": 0, "api": 0, "total": 10}

    top = helpers.call_action("angiang_usage_top", _as(None), limit=5)
    assert [(p["name"], p["usage_total"]) for p in top] == [("cong-khai", 10)]
    # a half-year without uses
    assert helpers.call_action("angiang_usage_top", _as(None), period="2026H1") == []
    assert (
        helpers.call_action("angiang_usage_summary", _as(None), id=public["id"], period="2026H2")[
            "uses"
        ]["view"]
        == 10
    )


@pytest.mark.parametrize(
    "bad", [{"limit": 0}, {"limit": "mười"}, {"limit": 101}, {"period": "2026-Q1"}]
)
def test_bad_input_is_a_field_error_in_both_languages(app, bad):
    with pytest.raises(logic.ValidationError) as e:
        helpers.call_action("angiang_usage_top", _as(None), **bad)
    assert set(e.value.error_dict) == set(bad)
    for lang, words in (("vi", ("số nguyên", "nửa năm")), ("en", ("whole number", "half-year"))):
        got = app.get(f"/{lang}/api/3/action/angiang_usage_top", query_string=bad, status=409)
        message = got.json["error"][next(iter(bad))][0]
        assert any(w in message for w in words), message


def test_agency_summary_of_an_unknown_agency_is_a_field_error():
    with pytest.raises(logic.ValidationError) as e:
        helpers.call_action("angiang_usage_summary", _as(None), agency="khong-co-co-quan")
    assert "agency" in e.value.error_dict


def _search(sort):
    return [
        d["name"]
        for d in helpers.call_action("package_search", _as(None), sort=sort, rows=10)["results"]
    ]


@pytest.mark.ckan_config("ckanext.angiang.search.docsets", "true")
def test_most_used_sort_in_memory_and_in_sql(agency, ckan_config):
    names = ["it", "nhieu", "vua", "khong"]
    made = {n: _dataset(agency, n) for n in names}
    for name, count in (("it", 2), ("nhieu", 50), ("vua", 7)):
        usage.add(
            [
                {
                    "day": datetime.date(2026, 9, 1),
                    "package_id": made[name]["id"],
                    "kind": "api",
                    "agency_id": agency["id"],
                    "count": count,
                }
            ]
        )
    connect_to_redis().hincrby(
        usage._prefix() + usage.local_today().isoformat(), f"view|{made['it']['name']}", 100
    )
    usage.flush()  # commits the rows above and re-indexes the dataset counted
    from ckan.lib.search import rebuild

    for name in ("nhieu", "vua"):
        rebuild(made[name]["id"])

    expected = ["it", "nhieu", "vua", "khong"]  # 102, 50, 7, 0
    held = docsets.for_engine(model.meta.engine)
    before = held.answered
    assert _search("usage_total desc, metadata_modified desc") == expected
    assert held.answered > before  # answered from memory
    ckan_config["ckanext.angiang.search.docsets"] = False
    assert _search("usage_total desc, metadata_modified desc") == expected
    assert _search("usage_total asc") == ["khong", "vua", "nhieu", "it"]  # 0 first


def test_the_search_page_offers_most_used(app, agency):
    _dataset(agency, "mot")
    page = app.get("/dataset/", query_string={"sort": "usage_total desc, metadata_modified desc"})
    assert 'value="usage_total desc, metadata_modified desc" selected' in page.body
