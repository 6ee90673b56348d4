"""Template helpers of the ``angiang_maps`` plugin."""

from __future__ import annotations

from typing import Any

from ckanext.angiang import maps

__all__ = [
    "angiang_map_config",
    "angiang_map_default_extent",
    "angiang_dataset_extent",
    "angiang_spatial_unit_label",
]


def angiang_map_config() -> dict[str, Any]:
    return maps.map_config()


def angiang_map_default_extent() -> str:
    return maps.default_extent()


def angiang_dataset_extent(pkg: dict[str, Any]) -> str:
    return maps.dataset_extent(pkg)


def angiang_spatial_unit_label(code: str) -> str:
    return maps.unit_label(code)
