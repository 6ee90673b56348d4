"""Freshness (Art. 8.3, 12.2 "live"): the last real data update, the next due
date, overdue in search, on the dataset page and per agency, and the daily
job's reminders to focal points through a real SMTP server on 127.0.0.1."""

import datetime
from email import message_from_bytes
from email.header import decode_header, make_header

import ckan.model as model
import ckan.plugins.toolkit as tk
import ckan.tests.helpers as helpers
import pytest
import sqlalchemy as sa
from angiang_testing import factories
from ckan.cli.cli import ckan as ckan_cli

from ckanext.angiang.catalogue import freshness, jobs, reminders

from .conftest import import_first_decision
from .smtp_server import SMTPServer

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")
TODAY = datetime.date.today()


@pytest.fixture
def smtp(ckan_config, monkeypatch):
    server = SMTPServer().start()
    monkeypatch.setitem(ckan_config, "smtp.server", server.address)
    yield server
    server.stop()


@pytest.fixture
def context(sysadmin):
    return {"user": sysadmin["name"]}


def _dataset(context, org, **kw):
    data = factories.dataset_dict(org["id"], **kw)
    data["resources"] = [
        {
            "url": f"https://data.angiang.gov.vn/{data.get('name', 'x')}.csv",
            "format": "CSV",
            "name": "Dữ liệu",
        }
    ]
    return helpers.call_action("package_create", dict(context), **data)


def _updated(package_id):
    return model.Session.execute(
        sa.select(freshness.cm.freshness.c.data_updated).where(
            freshness.cm.freshness.c.package_id == package_id
        )
    ).scalar()


def _age(package_id, days):
    """The data as last updated ``days`` ago (time passing, not a write)."""
    model.Session.execute(
        sa.text(
            "UPDATE angiang_freshness SET data_updated = data_updated - make_interval(days => :d) "
            "WHERE package_id = :id"
        ),
        {"d": days, "id": package_id},
    )
    model.Session.commit()


def test_next_due_by_frequency():
    day = datetime.datetime(2025, 1, 31, 10)
    assert freshness.next_due("MONTHLY", day) == datetime.date(2025, 2, 28)
    assert freshness.next_due("QUARTERLY", day) == datetime.date(2025, 4, 30)
    assert freshness.next_due("ANNUAL", day) == datetime.date(2026, 1, 31)
    assert freshness.next_due("WEEKLY", day) == datetime.date(2025, 2, 7)
    assert freshness.next_due("IRREG", day) is None
    assert freshness.state(None) == freshness.UNSCHEDULED
    assert freshness.state(datetime.date(2025, 2, 28), datetime.date(2025, 3, 1)) == "overdue"
    assert freshness.state(datetime.date(2025, 2, 28), datetime.date(2025, 2, 28)) == "current"


def test_only_a_data_change_is_an_update(context, agencies):
    ds = _dataset(context, agencies["yte"], name="benh-vien")
    first = _updated(ds["id"])
    helpers.call_action(
        "package_patch", dict(context), id=ds["id"], title="Bệnh viện (sửa)", notes="Mô tả mới"
    )
    assert _updated(ds["id"]) == first  # a metadata edit does not count
    resource = ds["resources"][0]
    helpers.call_action("resource_patch", dict(context), id=resource["id"], name="Tên mới")
    assert _updated(ds["id"]) == first  # nor a resource's name
    helpers.call_action(
        "resource_patch",
        dict(context),
        id=resource["id"],
        url="https://data.angiang.gov.vn/benh-vien-2026.csv",
    )
    second = _updated(ds["id"])
    assert second > first
    helpers.call_action(
        "resource_create",
        dict(context),
        package_id=ds["id"],
        format="JSON",
        url="https://data.angiang.gov.vn/benh-vien.json",
    )
    assert _updated(ds["id"]) > second


