"""xloader's API token, issued by the portal for its site user."""

import datetime as dt

import ckan.model as model
import ckan.plugins.toolkit as tk
import pytest
from ckan.lib.api_token import get_user_from_token

from ckanext.angiang.datastore import token

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db")


def test_monthly_token_of_the_site_user_idempotent_across_processes():
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    now = dt.datetime.now(dt.UTC)
    first, again = token.portal_token(now), token.portal_token(now)
    assert first == again  # a pure function of the secret, the site id and the month
    assert get_user_from_token(first).name == site_user["name"]
    rows = (
        model.Session.query(model.ApiToken).filter(model.ApiToken.user_id == site_user["id"]).all()
    )
    assert [r.id for r in rows] == [f"angiang-xloader-angiang-{now:%Y%m}"]
    # a new month, a new token; this month's stays valid until the next one ends
    assert token.portal_token(now + dt.timedelta(days=32)) != first
    assert get_user_from_token(first).name == site_user["name"]


def test_configured_token_wins(ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, token.OPTION, "configured-token")
    assert token.xloader_api_token() == "configured-token"


def test_no_site_user_no_token_and_nothing_committed():
    with pytest.raises(tk.ValidationError):
        token.portal_token()
    assert model.Session.query(model.ApiToken).count() == 0
