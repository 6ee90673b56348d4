"""The demo's catalogue decision (``demo/data/catalogue.csv``): an appendix
with the codes the demo datasets name and a few entries no dataset fulfils
yet, imported once by ``ckan angiang demo load`` when ``angiang_catalogue``
is enabled (before the datasets, so their codes are checked against it)."""

from __future__ import annotations

import io
import logging
import os

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.angiang.catalogue import entries

log = logging.getLogger(__name__)
FILENAME = "catalogue.csv"
DECISION = "01/2025/QĐ-UBND (demo)"
ISSUED = "2025-01-15"


class _Upload:
    def __init__(self, data: bytes, filename: str):
        self.stream, self.filename = io.BytesIO(data), filename


def load(data_dir: str, user: str) -> bool:
    """Import the demo appendix of ``data_dir`` once; whether it did."""
    path = os.path.join(data_dir, FILENAME)
    if not p.plugin_loaded("angiang_catalogue") or not os.path.exists(path):
        return False
    if entries.decision_by_number(DECISION):
        return False
    with open(path, "rb") as f:
        result = tk.get_action("angiang_catalogue_import")(
            {"user": user},
            {
                "upload": _Upload(f.read(), FILENAME),
                "decision_number": DECISION,
                "decision_date": ISSUED,
                "decision_title": "Danh mục dữ liệu mở (dữ liệu mẫu)",
            },
        )
    log.info("demo catalogue: %s", result)
    return True
