"""Fixtures of the SSO tests: throwaway keys, a real pysaml2 IdP on
127.0.0.1, the portal configured as its service provider, two agencies."""

from __future__ import annotations

import re
import uuid
from html import unescape
from types import SimpleNamespace
from urllib.parse import urlparse

import ckan.model as model
import pytest
import requests

from .idp import IdP
from .keys import make_keypair

SSO_PLUGINS = ["angiang_sso"]
AGENCY_CODE = "000.00.01.H01"


@pytest.fixture(scope="session")
def sso_keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("sso-keys")
    return {
        "sp": make_keypair(d, "sp"),
        "idp": make_keypair(d, "idp"),
        "rogue": make_keypair(d, "rogue"),
    }


@pytest.fixture
def idp(sso_keys):
    server = IdP(*sso_keys["idp"]).start()
    yield server
    server.stop()


@pytest.fixture
def rogue_idp(sso_keys):
    """An IdP the portal's metadata does not list (its own key, entity ID)."""
    server = IdP(*sso_keys["rogue"], name="rogue").start()
    yield server
    server.stop()


@pytest.fixture
def sso_config(ckan_config, monkeypatch, request, sso_keys, idp, tmp_path):
    names = ckan_config.get("ckan.plugins") or []
    names = names.split() if isinstance(names, str) else list(names)
    monkeypatch.setitem(
        ckan_config, "ckan.plugins", names + [n for n in SSO_PLUGINS if n not in names]
    )
    metadata_file = tmp_path / "idp-metadata.xml"
    metadata_file.write_text(idp.metadata_xml(), encoding="utf-8")
    key, cert = sso_keys["sp"]
    for option, value in {
        "ckanext.saml2auth.idp_metadata.location": "local",
        "ckanext.saml2auth.idp_metadata.local_path": str(metadata_file),
        "ckanext.saml2auth.key_file_path": key,
        "ckanext.saml2auth.cert_file_path": cert,
        # refusal pages are checked in Vietnamese, the portal's language
        "ckan.locale_default": "vi",
    }.items():
        monkeypatch.setitem(ckan_config, option, value)
    request.getfixturevalue("with_plugins")
    return ckan_config


@pytest.fixture
def clean_db(clean_db_with_migrations):
    """CKAN's clean_db plus the plugins' migrations (angiang_sso's tables)."""


def make_agency(name: str, code: str) -> SimpleNamespace:
    """An agency (organization with an agency code); its id and name, which
    stay readable after the test app's requests end the ORM session."""
    group = model.Group(
        name=name, title=name.replace("-", " ").title(), type="organization", is_organization=True
    )
    group.id = str(uuid.uuid4())
    group.state = "active"
    group.extras = {"agency_code": code}
    model.Session.add(group)
    model.Session.commit()
    return SimpleNamespace(id=group.id, name=name)


@pytest.fixture
def agencies(sso_config, clean_db, clean_redis):
    return {
        "so-tai-chinh": make_agency("so-tai-chinh", AGENCY_CODE),
        "so-y-te": make_agency("so-y-te", "000.00.02.H01"),
    }


@pytest.fixture
def sso(agencies, idp, app):
    """The portal and the IdP trusting each other; ``sso.login()`` runs a
    whole browser round trip."""
    resp = app.get("/saml2/metadata")
    assert resp.status_code == 200, resp.get_data(as_text=True)[-3000:]
    idp.trust(resp.get_data(as_text=True))
    return Browser(app, idp)


class Browser:
    """What a browser does between the portal (Flask test client) and the
    IdP (real HTTP): follow the redirect, post the IdP's form."""

    def __init__(self, app, idp):
        self.app, self.idp = app, idp

    def start(self, came_from: str | None = None):
        """The portal's redirect to the IdP (a signed AuthnRequest)."""
        url = "/user/saml2login" + (f"?came_from={came_from}" if came_from else "")
        resp = self.app.get(url, follow_redirects=False)
        assert resp.status_code == 302, resp.get_data(as_text=True)
        return resp.headers["Location"]

    def idp_form(self, came_from: str | None = None, at=None) -> tuple[str, dict]:
        """The IdP's auto-submitted form: (action, fields). ``at``: another
        IdP the AuthnRequest is delivered to instead."""
        location = self.start(came_from)
        if at is not None:
            location = location.replace(self.idp.base, at.base, 1)
        resp = requests.get(location, timeout=30)
        assert resp.status_code == 200, resp.text
        action = unescape(re.search(r'action="([^"]+)"', resp.text).group(1))
        fields = {
            m.group(1): unescape(m.group(2))
            for m in re.finditer(r'name="([^"]+)" value="([^"]*)"', resp.text)
        }
        return action, fields

    def post(self, action: str, fields: dict):
        return self.app.post(urlparse(action).path, data=fields, follow_redirects=False)

    def login(self, came_from: str | None = None, at=None, **overrides):
        action, fields = self.idp_form(came_from, at)
        fields.update(overrides)
        return self.post(action, fields)


def new_uid() -> str:
    return "staff-" + uuid.uuid4().hex[:8]


def accounts() -> tuple:
    """Every user, membership and SSO link, to show a refused login changed none."""
    from sqlalchemy import select

    from ckanext.angiang.sso.tables import identity_table

    model.Session.expire_all()
    users = sorted(
        (u.name, u.email, u.fullname, u.state, u.password) for u in model.Session.query(model.User)
    )
    members = sorted(
        (m.group_id, m.table_id, m.capacity, m.state)
        for m in model.Session.query(model.Member).filter_by(table_name="user")
    )
    links = sorted(tuple(r) for r in model.Session.execute(select(identity_table)))
    return users, members, links


def assert_refused(resp, status: int, reason: str, vietnamese: str) -> None:
    body = resp.get_data(as_text=True)
    assert resp.status_code == status, body[-2000:]
    assert f'data-reason="{reason}"' in body
    assert vietnamese in body
    assert "Location" not in resp.headers
