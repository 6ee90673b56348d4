"""The ``angiang`` plugin: the portal's UI, language, health check and CLI."""
from __future__ import annotations

import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.angiang import cli, helpers, views

_HERE = os.path.dirname(os.path.dirname(__file__))


@tk.blanket.config_declarations("../config_declaration/angiang.yaml")
@tk.blanket.helpers(helpers)
@tk.blanket.cli(cli.get_commands)
@tk.blanket.blueprints(views.get_blueprints)
class AngiangPlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../templates")
        tk.add_public_directory(config, "../public")
        tk.add_resource("../assets", "angiang")

    # ITranslation: one catalogue for the whole suite
    def i18n_directory(self):
        return os.path.join(_HERE, "i18n")

    def i18n_domain(self):
        return "ckanext-angiang"
