"""Item 6 of issue 17: login throttling per account and per address, in
Redis (every worker process counts together), configurable."""

import pytest
from ckan.lib.redis import connect_to_redis
from ckan.tests import factories as ckan_factories

OPTION = "ckanext.angiang.security.login_throttle"
pytestmark = [
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_redis"),
    pytest.mark.ckan_config(f"{OPTION}.max_failures", 3),
    pytest.mark.ckan_config(f"{OPTION}.max_failures_per_address", 5),
    pytest.mark.ckan_config(f"{OPTION}.lockout", 600),
]

PASSWORD = "Mat-khau-an-toan-2026"
LOGIN = "/vi/user/login"


def _login(app, login, password, **environ):
    return app.post(
        LOGIN, data={"login": login, "password": password}, extra_environ=environ or None
    )


def _logged_in(res):
    return res.status_code == 200 and "/user/_logout" in res.body


class TestPerAccount:
    def test_account_locked_after_failures_even_with_the_right_password(self, app):
        user = ckan_factories.User(password=PASSWORD)
        for _ in range(3):
            res = _login(app, user["name"], "sai-mat-khau")
            assert res.status_code == 200 and not _logged_in(res)
        res = _login(app, user["name"], PASSWORD)
        assert res.status_code == 429
        assert "Đăng nhập sai quá nhiều lần" in res.body and "10 phút" in res.body
        assert 0 < int(res.headers["Retry-After"]) <= 600
        assert not _logged_in(res)

    def test_locked_by_e_mail_too(self, app):
        user = ckan_factories.User(password=PASSWORD, email="cong-dan@example.vn")
        for _ in range(3):
            _login(app, "cong-dan@example.vn", "sai")
        assert _login(app, user["name"], PASSWORD).status_code == 429

    def test_other_accounts_unaffected_and_success_clears_the_count(
        self, app, ckan_config, monkeypatch
    ):
        monkeypatch.setitem(ckan_config, f"{OPTION}.max_failures_per_address", 100)
        locked = ckan_factories.User(password=PASSWORD)
        other = ckan_factories.User(password=PASSWORD)
        for _ in range(3):
            _login(app, locked["name"], "sai")
        assert _logged_in(_login(app, other["name"], PASSWORD))
        # two failures, a success, two failures: never three in a row
        fresh = ckan_factories.User(password=PASSWORD)
        for _ in range(2):
            _login(app, fresh["name"], "sai")
        app.get("/user/_logout")
        assert _logged_in(_login(app, fresh["name"], PASSWORD))
        app.get("/user/_logout")
        for _ in range(2):
            _login(app, fresh["name"], "sai")
        assert _logged_in(_login(app, fresh["name"], PASSWORD))

    def test_unknown_accounts_are_locked_alike(self, app):
        # a lock does not tell whether an account exists
        for _ in range(3):
            _login(app, "khong-ton-tai", "sai")
        assert _login(app, "khong-ton-tai", "sai").status_code == 429

    def test_counted_across_worker_processes(self, app, make_app):
        # a second app (another gunicorn worker) shares the count in Redis
        user = ckan_factories.User(password=PASSWORD)
        _login(app, user["name"], "sai")
        _login(app, user["name"], "sai")
        other_worker = make_app()
        _login(other_worker, user["name"], "sai")
        assert _login(app, user["name"], PASSWORD).status_code == 429
        assert any(
            k.startswith(b"angiang:login:lock:account:") for k in connect_to_redis().keys("*")
        )


class TestPerAddress:
    def test_address_locked_after_failures_on_several_accounts(self, app):
        users = [ckan_factories.User(password=PASSWORD) for _ in range(5)]
        for u in users:
            _login(app, u["name"], "sai", REMOTE_ADDR="203.0.113.7")
        fresh = ckan_factories.User(password=PASSWORD)
        assert _login(app, fresh["name"], PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429
        # from another address the account logs in
        assert _logged_in(_login(app, fresh["name"], PASSWORD, REMOTE_ADDR="198.51.100.2"))

    @pytest.mark.ckan_config("ckanext.angiang.security.trusted_proxy_count", 1)
    def test_behind_a_proxy_the_forwarded_address_counts(self, app):
        users = [ckan_factories.User(password=PASSWORD) for _ in range(5)]
        for u in users:
            # the client may prepend anything; the proxy appends what it saw
            _login(
                app,
                u["name"],
                "sai",
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR=f"1.2.3.{len(u['name']) % 9}, 203.0.113.9",
            )
        fresh = ckan_factories.User(password=PASSWORD)
        assert (
            _login(
                app,
                fresh["name"],
                PASSWORD,
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR="203.0.113.9",
            ).status_code
            == 429
        )
        assert _logged_in(
            _login(
                app,
                fresh["name"],
                PASSWORD,
                REMOTE_ADDR="10.0.0.2",
                HTTP_X_FORWARDED_FOR="203.0.113.10",
            )
        )


def test_throttling_can_be_turned_off(app, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, f"{OPTION}.max_failures", 0)
    monkeypatch.setitem(ckan_config, f"{OPTION}.max_failures_per_address", 0)
    user = ckan_factories.User(password=PASSWORD)
    for _ in range(10):
        _login(app, user["name"], "sai")
    assert _logged_in(_login(app, user["name"], PASSWORD))
