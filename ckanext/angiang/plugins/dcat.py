"""The ``angiang_dcat`` plugin: the DCAT-AP 3 catalogue harvested by the
national data portal (Art. 7.7).

Enable it after ckanext-dcat's ``dcat`` (and ``structured_data`` for the
schema.org JSON-LD in dataset pages), with
``ckanext.dcat.rdf.profiles = angiang_dcat_ap``. It declares the catalogue's
options and replaces ckanext-dcat's catalogue actions with ones that only ever
publish public, active datasets.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.dcat import catalog


@tk.blanket.config_declarations("../config_declaration/dcat.yaml")
class AngiangDcatPlugin(p.SingletonPlugin):
    p.implements(p.IActions)

    # IActions
    def get_actions(self):
        return catalog.get_actions()
