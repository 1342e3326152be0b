"""Drawing helpers in µm on gdsfactory components: rectangles, annular sectors, paths, via arrays and stacks.

Every helper takes its minimum dimensions from ``checks.RULES``/``checks.ENCLOSURES`` so that what is drawn
is legal by construction (the checks then verify it). Layers are logical names, drawn on the GDS layers of the
active PDK's layer map (``layouts.layer_map``).
"""

from __future__ import annotations

import math

import gdsfactory as gf
import klayout.db as kdb
import numpy as np

from . import layer_map as _layer_map
from .checks import ENCLOSURES, RULES, layer

# Drawn arcs deviate from the true circle by at most one database unit (the 1 nm grid every vertex snaps to
# anyway): chords of 2·√(2Rs) (0.2 µm at R = 5 µm, 0.4 µm at 20 µm); finer arcs only add vertices, which
# cost the GDS, the checks and the fab's fracturing without changing the drawn shape.
ARC_SAGITTA_UM = 0.001


def enclosure(inner: str, outer: str) -> float:
    """Required enclosure (µm) of ``inner`` by ``outer`` from the rule table (0 if none)."""
    return max((d for i, outs, d in ENCLOSURES if i == inner and outer in outs), default=0.0)


def rect(c: gf.Component, name: str, x0: float, y0: float, x1: float, y1: float) -> None:
    """Axis-aligned rectangle on layer ``name`` (corners in µm, any order)."""
    c.add_polygon([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], layer=layer(name))


def polygon(c: gf.Component, name: str, points) -> None:
    c.add_polygon([(float(x), float(y)) for x, y in points], layer=layer(name))


def region_um(c: gf.Component, name: str, region: kdb.Region) -> None:
    """Insert a klayout Region (in database units) on layer ``name``."""
    c.kdb_cell.shapes(c.kcl.layer(*layer(name))).insert(region)


def arc_points(radius: float, a0: float, a1: float, center=(0.0, 0.0)) -> np.ndarray:
    """Points on a circular arc from angle a0 to a1 (degrees), sagitta ≤ ``ARC_SAGITTA_UM``."""
    step = 2.0 * math.acos(max(-1.0, 1.0 - ARC_SAGITTA_UM / radius)) if radius > 0 else math.pi
    n = max(2, int(math.ceil(abs(math.radians(a1 - a0)) / step)) + 1)
    t = np.radians(np.linspace(a0, a1, n))
    return np.column_stack([center[0] + radius * np.cos(t), center[1] + radius * np.sin(t)])


def sector(c: gf.Component, name: str, r0: float, r1: float, a0: float, a1: float, center=(0.0, 0.0)) -> None:
    """Annular sector r0 ≤ r ≤ r1, a0 ≤ angle ≤ a1 (degrees); r0 = 0 gives a pie slice, a full turn a ring."""
    if a1 - a0 >= 360.0 - 1e-9:
        outer = kdb.DPolygon([kdb.DPoint(*p) for p in arc_points(r1, 0.0, 360.0, center)[:-1]])
        if r0 > 0:
            outer.insert_hole([kdb.DPoint(*p) for p in arc_points(r0, 0.0, 360.0, center)[:-1]])
        c.add_polygon(outer, layer=layer(name))
        return
    pts_out = arc_points(r1, a0, a1, center)
    pts_in = arc_points(r0, a1, a0, center) if r0 > 0 else np.array([center])
    polygon(c, name, np.vstack([pts_out, pts_in]))


def path(c: gf.Component, name: str, points, width: float) -> None:
    """Manhattan or free path of ``width`` through ``points`` (µm) with square ends extended by width/2."""
    pts = [kdb.DPoint(float(x), float(y)) for x, y in points]
    c.add_polygon(kdb.DPath(pts, width, width / 2, width / 2).polygon(), layer=layer(name))


@gf.cell
def via(*, name: str, size: float) -> gf.Component:
    """One square via of layer ``name`` and side ``size`` (µm), centred on the origin."""
    c = gf.Component()
    rect(c, name, -size / 2, -size / 2, size / 2, size / 2)
    return c


