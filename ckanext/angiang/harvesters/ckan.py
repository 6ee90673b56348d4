"""``angiang_ckan``: ckanext-harvest's CKAN harvester, into the portal's schema.

The stock ``ckan`` harvester saves remote datasets with CKAN's *default*
package schema (``_create_or_update_package`` forces it), which bypasses the
portal's scheming schema, and names them with CKAN's munge (Vietnamese
letters dropped). This subclass keeps its gather stage (``package_search``
paging, incremental harvests, organisation/group filters, remote groups)
and replaces what it saves:

- the remote ``package_show`` dict is mapped onto the portal's fields
  (:mod:`.remote`), with the source's ``defaults`` (its default licence
  among them) and ``license_map``;
- the dataset is saved through the portal's schema (:mod:`.base`); a dataset
  that fails is an object error with the field messages;
- every HTTP request goes through the portal's fetch client (timeouts, size
  limit, retries) instead of an unbounded ``requests.get``.

Extra configuration keys (besides the stock ones): ``defaults``,
``license_map``, ``private`` and the limits of :mod:`.source_config`.
"""

from __future__ import annotations

import logging

import ckan.plugins.toolkit as tk

from ckanext.angiang.harvesters import source_config
from ckanext.angiang.harvesters.base import AngiangHarvesterBase
from ckanext.angiang.harvesters.fetch import Client
from ckanext.angiang.harvesters.problems import HarvestProblem
from ckanext.harvest.harvesters.ckanharvester import CKANHarvester, ContentFetchError

log = logging.getLogger(__name__)


class AngiangCKANHarvester(AngiangHarvesterBase, CKANHarvester):
    remote_base = CKANHarvester
    gather_error = (
        "Lỗi không mong đợi khi thu thập từ CKAN: {err}",
        "Unexpected error while gathering from CKAN: {err}",
    )

    def info(self):
        return {
            "name": "angiang_ckan",
            "title": tk._("CKAN portal (mapped into the An Giang schema)"),
            "description": tk._("Harvests a remote CKAN portal through its Action API."),
            "form_config_interface": "Text",
        }

    # HTTP through the portal's client (CKANHarvester calls this for every page)
    def _get_content(self, url):
        cfg = self.config or {}
        headers = {}
        if cfg.get("api_key"):
            headers["Authorization"] = str(cfg["api_key"])
        client = Client(source_config.limits(cfg), headers=headers)
        try:
            return client.get(url).body.decode("utf-8")
        except HarvestProblem as p:
            raise ContentFetchError(p.message) from p
        finally:
            client.close()

    # The stock stages, run by the base's template methods (errors recorded).
    def _gather(self, harvest_job):
        return CKANHarvester.gather_stage(self, harvest_job)

    def _import(self, harvest_object):
        return CKANHarvester.import_stage(self, harvest_object)

    # Called by CKANHarvester.import_stage with the remote dict prepared
    # (owner_org set to the source's agency, groups filtered).
    def _create_or_update_package(self, package_dict, harvest_object, package_dict_form="rest"):
        cfg = self.config or {}
        fields = self.map_remote(harvest_object, package_dict, cfg, "ckan")
        if fields is None:
            return False
        if package_dict.get("groups"):
            fields["groups"] = [{"id": g["id"]} for g in package_dict["groups"]]
        return self.save_dataset(
            harvest_object,
            fields,
            owner_org=package_dict.get("owner_org"),
            private=bool(cfg.get("private", False)),
        )
