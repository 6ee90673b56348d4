"""The ``angiang_search`` plugin: all of CKAN's dataset search served from
PostgreSQL (:mod:`ckanext.angiang.search`). Without it CKAN uses Solr."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.search import backend, hooks
from ckanext.angiang.search.permissions import AngiangPermissionLabels

_labels = AngiangPermissionLabels()


@tk.blanket.config_declarations("../config_declaration/search.yaml")
class AngiangSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IPermissionLabels)

    # IConfigurer
    def update_config(self, config):
        backend.install(config)

    # IPackageController
    def before_dataset_search(self, search_params):
        return hooks.before_dataset_search(search_params)

    # IPermissionLabels (drafts visible to their creator only)
    def get_dataset_labels(self, dataset_obj):
        return _labels.get_dataset_labels(dataset_obj)

    def get_user_dataset_labels(self, user_obj):
        return _labels.get_user_dataset_labels(user_obj)
