"""The agents of a dataset: its publisher (the agency) and contact point.

Art. 6.2: the agency publishes its datasets and names a focal point, who is
the contact of a dataset without its own. Written as a ``foaf:Organization``
(name, agency code, e-mail, phone, ADMS publisher type) and a vCard
``<dataset#contact-point>``; read back to the local agency (same code, else
same name) and the contact fields.
"""

from __future__ import annotations

import weakref
from typing import Any

import ckan.model as model
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ckanext.angiang.dcat import vocabularies as voc
from ckanext.angiang.dcat.terms import ProfileMixin, mailto, tel_uri
from ckanext.dcat.profiles.base import DCAT, DCT, FOAF, VCARD, CleanedURIRef
from ckanext.dcat.utils import publisher_uri_organization_fallback

# Agencies already read for a graph: a catalogue page serializes up to a
# hundred datasets of a few agencies with one graph (weakly keyed, so the
# entries go with the graph at the end of the request).
_AGENCIES: weakref.WeakKeyDictionary[Any, dict] = weakref.WeakKeyDictionary()


def organization(owner_org: str, graph=None) -> dict | None:
    """``{"id", "name", "title", "extras"}`` of an active organization."""
    if not owner_org:
        return None
    cache = _AGENCIES.setdefault(graph, {}) if graph is not None else {}
    if owner_org not in cache:
        group = model.Group.get(owner_org)
        if group is None or not group.is_organization or group.state != "active":
            cache[owner_org] = None
        else:
            cache[owner_org] = {
                "id": group.id,
                "name": group.name,
                "title": group.title,
                "extras": dict(group.extras or {}),
            }
    return cache[owner_org]


class AgentsMixin(ProfileMixin):
    """Publisher and contact point, both ways."""

    def _add_publisher(self, dataset_ref, dataset_dict: dict):
        """The agency as ``foaf:Organization`` (name, code, e-mail, phone, type)."""
        g = self.g
        org = organization(
            dataset_dict.get("owner_org")
            or (dataset_dict.get("organization") or {}).get("id")
            or "",
            g,
        )
        if org is None:
            return None
        ref = CleanedURIRef(
            publisher_uri_organization_fallback({"organization": {"id": org["id"]}})
        )
        g.add((dataset_ref, DCT.publisher, ref))
        if (ref, RDF.type, FOAF.Organization) in g:
            return ref  # already described in this graph (catalogue page)
        extras = org["extras"]
        g.add((ref, RDF.type, FOAF.Organization))
        g.add((ref, RDF.type, FOAF.Agent))
        g.add((ref, FOAF.name, Literal(org["title"] or org["name"], lang="vi")))
        if extras.get("short_name"):
            g.add((ref, SKOS.altLabel, Literal(extras["short_name"], lang="vi")))
        if extras.get("agency_code"):
            g.add((ref, DCT.identifier, Literal(extras["agency_code"])))
        if extras.get("focal_point_email"):
            g.add((ref, FOAF.mbox, mailto(extras["focal_point_email"])))
        phone = tel_uri(extras.get("focal_point_phone", ""))
        if phone:
            g.add((ref, FOAF.phone, phone))
        website = extras.get("website")
        if website and website.startswith(("http://", "https://")):
            g.add((ref, FOAF.homepage, CleanedURIRef(website)))
        type_code = voc.AGENCY_LEVEL_PUBLISHER_TYPE.get(
            extras.get("agency_level", ""), "PublicBody"
        )
        type_uri = URIRef(voc.publisher_type_uri(type_code))
        g.add((ref, DCT.type, type_uri))
        self._add_concept(type_uri, {"en": voc.PUBLISHER_TYPES[type_code]})
        return ref

    def _add_contact(self, dataset_ref, dataset_dict: dict, publisher):
        """vCard contact point: the dataset's contact, by default the agency's
        focal point (Art. 6.2)."""
        # CKAN core's maintainer/author stand in on datasets of other portals.
        name = (
            dataset_dict.get("contact_name")
            or dataset_dict.get("maintainer")
            or dataset_dict.get("author")
        )
        email = (
            dataset_dict.get("contact_email")
            or dataset_dict.get("maintainer_email")
            or dataset_dict.get("author_email")
        )
        phone = dataset_dict.get("contact_phone")
        if not (name or email or phone):
            org = organization(dataset_dict.get("owner_org") or "", self.g)
            extras = org["extras"] if org else {}
            name = extras.get("focal_point_name")
            email = extras.get("focal_point_email")
            phone = extras.get("focal_point_phone")
        if not (name or email or phone):
            return None
        g = self.g
        # A URI, not a blank node: the data services of the dataset point at
        # the same contact, and rdflib's RDF/XML writer may write a blank node
        # referenced twice as a bare reference, losing its properties.
        node = (
            URIRef(f"{dataset_ref}#contact-point") if isinstance(dataset_ref, URIRef) else BNode()
        )
        g.add((dataset_ref, DCAT.contactPoint, node))
        g.add((node, RDF.type, VCARD.Kind))
        g.add((node, RDF.type, VCARD.Individual))
        if name:
            g.add((node, VCARD.fn, Literal(name)))
        if email:
            g.add((node, VCARD.hasEmail, mailto(email)))
        tel = tel_uri(phone or "")
        if tel:
            telephone = BNode()
            g.add((node, VCARD.hasTelephone, telephone))
            g.add((telephone, RDF.type, VCARD.Voice))
            g.add((telephone, VCARD.hasValue, tel))
            # The number as written, so that it comes back unchanged.
            g.add((telephone, RDFS.label, Literal(phone)))
        return node

    def _parse_contact(self, dataset_ref, parsed: dict):
        g = self.g
        for node in g.objects(dataset_ref, DCAT.contactPoint):
            contact = self._contact_details_of(node)
            parsed.update({k: v for k, v in contact.items() if v})
            break

    def _contact_details_of(self, node) -> dict:
        g = self.g
        name = self._get_vcard_property_value(node, VCARD.hasFN, VCARD.fn)
        email = self._without_mailto(self._get_vcard_property_value(node, VCARD.hasEmail))
        phone = ""
        for telephone in g.objects(node, VCARD.hasTelephone):
            if isinstance(telephone, (BNode, URIRef)) and (telephone, None, None) in g:
                phone = self._object_value(telephone, RDFS.label) or self._object_value(
                    telephone, VCARD.hasValue
                )
            else:
                phone = str(telephone)
            break
        if not phone:
            phone = self._object_value(node, VCARD.tel)
        if phone.startswith("tel:"):
            phone = phone[4:]
        return {"contact_name": name, "contact_email": email, "contact_phone": phone}

    def _parse_publisher(self, dataset_ref) -> str | None:
        """The local organization of the publisher: same agency code, else same name."""
        for agent in self.g.objects(dataset_ref, DCT.publisher):
            code = self._object_value(agent, DCT.identifier)
            names = {str(n) for n in self.g.objects(agent, FOAF.name)}
            org = None
            if code:
                org = (
                    model.Session.query(model.Group)
                    .filter(
                        model.Group.is_organization.is_(True),
                        model.Group.state == "active",
                        model.Group.extras["agency_code"].astext == code,
                    )
                    .first()
                )
            if org is None and names:
                org = (
                    model.Session.query(model.Group)
                    .filter(
                        model.Group.is_organization.is_(True),
                        model.Group.state == "active",
                        model.Group.title.in_(names),
                    )
                    .first()
                )
            if org is not None:
                return org.id
        return None
