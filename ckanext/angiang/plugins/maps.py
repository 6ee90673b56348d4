"""The ``angiang_maps`` plugin: each dataset's spatial coverage on a map on
its page and a map filter on the search page (:mod:`ckanext.angiang.maps`).
Needs ckanext-spatial's ``spatial_metadata`` plugin in ``ckan.plugins`` (its
widgets, Leaflet and helpers); our snippets have names of their own."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.maps import helpers


@tk.blanket.config_declarations("../config_declaration/maps.yaml")
@tk.blanket.helpers(helpers)
class AngiangMapsPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../maps/templates")
        tk.add_resource("../maps/assets", "angiang-maps")
