"""The ``angiang_search`` plugin: all of CKAN's dataset search served from
PostgreSQL (:mod:`ckanext.angiang.search`). Without it CKAN uses Solr.
Who sees what is not decided here: CKAN's permission labels, with the
draft rule of the ``angiang`` plugin (:mod:`ckanext.angiang.permissions`)."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.search import backend, hooks


@tk.blanket.config_declarations("../config_declaration/search.yaml")
class AngiangSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)

    # IConfigurer
    def update_config(self, config):
        backend.install(config)

    # IPackageController
    def before_dataset_search(self, search_params):
        return hooks.before_dataset_search(search_params)
