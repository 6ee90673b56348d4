"""Triples written for the stock parsers of older DCAT-AP versions (Art. 7.7).

ckanext-dcat's ``euro_dcat_ap`` profile (DCAT-AP 1) reads a period of time
only from ``schema:startDate``/``schema:endDate`` (or OWL-Time), while
DCAT-AP 2 and 3 write ``dcat:startDate``/``dcat:endDate``. The portal's
period of time carries both pairs (the shapes are open, DCAT-AP 3 validity is
unchanged), so a national portal still on the first profile reads the
temporal coverage too.
"""

from __future__ import annotations

from ckanext.angiang.dcat.terms import ProfileMixin
from ckanext.dcat.profiles.base import DCAT, DCT, SCHEMA


class StockCompatibilityMixin(ProfileMixin):
    """For :class:`AngiangDCATAPProfile` (uses ``self.g``)."""

    def _add_schema_org_period(self, dataset_ref):
        g = self.g
        for period in g.objects(dataset_ref, DCT.temporal):
            for dcat_term, schema_term in (
                (DCAT.startDate, SCHEMA.startDate),
                (DCAT.endDate, SCHEMA.endDate),
            ):
                for value in list(g.objects(period, dcat_term)):
                    g.add((period, schema_term, value))
