"""The ``angiang_accounts`` plugin: rules of local accounts
(:mod:`ckanext.angiang.local_accounts`). Enable CKAN's ``expire_api_token``
with it for tokens with an expiry."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.local_accounts import confirmation, password, tokens, twofactor, views


@tk.blanket.config_declarations("../config_declaration/accounts.yaml")
@tk.blanket.blueprints(views.get_blueprints)
class AngiangAccountsPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IValidators)
    p.implements(p.IActions)
    p.implements(p.IApiToken, inherit=True)
    p.implements(p.IAuthenticator, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../local_accounts/templates")

    # IValidators
    def get_validators(self):
        return password.get_validators()

    # IActions
    def get_actions(self):
        return {"user_create": confirmation.user_create}

    # IApiToken
    def create_api_token_schema(self, schema):
        return tokens.create_api_token_schema(schema)

    # IAuthenticator: the second factor of a password login
    def login(self):
        return twofactor.before_login()

    # IMiddleware: who must use 2FA sets it up first
    def make_middleware(self, app, config):
        if hasattr(app, "before_request"):  # the Flask app
            app.before_request(twofactor.force_setup)
        return app
