"""Validation against the official DCAT-AP 3.0.1 SHACL shapes with pySHACL.

The shapes are vendored in ``shapes/dcat-ap-3.0.1/`` (CC BY 4.0, see NOTICE.md):

- ``dcat-ap-SHACL.ttl`` + ``ranges.ttl``: mandatory properties, cardinalities
  and classes of values; every result is a violation.
- ``shapes_recommended.ttl``: recommended properties, as warnings.

pySHACL refuses the 3.0.1 shapes graph as published: a few ``sh:property``
links point at property shapes defined nowhere (upstream SEMICeu/DCAT-AP#448).
They constrain nothing, so :func:`load_shapes` drops every ``sh:property``
whose object has no ``sh:path`` before validating.
"""

from __future__ import annotations

import dataclasses
import functools
import pathlib
from collections.abc import Iterable

import rdflib
from rdflib.namespace import RDF, SH

SHAPES_DIR = pathlib.Path(__file__).resolve().parent / "shapes" / "dcat-ap-3.0.1"
MANDATORY = ("dcat-ap-SHACL.ttl", "ranges.ttl")
RECOMMENDED = ("shapes_recommended.ttl",)


@dataclasses.dataclass(frozen=True)
class Result:
    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    path: str
    message: str
    shape: str
    value: str | None = None

    def __str__(self) -> str:
        value = f" value={self.value}" if self.value else ""
        return f"{self.severity}: {self.focus} {self.path}{value}: {self.message}"


def drop_dangling_property_links(shapes: rdflib.Graph) -> int:
    """Remove ``sh:property`` links to shapes without ``sh:path``; return how many."""
    dangling = [
        (s, o) for s, o in shapes.subject_objects(SH.property) if shapes.value(o, SH.path) is None
    ]
    for s, o in dangling:
        shapes.remove((s, SH.property, o))
    return len(dangling)


@functools.lru_cache(maxsize=4)
def load_shapes(names: tuple[str, ...] = MANDATORY) -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in names:
        graph.parse(SHAPES_DIR / name, format="turtle")
    drop_dangling_property_links(graph)
    return graph


def validate(data: rdflib.Graph, names: tuple[str, ...] = MANDATORY) -> list[Result]:
    """All SHACL results of ``data`` against the named shape files."""
    import pyshacl

    # With allow_warnings, "conforms" ignores warnings: read the report itself.
    _conforms, report, _text = pyshacl.validate(
        data,
        shacl_graph=load_shapes(tuple(names)),
        inference="none",
        advanced=False,
        allow_warnings=True,
    )
    return list(_results(report))


def _results(report: rdflib.Graph) -> Iterable[Result]:
    for node in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(node, SH.resultSeverity)
        value = report.value(node, SH.value)
        yield Result(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=str(report.value(node, SH.focusNode)),
            path=str(report.value(node, SH.resultPath)),
            message=str(report.value(node, SH.resultMessage) or ""),
            shape=str(report.value(node, SH.sourceShape)),
            value=str(value) if value is not None else None,
        )


def violations(data: rdflib.Graph) -> list[Result]:
    return [r for r in validate(data, MANDATORY) if r.severity == "Violation"]


def warnings(data: rdflib.Graph) -> list[Result]:
    return [r for r in validate(data, RECOMMENDED) if r.severity == "Warning"]
