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

import os

import ckan.plugins as p
from ckan.lib.plugins import DefaultTranslation

#: Our completion of CKAN core's catalogue: a directory of its own, because
#: CKAN's JS translation builder keys catalogues by directory.
CORE_COMPLETION_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n", "core")
CORE_DOMAIN = "ckan"


class AngiangI18nPlugin(DefaultTranslation, p.SingletonPlugin):
    p.implements(p.ITranslation)

    # ITranslation
    def i18n_directory(self):
        return CORE_COMPLETION_DIR

    def i18n_domain(self):
        return CORE_DOMAIN
