"""The ``angiang_security`` plugin: the portal's web defences.

Security headers on every response and on downloads, CSRF exemptions scoped
to one request, login throttling, and what anonymous visitors see of users.
The logic lives in ``ckanext/angiang/security/``; each hook delegates.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.config.middleware import flask_app
from ckan.lib import signals

from ckanext.angiang.security import csrf, headers, privacy, throttle


def _helpers():
    return {"angiang_csp_nonce": headers.csp_nonce}


@tk.blanket.config_declarations("../config_declaration/security.yaml")
@tk.blanket.actions(privacy)
@tk.blanket.helpers(_helpers)
class AngiangSecurityPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IAuthenticator, inherit=True)

    # IConfigurer: templates without inline scripts or handlers
    def update_config(self, config):
        tk.add_template_directory(config, "../templates/security")

    # IConfigurable: count failed logins (CKAN's signals)
    def configure(self, config):
        signals.failed_login.connect(throttle.on_failed_login)
        signals.user_logged_in.connect(throttle.on_logged_in)

    # IMiddleware: runs after CKAN set up CSRFProtect on the Flask app
    def make_middleware(self, app, config):
        if hasattr(app, "after_request"):  # the Flask app
            csrf.install(flask_app.csrf)
            app.after_request(headers.add_security_headers)
        return app

    # IAuthenticator: refuse a login while its account or address is locked
    def login(self):
        return throttle.refuse_if_locked()
