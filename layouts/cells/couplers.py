"""Fiber couplers: a shallow-etched focusing grating coupler and an inverse-taper edge coupler (µm inside)."""

from __future__ import annotations

import math

import gdsfactory as gf

from ..checks import RULES, layer
from ..geometry import polygon, rect, sector
from ..params import EdgeCoupler, GratingCoupler, um
from .base import STRIP_WIDTH_UM, device_cell, optical_port


@device_cell()
def grating_coupler(*, coupler: GratingCoupler | None = None) -> gf.Component:
    """Shallow-etched focusing grating coupler; ``o1`` faces the waveguide (west), ``o_fiber`` marks the
    fiber position (the centre of the grating)."""
    g = coupler
    c = gf.Component()
    a = g.taper_angle / 2
    period, etch = um(g.period), um(g.etch_width)
    r_first = um(g.taper_length)
    r_last = r_first + (g.n_periods - 1) * period
    r_end = r_last + etch + 2.0
    x_apex = 2.0
    r_in = (STRIP_WIDTH_UM / 2) / math.sin(math.radians(a))
    sector(c, "WG", r_in, r_end, -a, a, center=(x_apex, 0.0))
    rect(c, "WG", 0.0, -STRIP_WIDTH_UM / 2, x_apex + r_in + 0.5, STRIP_WIDTH_UM / 2)
    margin = math.degrees((0.2 + 0.3) / r_first)  # SHALLOW_ETCH enclosure by WG at the flanks
    for k in range(g.n_periods):
        r0 = r_first + k * period
        sector(c, "SHALLOW_ETCH", r0, r0 + etch, -(a - margin), a - margin, center=(x_apex, 0.0))
    optical_port(c, "o1", 0.0, 0.0, 180.0)
    r_mid = (r_first + r_last) / 2
    c.add_port("o_fiber", center=(round(x_apex + r_mid, 3), 0.0), width=10.0, orientation=0.0,
               layer=layer("WG"), port_type="vertical_te")
    return c


@device_cell()
def edge_coupler(*, coupler: EdgeCoupler | None = None) -> gf.Component:
    """Inverse-taper edge coupler; ``o_fiber`` is the tip (at the die facet, facing west), ``o1`` the waveguide."""
    e = coupler
    c = gf.Component()
    tip, length = um(e.tip_width), um(e.length)
    if tip < RULES["WG"].min_width:
        raise ValueError(f"edge coupler tip_width {tip} µm is below the WG minimum width {RULES['WG'].min_width} µm")
    polygon(c, "WG", [(0, -tip / 2), (length, -STRIP_WIDTH_UM / 2), (length, STRIP_WIDTH_UM / 2), (0, tip / 2)])
    optical_port(c, "o1", length, 0.0, 0.0)
    c.add_port("o_fiber", center=(0.0, 0.0), width=10.0, orientation=180.0, layer=layer("WG"),
               port_type="optical")
    return c
