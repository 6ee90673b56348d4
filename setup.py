# Dependencies are pinned in requirements.txt (the one place); this file only
# declares the package and its CKAN plugins.
from setuptools import find_namespace_packages, setup

setup(
    name="ckanext-angiang",
    version="0.1.0",
    description="An Giang province open data portal (CKAN 2.12 extensions)",
    license="AGPL-3.0-or-later",
    packages=find_namespace_packages(include=["ckanext", "ckanext.*"]),
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.10",
    entry_points={
        "ckan.plugins": [
            "angiang = ckanext.angiang.plugins.core:AngiangPlugin",
            "angiang_search = ckanext.angiang.plugins.search:AngiangSearchPlugin",
            "angiang_schema = ckanext.angiang.plugins.schema:AngiangSchemaPlugin",
            "angiang_dcat = ckanext.angiang.plugins.dcat:AngiangDcatPlugin",
            "angiang_openapi_harvester = ckanext.angiang.harvesters.openapi:OpenAPIHarvester",
            "angiang_ckan_harvester = ckanext.angiang.harvesters.ckan:AngiangCKANHarvester",
            "angiang_dcat_rdf_harvester = ckanext.angiang.harvesters.dcat:AngiangDCATRDFHarvester",
            "angiang_harvest = ckanext.angiang.plugins.harvest:AngiangHarvestPlugin",
            "angiang_i18n = ckanext.angiang.plugins.i18n:AngiangI18nPlugin",
            "angiang_security = ckanext.angiang.plugins.security:AngiangSecurityPlugin",
            "angiang_catalogue = ckanext.angiang.plugins.catalogue:AngiangCataloguePlugin",
            "angiang_sso = ckanext.angiang.plugins.sso:AngiangSsoPlugin",
            "angiang_accounts = ckanext.angiang.plugins.accounts:AngiangAccountsPlugin",
            "angiang_api_docs = ckanext.angiang.plugins.api_docs:AngiangApiDocsPlugin",
            "angiang_portal = ckanext.angiang.plugins.portal:AngiangPortalPlugin",
            "angiang_maps = ckanext.angiang.plugins.maps:AngiangMapsPlugin",
            "angiang_datastore = ckanext.angiang.plugins.datastore:AngiangDatastorePlugin",
        ],
        "ckan.rdf.profiles": [
            "angiang_dcat_ap = ckanext.angiang.dcat.profiles:AngiangDCATAPProfile",
        ],
    },
    # `make i18n-extract` (scripts/i18n_extract.py) extracts with the map in
    # angiang_dev/translation.py (EXTRACTION_MAP); this is the same map
    # for `python setup.py extract_messages` (run from the checkout's root).
    message_extractors={
        "ckanext": [
            ("**/i18n/**", "ignore", None),
            ("**.py", "python", None),
            ("**/templates/**.html", "ckan", None),
            ("**/assets/**.js", "javascript", None),
            ("**/schemas/**.yaml", "angiang_dev.translation:extract_scheming_labels", None),
            ("**/data/**.yaml", "angiang_dev.translation:extract_scheming_labels", None),
        ],
    },
)
