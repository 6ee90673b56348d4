"""``angiang_dcat_rdf``: ckanext-dcat's DCAT RDF harvester, into the portal's schema.

ckanext-dcat's gather stage is kept (RDF download, parsing with the
configured profiles — ``ckanext.dcat.rdf.profiles`` — Hydra paging, one
harvest object per dataset with a stable guid from its URI). What changes:

- downloads go through the portal's fetch client (timeouts, size limit,
  retries) and fail with an actionable gather error;
- import maps the parsed dataset onto the portal's fields (:mod:`.remote`)
  and saves it through the portal's schema (:mod:`.base`);
- datasets gone from the catalogue are *withdrawn* (private, reason
  recorded), where the stock harvester deletes them.

Extra configuration keys (besides ``rdf_format``): ``defaults``,
``license_map``, ``private`` and the limits of :mod:`.source_config`.
"""

from __future__ import annotations

import json
import logging

import ckan.plugins.toolkit as tk

from ckanext.angiang.harvesters import source_config
from ckanext.angiang.harvesters.base import AngiangHarvesterBase
from ckanext.angiang.harvesters.fetch import Client
from ckanext.angiang.harvesters.problems import HarvestProblem, bilingual
from ckanext.dcat.harvesters.rdf import DCATRDFHarvester

log = logging.getLogger(__name__)


class AngiangDCATRDFHarvester(AngiangHarvesterBase, DCATRDFHarvester):
    remote_base = DCATRDFHarvester
    gather_error = (
        "Lỗi không mong đợi khi thu thập danh mục DCAT: {err}",
        "Unexpected error while gathering the DCAT catalogue: {err}",
    )

    def info(self):
        return {
            "name": "angiang_dcat_rdf",
            "title": tk._("DCAT catalogue (RDF, mapped into the An Giang schema)"),
            "description": tk._(
                "Harvests a DCAT catalogue published as RDF (Turtle, RDF/XML, JSON-LD)."
            ),
        }

    def _get_content_and_type(self, url, harvest_job, page=1, content_type=None):
        client = Client(source_config.limits(self.source_settings(harvest_job.source)))
        try:
            response = client.get(url)
        except HarvestProblem as p:
            self._save_gather_error(p.message, harvest_job)
            return None, None
        finally:
            client.close()
        try:
            content = response.body.decode("utf-8")
        except UnicodeDecodeError as e:
            self._save_gather_error(
                bilingual(
                    "Danh mục DCAT tại {url} không phải văn bản UTF-8 (byte lỗi ở vị trí {pos}).",
                    "The DCAT catalogue at {url} is not UTF-8 text (bad byte at position {pos}).",
                    url=url,
                    pos=e.start,
                ),
                harvest_job,
            )
            return None, None
        if content_type is None and response.headers.get("Content-Type"):
            content_type = response.headers["Content-Type"].split(";", 1)[0]
        return content, content_type

    # The stock gather, run by the base's template method (errors recorded).
    def _gather(self, harvest_job):
        return DCATRDFHarvester.gather_stage(self, harvest_job)

    def _import(self, harvest_object):
        if self._get_object_extra(harvest_object, "status") == "delete":
            return self.withdraw(
                harvest_object,
                bilingual(
                    "Tập dữ liệu không còn trong danh mục DCAT {url}.",
                    "The dataset is no longer in the DCAT catalogue {url}.",
                    url=harvest_object.source.url,
                ),
            )
        if harvest_object.content is None:
            self._save_object_error("Empty content / Nội dung trống", harvest_object, "Import")
            return False
        cfg = self.source_settings(harvest_object.source)
        dataset = json.loads(harvest_object.content)
        fields = self.map_remote(harvest_object, dataset, cfg, "dcat")
        if fields is None:
            return False
        return self.save_dataset(
            harvest_object,
            fields,
            owner_org=self.source_org(harvest_object.source),
            private=bool(cfg.get("private", False)),
        )