@gf.cell
def via_on(*, gds_layer: tuple[int, int], size: float) -> gf.Component:
    """``via`` on an explicit GDS layer (another PDK's: gdsfactory's cache ignores the active PDK)."""
    c = gf.Component()
    c.add_polygon([(-size / 2, -size / 2), (size / 2, -size / 2), (size / 2, size / 2), (-size / 2, size / 2)],
                  layer=tuple(gds_layer))
    return c


def _via_cell(name: str, size: float) -> gf.Component:
    lm = _layer_map.active()
    return via(name=name, size=size) if lm.is_generic else via_on(gds_layer=lm.layer(name), size=size)


def via_size(name: str) -> float:
    return RULES[name].min_width + 0.1


def via_pitch(name: str) -> float:
    return via_size(name) + RULES[name].min_space + 0.1


def via_array(c: gf.Component, name: str, x0: float, y0: float, x1: float, y1: float) -> int:
    """Fill the box (µm) with an array of minimum-rule vias of layer ``name``, centred; returns the count.

    The box must already exclude the enclosure margins. Raises ValueError if not even one via fits.
    """
    size, pitch = via_size(name), via_pitch(name)
    w, h = abs(x1 - x0), abs(y1 - y0)
    nx = int((w - size) // pitch) + 1 if w >= size else 0
    ny = int((h - size) // pitch) + 1 if h >= size else 0
    if nx < 1 or ny < 1:
        raise ValueError(f"no room for a {name} via ({size:g} µm) in a {w:g} × {h:g} µm box")
    cx0 = min(x0, x1) + (w - (nx - 1) * pitch) / 2
    cy0 = min(y0, y1) + (h - (ny - 1) * pitch) / 2
    ref = c.add_ref(_via_cell(name, size), columns=nx, rows=ny, column_pitch=pitch, row_pitch=pitch)
    ref.move((round(cx0, 3), round(cy0, 3)))
    return nx * ny


# the via between each level and the next one up
_VIAS = {"M1": "VIA1", "HEATER": "VIA1", "M2": "VIA2"}


def via_stack(c: gf.Component, x0: float, y0: float, x1: float, y1: float, bottom: str = "M1",
              top: str = "MTOP", slot: bool = False) -> None:
    """Metal rectangles on every level from ``bottom`` (M1, HEATER or M2) to ``top`` over the box, joined by
    via arrays (or, with ``slot``, by one slot via per level: a bar inset by the enclosure rules)."""
    levels = {"M1": ["M1", "M2", "MTOP"], "HEATER": ["HEATER", "M2", "MTOP"], "M2": ["M2", "MTOP"]}[bottom]
    levels = levels[: levels.index(top) + 1]
    for lv in levels:
        rect(c, lv, x0, y0, x1, y1)
    for lo, hi in zip(levels[:-1], levels[1:], strict=True):
        v = _VIAS[lo]
        e = max(enclosure(v, lo), enclosure(v, hi))
        box = (min(x0, x1) + e, min(y0, y1) + e, max(x0, x1) - e, max(y0, y1) - e)
        if slot:
            rect(c, v, *box)
        else:
            via_array(c, v, *box)


def pad(c: gf.Component, x: float, y: float, size: float) -> None:
    """Probe pad centred at (x, y): MTOP square with the passivation opening (PADOPEN) inset by the rule."""
    h = size / 2
    rect(c, "MTOP", x - h, y - h, x + h, y + h)
    e = enclosure("PADOPEN", "MTOP") + 1.0
    rect(c, "PADOPEN", x - h + e, y - h + e, x + h - e, y + h - e)


def devrec(c: gf.Component, margin: float = 0.0) -> None:
    """Footprint (DEVREC) of a device cell: its bounding box (plus ``margin`` µm)."""
    b = c.dbbox()
    c.add_polygon([(b.left - margin, b.bottom - margin), (b.right + margin, b.bottom - margin),
                   (b.right + margin, b.top + margin), (b.left - margin, b.top + margin)], layer=layer("DEVREC"))
