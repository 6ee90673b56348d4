"""The ``angiang_sso`` plugin: SAML2 single sign-on for agency staff
(:mod:`ckanext.angiang.sso`)."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.sso import login, views


@tk.blanket.config_declarations("../config_declaration/sso.yaml")
@tk.blanket.blueprints(views.get_blueprints)
class AngiangSsoPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IAuthenticator, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../sso/templates")

    # IAuthenticator
    def login(self):
        return login.before_login()

    def logout(self):
        return views.start_logout()
