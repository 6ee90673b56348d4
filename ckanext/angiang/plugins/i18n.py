"""The ``angiang_i18n`` plugin: CKAN core's own strings, completed in
Vietnamese.

CKAN 2.12 ships ``ckan/i18n/vi`` half translated. Flask-babel loads core's
``ckan`` catalogue first, then one (directory, domain) pair per ITranslation
plugin, each merged over the previous ones; ``ckan translation js`` reads the
same .po files in the same order for the JavaScript strings. This plugin adds
our complete ``ckan`` catalogue (``i18n/core``) to that chain, so core's
untranslated msgids get a translation without touching site-packages. The
suite's own domain (``ckanext-angiang``) is registered by the ``angiang``
plugin.
"""
from __future__ import annotations

import ckan.plugins as p
from ckan.lib.plugins import DefaultTranslation

from ckanext.angiang import translation


class AngiangI18nPlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.ITranslation)

    # ITranslation
    def i18n_directory(self):
        return str(translation.CORE_COMPLETION_DIR)

    def i18n_domain(self):
        return translation.CORE_DOMAIN
