"""The ``angiang_datastore`` plugin: the data API and previews (Art. 5.2b).

CKAN's ``datastore`` holds the tables, ``xloader`` fills them from uploaded and
harvested CSV/XLSX files, ``datatables_view`` previews them; this plugin makes
Vietnamese files load (encodings), limits the hosts files are fetched from,
gives xloader its API token, keeps the portal's SHA-256 and shows the load's
state on the resource page (:mod:`ckanext.angiang.datastore`). Needs
``datastore xloader datatables_view`` in ``ckan.plugins``; list it before
``scheming_datasets``: its resource page template builds on scheming's (CKAN
looks templates up in the plugins' order).
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.datastore import auth, helpers, xloader_seams
from ckanext.xloader.interfaces import IXloader


@tk.chained_action
def resource_patch(original, context, data_dict):
    return original(context, xloader_seams.drop_xloader_md5(context, data_dict))


@tk.blanket.config_declarations("../config_declaration/datastore.yaml")
@tk.blanket.helpers(helpers)
@tk.blanket.auth_functions(auth.get_auth_functions)
class AngiangDatastorePlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IActions)
    p.implements(IXloader, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../datastore/templates")
        tk.add_resource("../datastore/assets", "angiang_datastore")
        xloader_seams.jobs_db_in_portal_db(config)

    # IConfigurable: xloader's seams, in web processes and job workers alike
    def configure(self, config):
        xloader_seams.install()

    # IActions
    def get_actions(self):
        return {"resource_patch": resource_patch}

    # IXloader
    def can_upload(self, resource_id):
        return xloader_seams.can_upload(resource_id)
