"""Fixtures of the local-account tests: the accounts plugin with CKAN's
expire_api_token, and a real SMTP server on an ephemeral port."""

from __future__ import annotations

import pytest

from .smtp import SMTPServer

PLUGINS = ["angiang_accounts", "expire_api_token"]


@pytest.fixture
def smtp():
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def accounts_config(ckan_config, monkeypatch, request, smtp):
    names = ckan_config.get("ckan.plugins") or []
    names = names.split() if isinstance(names, str) else list(names)
    monkeypatch.setitem(ckan_config, "ckan.plugins", names + [n for n in PLUGINS if n not in names])
    monkeypatch.setitem(ckan_config, "smtp.server", smtp.address)
    monkeypatch.setitem(ckan_config, "ckan.locale_default", "vi")
    # ckan.ini (which test.ini reads) turns it off for the SMTP-less dev portal
    monkeypatch.setitem(ckan_config, "ckanext.angiang.accounts.email_confirmation", True)
    request.getfixturevalue("with_plugins")
    return ckan_config


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db plus the plugins' migrations."""


@pytest.fixture
def portal(accounts_config, clean_db, app):
    return app
