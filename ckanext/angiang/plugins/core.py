"""The ``angiang`` plugin: the portal's UI, language, health check and CLI;
who may see a draft (:mod:`ckanext.angiang.permissions`, Art. 8.2); and the
portal-wide checks on what CKAN's own actions read and reveal (request guard,
chained actions and auth: ``logic/chains.py``)."""

from __future__ import annotations

import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.angiang import cli, helpers, outage, permissions, request_guard, views
from ckanext.angiang.logic import chains

_HERE = os.path.dirname(os.path.dirname(__file__))
_labels = permissions.AngiangPermissionLabels()


@tk.blanket.config_declarations("../config_declaration/angiang.yaml")
@tk.blanket.helpers(helpers)
@tk.blanket.cli(cli.get_commands)
@tk.blanket.blueprints(views.get_blueprints)
@tk.blanket.actions(chains.get_actions)
@tk.blanket.auth_functions(chains.get_auth_functions)
class AngiangPlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IPermissionLabels)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../templates")
        tk.add_public_directory(config, "../public")
        tk.add_resource("../assets", "angiang")

    # IMiddleware: refuse input no action can store (NUL, deep JSON) with a
    # 400; a database outage is a 503 with Retry-After, not a 500
    def make_middleware(self, app, config):
        if hasattr(app, "before_request"):  # the Flask app
            app.before_request(request_guard.refuse_bad_input)
            outage.install(app)
        return app

    # ITranslation: one catalogue for the whole suite
    def i18n_directory(self):
        return os.path.join(_HERE, "i18n")

    def i18n_domain(self):
        return "ckanext-angiang"

    # IPermissionLabels: drafts visible to their creator only (Art. 8.2)
    def get_dataset_labels(self, dataset_obj):
        return _labels.get_dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj):
        return _labels.get_user_dataset_labels(user_obj)
