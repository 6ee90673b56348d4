"""Our harvesters subclass stock plugins; each must be its own singleton
(CKAN 2.12's SingletonPlugin would hand back the parent's instance)."""

import pytest

from ckanext.angiang.harvesters.ckan import AngiangCKANHarvester
from ckanext.angiang.harvesters.dcat import AngiangDCATRDFHarvester
from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.harvest.harvesters.ckanharvester import CKANHarvester


@pytest.mark.parametrize(
    "parent, ours, name",
    [
        (DCATRDFHarvester, AngiangDCATRDFHarvester, "angiang_dcat_rdf"),
        (CKANHarvester, AngiangCKANHarvester, "angiang_ckan"),
    ],
)
def test_our_harvester_is_not_the_parent_instance(parent, ours, name):
    stock = parent()
    mine = ours()
    assert type(mine) is ours
    assert mine is not stock
    assert mine is ours()
    assert mine.info()["name"] == name
