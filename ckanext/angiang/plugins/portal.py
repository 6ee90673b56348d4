"""The ``angiang_portal`` plugin: the province's own face (issue #13 items 1
and 4): header, logo, footer, the home page, the portal's pages and the
page fixes (facets, results, agency pages, Vietnamese order of agency lists,
initials instead of avatars). Logic in :mod:`ckanext.angiang.portal`.

List it first in ``ckan.plugins``: its templates replace some of scheming's
(an agency's "about" page) and ckanext-activity's (the activity filter).
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.portal import auth, facets, helpers, ordering, pages, views

#: CKAN's own default of ``ckan.auth.route_after_login``.
_CORE_LANDING = "dashboard.datasets"


def _actions():
    return {
        **{n: getattr(pages, n) for n in pages.__all__},
        **{n: getattr(ordering, n) for n in ordering.__all__},
    }


@tk.blanket.helpers(helpers)
@tk.blanket.auth_functions(auth)
@tk.blanket.actions(_actions)
@tk.blanket.blueprints(views.get_blueprints)
class AngiangPortalPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../portal/templates")
        tk.add_public_directory(config, "../portal/public")
        tk.add_resource("../portal/assets", "angiang_portal")
        # no avatar is ever fetched from gravatar.com (a third-party request per
        # page, and the e-mail's hash sent out): initials instead
        config["ckan.gravatar_default"] = "disabled"
        # staff land on their agency, not on an empty personal dashboard
        if config.get("ckan.auth.route_after_login") in (None, "", _CORE_LANDING):
            config["ckan.auth.route_after_login"] = "angiang_portal.landing"

    # IMiddleware: the home page without CKAN's search for what it never shows
    def make_middleware(self, app, config):
        views.replace_core_home(app)
        return app

    # IFacets: no "Groups" facet while the portal has no group (it classifies
    # datasets by theme; an empty facet only says "no groups match")
    def dataset_facets(self, facets_dict, package_type):
        return facets.without_empty_groups(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return facets.without_empty_groups(facets_dict)

    # IPackageController: licence facet titles in the page's language
    def after_dataset_search(self, search_results, search_params):
        return facets.license_titles_in_page_language(search_results)
