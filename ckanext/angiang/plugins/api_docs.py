"""The ``angiang_api_docs`` plugin: the portal's API described in OpenAPI 3.1
(``/api/openapi.json``), a Vietnamese docs page (``/api/docs``, Swagger UI
served by the portal, no CDN) and the links to it from the footer and the
dataset search page (:mod:`ckanext.angiang.openapi`)."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.openapi import views


@tk.blanket.config_declarations("../config_declaration/api_docs.yaml")
@tk.blanket.blueprints(views.get_blueprints)
class AngiangApiDocsPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../openapi/templates")
        tk.add_public_directory(config, "../openapi/public")