def test_the_catalogue_entry_sets_the_frequency(context, sysadmin, agencies):
    import_first_decision(sysadmin["name"])
    ds = _dataset(
        context, agencies["yte"], name="giuong-benh", frequency="ANNUAL", catalogue_code="DLM.YT.02"
    )  # the entry: quarterly
    fresh = freshness.of_dataset(ds["id"])
    assert fresh["frequency"] == "QUARTERLY"
    assert fresh["next_due"] == freshness.add_months(_updated(ds["id"]).date(), 3)


def test_overdue_in_search_on_the_page_and_per_agency(app, context, agencies):
    late = _dataset(
        context, agencies["yte"], name="so-lieu-cu", title="Số liệu cũ", frequency="MONTHLY"
    )
    _dataset(context, agencies["yte"], name="so-lieu-moi", title="Số liệu mới", frequency="MONTHLY")
    hidden = _dataset(
        context, agencies["gd"], name="noi-bo", title="Nội bộ cũ", frequency="MONTHLY", private=True
    )
    _dataset(context, agencies["gd"], name="khi-can", title="Khi cần", frequency="IRREG")
    for ds in (late, hidden):
        _age(ds["id"], 70)
    assert freshness.refresh_index() == 2  # time made them overdue: re-indexed
    assert freshness.refresh_index() == 0
    result = helpers.call_action(
        "package_search",
        {"ignore_auth": True},
        **{"facet.field": ["freshness"], "include_private": True},
    )
    facet = {i["name"]: i["count"] for i in result["search_facets"]["freshness"]["items"]}
    assert facet == {"overdue": 2, "current": 1, "unscheduled": 1}
    found = helpers.call_action("package_search", fq="freshness:overdue")
    assert [d["name"] for d in found["results"]] == ["so-lieu-cu"]  # anonymous: public only
    page = app.get("/dataset/so-lieu-cu").body
    assert "Update overdue" in page
    # the due day itself, not an empty "by ." (CKAN renders a date object as nothing)
    due = freshness.of_dataset(late["id"])["next_due"]
    with app.flask_app.test_request_context():
        shown = tk.h.render_datetime(datetime.datetime.combine(due, datetime.time(12)))
    assert shown and f"updated by {shown}." in page
    assert "Next data update due by ." not in app.get("/dataset/so-lieu-moi").body
    assert "Next data update due by" in app.get("/dataset/so-lieu-moi").body
    listing = app.get("/catalogue/overdue").body
    assert f"<td>{shown}</td>" in listing
    assert 'data-name="so-lieu-cu"' in listing and "noi-bo" not in listing
    assert 'id="agency-so-y-te"' in listing
    search_page = app.get("/dataset/").body
    assert "Update status" in search_page and "Update overdue" in search_page


def _mails(server):
    out = []
    for envelope in server.messages:
        msg = message_from_bytes(envelope.content)
        body = msg.get_payload(decode=True).decode(msg.get_content_charset() or "utf-8")
        out.append((envelope.rcpt_tos, str(make_header(decode_header(msg["Subject"]))), body))
    return out


