"""Coastlines and country borders for the report's map, from the packaged Natural Earth outlines.

``pipeline/data/countries-110m.json`` is TopoJSON (see the NOTICE beside it): every country is a ring
of shared arcs, so an arc that one country uses is a coastline and an arc that two use is a border.
Each arc is drawn once, as longitude/latitude polylines separated by ``None`` (how Plotly breaks a
line), so the map needs no projection library and nothing from the network.
"""

from __future__ import annotations

import collections
import functools
import json
from importlib import resources

OUTLINE_FILE = "countries-110m.json"


def _nested_arc_indexes(arcs) -> list[int]:
    """The arc indexes of a Polygon's or MultiPolygon's ``arcs`` (``~i`` is arc ``i`` reversed)."""
    if isinstance(arcs, int):
        return [arcs if arcs >= 0 else ~arcs]
    return [index for part in arcs for index in _nested_arc_indexes(part)]


def decode_arc(arc: list[list[int]], scale: list[float], translate: list[float]) -> list[tuple]:
    """A quantized, delta-encoded TopoJSON arc as (longitude, latitude) points."""
    x = y = 0
    points = []
    for dx, dy in arc:
        x, y = x + dx, y + dy
        points.append((round(x * scale[0] + translate[0], 3), round(y * scale[1] + translate[1], 3)))
    return points


def polylines(arcs: list[list[tuple]]) -> tuple[list, list]:
    """Longitudes and latitudes of ``arcs`` as one Plotly line, a ``None`` between arcs.

    A step of more than 180° of longitude crosses the antimeridian: it is broken there too, so no
    line runs across the whole map.
    """
    longitudes: list = []
    latitudes: list = []
    for points in arcs:
        previous = None
        for longitude, latitude in points:
            if previous is not None and abs(longitude - previous) > 180:
                longitudes.append(None)
                latitudes.append(None)
            longitudes.append(longitude)
            latitudes.append(latitude)
            previous = longitude
        longitudes.append(None)
        latitudes.append(None)
    return longitudes, latitudes


@functools.lru_cache(maxsize=1)
def coastlines_and_borders() -> dict[str, tuple[list, list]]:
    """{"coastlines": (longitudes, latitudes), "borders": (...)} from the packaged outlines."""
    text = resources.files("pipeline").joinpath("data", OUTLINE_FILE).read_text(encoding="utf-8")
    topology = json.loads(text)
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    uses: collections.Counter = collections.Counter()
    for geometry in topology["objects"]["countries"]["geometries"]:
        uses.update(_nested_arc_indexes(geometry.get("arcs", [])))
    coasts, borders = [], []
    for index in sorted(uses):
        points = decode_arc(topology["arcs"][index], scale, translate)
        (borders if uses[index] > 1 else coasts).append(points)
    return {"coastlines": polylines(coasts), "borders": polylines(borders)}
