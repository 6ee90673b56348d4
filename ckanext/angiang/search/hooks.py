"""What the search plugin adds to CKAN's own search parameters."""

from __future__ import annotations

from typing import Any

from ckan.lib.search.common import SearchQueryError

from .compiler import parse_bbox
from .meaning import BBOX_FIELD
from .messages import translate
from .query_parser import QuerySyntaxError


def before_dataset_search(search_params: dict[str, Any]) -> dict[str, Any]:
    """``ext_bbox=minx,miny,maxx,maxy`` (ckanext-spatial's map widget and
    API parameter) becomes a filter on the indexed bounding boxes, unless
    ckanext-spatial's own ``spatial_query`` plugin already turned it into a
    Solr frange filter (which the connection also understands)."""
    extras = search_params.get("extras") or {}
    bbox = extras.get("ext_bbox")
    fq_list = search_params.get("fq_list") or []
    if bbox and not any("{!frange" in f or "{!field" in f for f in fq_list):
        try:
            parse_bbox(str(bbox))
        except QuerySyntaxError as e:
            raise SearchQueryError("ext_bbox: " + translate(e.template, **e.params)) from e
        search_params["fq_list"] = list(fq_list) + [f'+{BBOX_FIELD}:"{bbox}"']
    return search_params