def test_reminders_once_per_overdue_period(smtp, context, agencies):
    a = _dataset(context, agencies["yte"], name="tap-a", title="Tập A", frequency="MONTHLY")
    b = _dataset(context, agencies["yte"], name="tap-b", title="Tập B", frequency="QUARTERLY")
    c = _dataset(context, agencies["gd"], name="tap-c", title="Tập C", frequency="MONTHLY")
    for ds in (a, b, c):
        _age(ds["id"], 100)
    result = reminders.run()
    assert (result["overdue"], result["sent"], result["emails"]) == (3, 3, 2)
    mails = sorted(_mails(smtp))
    assert sorted(m[0][0] for m in mails) == sorted(
        [agencies["yte"]["focal_point_email"], agencies["gd"]["focal_point_email"]]
    )
    yte_mail = next(m for m in mails if m[0] == [agencies["yte"]["focal_point_email"]])
    assert "Tập A" in yte_mail[2] and "Tập B" in yte_mail[2] and "Tập C" not in yte_mail[2]
    assert "/dataset/tap-a" in yte_mail[2] and "Sở Y tế" in yte_mail[1]
    # the next day: nothing new to say
    again = reminders.run(TODAY + datetime.timedelta(days=1))
    assert again["sent"] == 0 and len(smtp.messages) == 2
    # A's data is updated, then falls overdue again: a new period, a new reminder
    helpers.call_action(
        "resource_patch",
        dict(context),
        id=a["resources"][0]["id"],
        url="https://data.angiang.gov.vn/a-2.csv",
    )
    later = reminders.run(TODAY + datetime.timedelta(days=40))
    assert later["sent"] == 1 and "Tập A" in _mails(smtp)[-1][2]
    sent = [h for h in reminders.history() if h["outcome"] == "sent"]
    assert len(sent) == 4


def test_smtp_down_is_retried_without_duplicates(smtp, ckan_config, monkeypatch, context, agencies):
    ds = _dataset(context, agencies["yte"], name="tap-a", title="Tập A", frequency="MONTHLY")
    _age(ds["id"], 100)
    down = SMTPServer().start()
    down.stop()  # a port where nothing listens any more
    monkeypatch.setitem(ckan_config, "smtp.server", down.address)
    result = reminders.run()
    assert (result["sent"], result["failed"]) == (0, 1)
    assert reminders.history()[0]["outcome"] == "failed" and reminders.history()[0]["error"]
    monkeypatch.setitem(ckan_config, "smtp.server", smtp.address)
    assert reminders.run()["sent"] == 1
    assert reminders.run()["sent"] == 0
    assert len(smtp.messages) == 1


def test_agency_without_focal_point_email_is_recorded(smtp, context):
    org = factories.Agency()
    group = model.Group.get(org["id"])  # an agency from before the schema required one
    group.extras["focal_point_email"] = ""
    model.Session.commit()
    ds = _dataset(context, org, name="tap-a", frequency="MONTHLY")
    _age(ds["id"], 100)
    assert reminders.run()["failed"] == 1
    assert reminders.history()[0]["error"] == "no focal point email"
    assert smtp.messages == []


@pytest.mark.usefixtures("clean_redis")
def test_the_scheduler_enqueues_the_job_once_a_day(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.angiang.freshness.hour", 6)
    monkeypatch.setitem(ckan_config, "ckanext.angiang.compliance.hour", 8)
    morning = datetime.datetime.combine(TODAY, datetime.time(7))
    assert not jobs.tick(morning.replace(hour=5))
    assert jobs.tick(morning)
    assert [j["title"] for j in helpers.call_action("job_list")] == [jobs.TITLE]
    assert not jobs.tick(morning.replace(hour=9))  # another scheduler, or later: no
    # the compliance job's own hour came: enqueued once too
    assert not jobs.tick(morning.replace(hour=10))
    queued = helpers.call_action("job_list")
    assert [j["title"] for j in queued] == [jobs.TITLE, jobs.COMPLIANCE_TITLE]
    assert jobs.job()["overdue"] == 0


def test_cli_freshness(cli, smtp, context, agencies, monkeypatch):
    # the command loads its configuration afresh; CKAN applies this variable over it
    monkeypatch.setenv("CKAN_SMTP_SERVER", smtp.address)
    ds = _dataset(context, agencies["yte"], name="tap-a", title="Tập A", frequency="MONTHLY")
    _age(ds["id"], 100)
    listing = cli.invoke(ckan_cli, ["angiang", "freshness", "--list"])
    assert listing.exit_code == 0 and "\ttap-a\tTập A" in listing.output
    run = cli.invoke(ckan_cli, ["angiang", "freshness"])
    assert run.exit_code == 0, run.output
    assert '"sent": 1' in run.output and len(smtp.messages) == 1
