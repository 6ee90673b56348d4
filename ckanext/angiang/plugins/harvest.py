"""The ``angiang_harvest`` plugin: harvesting in the portal's language.

ckanext-harvest ships no Vietnamese catalogue; this plugin adds one
(``i18n/vi/LC_MESSAGES/ckanext-angiang-harvest.po``, its own domain so the
suite's main catalogue stays the i18n engineer's). CKAN merges the
catalogues of every ITranslation plugin, so the harvest UI's strings are
translated wherever they appear. It also brings the harvest workers'
commands (``ckan angiang-harvest gather-consumer|fetch-consumer|scheduler``,
:mod:`ckanext.angiang.harvesters.workers`). The harvesters themselves are separate
plugins: ``angiang_openapi_harvester``, ``angiang_ckan_harvester``,
``angiang_dcat_rdf_harvester``.
"""

from __future__ import annotations

import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.angiang.harvesters import cli

_I18N = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")


@tk.blanket.cli(cli.get_commands)
class AngiangHarvestPlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.ITranslation)

    def i18n_directory(self):
        return _I18N

    def i18n_domain(self):
        return "ckanext-angiang-harvest"
