"""The ``angiang_schema`` plugin: the provincial metadata model.

Datasets and agencies are defined in scheming YAML (``schemas/``); this
plugin adds the validators, helpers, actions and auth those schemas use, the
portal licence register, SHA-256 of uploads, the licence ``Link`` header on
downloads, the licence and agency-tree pages and redirects of renamed or
merged agencies. Enable it with ``scheming_datasets scheming_organizations``.
"""

from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang import indexing
from ckanext.angiang.agencies import views as agency_views
from ckanext.angiang.logic import action, auth, validators
from ckanext.angiang.metadata import checksum, licenses
from ckanext.angiang.metadata_views import downloads, helpers
from ckanext.angiang.metadata_views import licences as licence_views


def _blueprints():
    return licence_views.get_blueprints() + agency_views.get_blueprints()


@tk.blanket.config_declarations("../config_declaration/schema.yaml")
@tk.blanket.validators(validators)
@tk.blanket.actions(action)
@tk.blanket.auth_functions(auth)
@tk.blanket.helpers(helpers)
@tk.blanket.blueprints(_blueprints)
class AngiangSchemaPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IUploader, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IFacets, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "../templates")

    # IConfigurable: CKAN keeps one licence register per process on model.Package
    def configure(self, config):
        licenses.install()

    # IUploader: hash uploads (Art. 9.2); other uploads use CKAN's uploader
    def get_resource_uploader(self, data_dict):
        return checksum.ChecksumResourceUpload(data_dict)

    def get_uploader(self, upload_to, old_filename=None):
        return None

    # IMiddleware
    def make_middleware(self, app, config):
        if hasattr(app, "after_request"):  # the Flask app
            app.after_request(licence_views.add_license_link)
            app.before_request(agency_views.redirect_former_name)
            downloads.guard_missing_files(app)
        return app

    # IPackageController: list fields indexed as lists; theme facet labels
    def before_dataset_index(self, data_dict):
        return indexing.lists_for_index(data_dict)

    def after_dataset_search(self, search_results, search_params):
        return indexing.label_facets(search_results)

    # IFacets: the theme facet on the search, agency and group pages
    def dataset_facets(self, facets_dict, package_type):
        return indexing.add_facets(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return indexing.add_facets(facets_dict)

    def group_facets(self, facets_dict, group_type, package_type):
        return indexing.add_facets(facets_dict)
