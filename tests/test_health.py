import pytest


@pytest.mark.usefixtures("with_plugins")
def test_healthz_reports_each_service(app):
    res = app.get("/healthz", status=None)
    body = res.json
    assert set(body["services"]) == {"database", "redis", "search"}
    assert body["services"]["database"]["status"] == "up"
    assert body["services"]["redis"]["status"] == "up"
    # Search is served from PostgreSQL (angiang_search), so it is up too.
    assert body["services"]["search"]["status"] == "up", body["services"]["search"]
    assert res.status_code == 200 and body["status"] == "up"
    assert "no-store" in res.headers["Cache-Control"]
