"""The serializer of the portal's DCAT pages: ckanext-dcat's
``RDFSerializer`` whose graph remembers the IRIs it found no prefix for.

rdflib's Turtle serializer asks the graph's namespace manager for a prefixed
name of every subject and object it meets, twice (once to collect the
prefixes, once to write), and rdflib caches only the answers it found: each
dataset, distribution and download IRI of a catalogue page (no prefix covers
them) is split and looked up in the namespace trie again at every occurrence,
a fifth of the time of a catalogue page. Remembering the misses changes no
byte of the output: a miss is written as a full IRI either way.

Only the portal's profile gets it: ckanext-dcat's own profiles, asked for with
``?profiles=``, are served exactly as ckanext-dcat serves them (the baseline
of ``benchmarks/dcat.py``).
"""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from rdflib.namespace import NamespaceManager

from ckanext.dcat.processors import RDFSerializer

#: The portal's DCAT-AP profile (setup.py's ``ckan.rdf.profiles`` entry point).
PROFILE = "angiang_dcat_ap"


class RememberingNamespaceManager(NamespaceManager):
    """rdflib's namespace manager, remembering the IRIs without a prefix
    when asked not to make one (``generate=False``, as the serializers ask
    for subjects and objects). Binding a prefix later would make an earlier
    miss a prefixed name in rdflib; here it stays a full IRI, equally valid."""

    def __init__(self, graph, bind_namespaces="rdflib"):
        super().__init__(graph, bind_namespaces)
        self._no_prefix: set[str] = set()

    def compute_qname(self, uri, generate=True):
        if not generate and uri in self._no_prefix:
            raise KeyError(f"No known prefix for {uri} and generate=False")
        try:
            return super().compute_qname(uri, generate)
        except KeyError:
            if not generate:
                self._no_prefix.add(uri)
            raise


def serializer(profiles=None) -> RDFSerializer:
    """ckanext-dcat's serializer for ``profiles`` (default: the configured
    ones); with the portal's profile among them, its graph remembers misses."""
    made = RDFSerializer(profiles=profiles)
    names = (
        tk.aslist(profiles) if profiles else tk.aslist(tk.config.get("ckanext.dcat.rdf.profiles"))
    )
    if PROFILE in names:
        made.g.namespace_manager = RememberingNamespaceManager(made.g)
    return made
