"""The ``angiang_catalogue`` plugin: the official open data catalogue issued
by the PPC Chairman (Art. 7.1, 8.1, 8.3), its public pages, API and
``ckan angiang catalogue`` commands; the freshness of datasets (Art. 8.3,
12.2) with its search facet, overdue list and reminders
(``ckan angiang freshness``); review before publishing (Art. 9.6),
harvest sources' attestations included; usage figures and the six-month
report (Art. 17.2, ``ckan angiang report``); the compliance dashboard, link
checker and integrity job (Art. 9.2, 11.1, 15). Enable it with ``angiang``
and ``angiang_schema``; ``ckan db upgrade`` creates its tables."""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.catalogue import (
    action,
    auth,
    cli,
    compliance_action,
    freshness,
    helpers,
    review_action,
    usage,
    usage_action,
    views,
)


def _actions():
    modules = (action, review_action, usage_action, compliance_action)
    return {name: getattr(m, name) for m in modules for name in m.__all__}


@tk.blanket.config_declarations("../config_declaration/catalogue.yaml")
@tk.blanket.actions(_actions)
@tk.blanket.auth_functions(auth)
@tk.blanket.helpers(helpers)
@tk.blanket.blueprints(views.get_blueprints)
@tk.blanket.cli(cli.get_commands)
class AngiangCataloguePlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../templates")

    # IPackageController: the last real data update, the freshness facet
    def after_dataset_create(self, context, pkg_dict):
        freshness.record(pkg_dict["id"])

    def after_dataset_update(self, context, pkg_dict):
        freshness.record(pkg_dict["id"])

    def before_dataset_index(self, pkg_dict):
        return usage.index_field(freshness.index_field(pkg_dict))

    def after_dataset_search(self, search_results, search_params):
        return freshness.label_facet(search_results)

    # IFacets: "Update status" (overdue / up to date) on the search pages
    def dataset_facets(self, facets_dict, package_type):
        return freshness.add_facet(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return freshness.add_facet(facets_dict)

    # IMiddleware: count page views, downloads and API calls (Art. 17.2)
    def make_middleware(self, app, config):
        if hasattr(app, "after_request"):  # the Flask app
            app.after_request(usage.count_request)
        return app
