"""The ``angiang_accounts`` plugin: rules of local accounts
(:mod:`ckanext.angiang.local_accounts`). Enable CKAN's ``expire_api_token``
with it for tokens with an expiry."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.local_accounts import confirmation, password, tokens, views


@tk.blanket.config_declarations("../config_declaration/accounts.yaml")
@tk.blanket.blueprints(views.get_blueprints)
class AngiangAccountsPlugin(p.SingletonPlugin):
    p.implements(p.IValidators)
    p.implements(p.IActions)
    p.implements(p.IApiToken, inherit=True)

    # IValidators
    def get_validators(self):
        return password.get_validators()

    # IActions
    def get_actions(self):
        return {"user_create": confirmation.user_create}

    # IApiToken
    def create_api_token_schema(self, schema):
        return tokens.create_api_token_schema(schema)
