"""The ``angiang_catalogue`` plugin: the official open data catalogue issued
by the PPC Chairman (Art. 7.1, 8.1, 8.3), its public pages, API and
``ckan angiang catalogue`` commands. Enable it with ``angiang`` and
``angiang_schema``; ``ckan db upgrade`` creates its tables."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.catalogue import action, auth, cli, helpers, views


@tk.blanket.config_declarations("../config_declaration/catalogue.yaml")
@tk.blanket.actions(action)
@tk.blanket.auth_functions(auth)
@tk.blanket.helpers(helpers)
@tk.blanket.blueprints(views.get_blueprints)
@tk.blanket.cli(cli.get_commands)
class AngiangCataloguePlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../templates")
