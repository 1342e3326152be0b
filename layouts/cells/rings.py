"""Depletion ring modulator with heater, drawn from its photonics object (µm inside a cell).

Radius, waveguide width, bus gap(s), the doped fraction of the circumference with the phase shifter's bands
(``cells.base.junction_bands``) and a heater of the ``ThermoOpticPhaseShifter`` width. Approximation
(layout, not physics): the ring's outer contacts are pulled back from the bus couplers.
"""

from __future__ import annotations

import math

import gdsfactory as gf
import klayout.db as kdb
import numpy as np

from photonics.rings import RingModulator

from ..checks import GSG_PITCH_UM, RULES
from ..geometry import (
    arc_points,
    devrec,
    enclosure,
    pad,
    path,
    polygon,
    rect,
    region_um,
    sector,
    via_pitch,
    via_size,
    via_stack,
)
from ..params import um
from .base import (
    M2_TRACE_UM,
    MTOP_TRACE_UM,
    PAD_SIZE_UM,
    check_pads,
    device_cell,
    junction_bands,
    optical_port,
    pad_port,
    slab_half,
)

RING_HEATER_LEG_X_UM = 4.0  # the heater's legs leave the ring at x = ±4 µm (room for the ground trace)


def _arc_vias(c, r: float, a0: float, a1: float) -> None:
    """Contact vias (axis-aligned squares) along an arc of radius r between angles a0, a1 (degrees)."""
    size = via_size("VIAC")
    pitch = via_pitch("VIAC") + 0.2  # diagonal neighbours keep the spacing rule
    n = int(math.radians(a1 - a0) * r // pitch) + 1
    if n < 1:
        return
    span = (n - 1) * pitch / r
    mid = math.radians((a0 + a1) / 2)
    for t in np.linspace(mid - span / 2, mid + span / 2, n):
        x, y = r * math.cos(t), r * math.sin(t)
        rect(c, "VIAC", x - size / 2, y - size / 2, x + size / 2, y + size / 2)


def _check_ring_geometry(ring: RingModulator) -> None:
    R = um(ring.radius)
    if ring.heater is None:
        raise ValueError("the ring cell draws a ring with a heater; got heater=None")
    if R < RING_HEATER_LEG_X_UM + 1.0:
        raise ValueError(f"ring radius {R} µm: the ring cell needs >= {RING_HEATER_LEG_X_UM + 1.0} µm "
                         "(heater legs and the inner contact)")
    for name, gap in (("gap", ring.gap), ("drop_gap", ring.drop_gap)):
        if gap is not None and um(gap) < RULES["WG"].min_space:
            raise ValueError(f"ring {name} {um(gap)} µm is below the WG minimum spacing {RULES['WG'].min_space} µm")
    junction_bands(ring.phase_shifter)
    inner = R - um(ring.waveguide.width) / 2 - um(ring.phase_shifter.p_contact_gap) - um(
        ring.phase_shifter.contact_width)
    if inner < 2.5:
        raise ValueError(f"ring radius {R} µm too small for the inner contact (inner radius {inner:.2f} µm < 2.5)")


@device_cell(kind="ring")
def ring(*, ring: RingModulator | None = None, pad_pitch_um: float = GSG_PITCH_UM,
         pad_size_um: float = PAD_SIZE_UM) -> gf.Component:
    """Ring modulator with heater: rib ring and bus(es), doped arcs (the ``junction_fraction``), contacts,
    a heater over the ring and four pads in a row above (heater, ground, signal, heater), ``pad_pitch_um``
    apart and ``pad_size_um`` square."""
    check_pads(pad_pitch_um, pad_size_um)
    rm = ring
    _check_ring_geometry(rm)
    ps = rm.phase_shifter
    c = gf.Component()
    P, pw = pad_pitch_um, pad_size_um
    R = um(rm.radius)
    w = um(rm.waveguide.width)
    half = w / 2
    gap = um(rm.gap)
    y_bus = -(R + w + gap)
    y_drop = (R + w + um(rm.drop_gap)) if rm.drop_gap is not None else None
    X = 1.5 * P + pw / 2 + 10.0
    # ring and buses (rib: WG on a slab)
    sector(c, "WG", R - half, R + half, 0.0, 360.0)
    buses = [y_bus] + ([y_drop] if y_drop is not None else [])
    r_slab = R + slab_half(ps)
    y_lo = min(-r_slab, y_bus - half - 1.0)
    y_hi = max(r_slab, y_drop + half + 1.0) if y_drop is not None else r_slab
    rect(c, "SLAB90", -r_slab, y_lo, r_slab, y_hi)  # a square slab: buses' slabs join it without notches
    for yb in buses:
        rect(c, "WG", -X, yb - half, X, yb + half)
        rect(c, "SLAB90", -(X - 25.0), yb - half - 1.0, X - 25.0, yb + half + 1.0)
        for sgn in (1, -1):
            xa, xb = sgn * (X - 25.0), sgn * (X - 5.0)
            polygon(c, "SLAB90", [(xa, yb - half - 1.0), (xb, yb - 0.2), (xb, yb + 0.2), (xa, yb + half + 1.0)])
    # doped arcs centred at 0° and 180°, each junction_fraction × 180°
    phi = rm.junction_fraction * 90.0
    bands = junction_bands(ps)
    bus_edges = [abs(yb) - half for yb in buses]

    def limit(r_out: float, clearance: float) -> float:
        lim = 90.0
        for edge in bus_edges:
            if edge - clearance < r_out:
                lim = min(lim, math.degrees(math.asin(max(0.0, (edge - clearance) / r_out))))
        return lim

    contact = {"PPP", "NPP", "PP", "NP"}
    arcs = {}
    for name, u0, u1 in bands:
        r0, r1 = R + u0, R + u1
        if name in contact and u0 > 0:  # outer contacts keep 0.5 µm from the buses
            th = min(phi, limit(r1, 0.5))
        else:
            th = min(phi, limit(r1, 0.0))
            if th < phi - 1e-9:
                raise ValueError(f"ring: the {name} region would overlap a bus at junction_fraction "
                                 f"{rm.junction_fraction} (radius {R} µm, gap {gap} µm)")
        if th < 5.0:
            raise ValueError(f"ring: no room for the {name} region between the buses (radius {R} µm)")
        arcs[name] = (r0, r1, th)
        for centre in (0.0, 180.0):
            sector(c, name, r0, r1, centre - th, centre + th)
    # contacts: vias along the P++ and N++ arcs, M1 over them
    for name in ("PPP", "NPP"):
        r0, r1, th = arcs[name]
        rc = (r0 + r1) / 2
        dth = math.degrees(0.6 / rc)
        for centre in (0.0, 180.0):
            _arc_vias(c, rc, centre - th + dth, centre + th - dth)
    r0p, r1p, _ = arcs["PPP"]
    r_m1_in = (r0p + r1p) / 2 + via_size("VIAC") / math.sqrt(2) + enclosure("VIAC", "M1") + 0.05
    sector(c, "M1", 0.0, r_m1_in, 0.0, 360.0)
    via_stack(c, -1.5, -1.5, 1.5, 1.5, bottom="M1", top="M2")
    r0n, r1n, thn = arcs["NPP"]
    rcn = (r0n + r1n) / 2
    m1_half = via_size("VIAC") / math.sqrt(2) + enclosure("VIAC", "M1") + 0.05
    x_vs = r1n + 3.5
    for centre, sgn in ((0.0, 1.0), (180.0, -1.0)):
        sector(c, "M1", rcn - m1_half, rcn + m1_half, centre - thn, centre + thn)
        rect(c, "M1", sgn * (rcn - m1_half), -1.0, sgn * (x_vs - 2.0), 1.0)
        via_stack(c, sgn * (x_vs - 2.0), -2.0, sgn * (x_vs + 2.0), 2.0)
    # heater: a C over the ring open at the top, legs up to contact heads
    hw = um(rm.heater.heater_width)
    if hw < RULES["HEATER"].min_width:
        raise ValueError(f"ring heater width {hw} µm is below the HEATER minimum width")
    xl = RING_HEATER_LEG_X_UM
    ann = kdb.Region(kdb.DPolygon([kdb.DPoint(*p) for p in _ring_points(R + hw / 2)]).to_itype(0.001))
    ann -= kdb.Region(kdb.DPolygon([kdb.DPoint(*p) for p in _ring_points(R - hw / 2)]).to_itype(0.001))
    cut = kdb.Region(kdb.DBox(-(xl - hw / 2), 0.0, xl - hw / 2, R + hw).to_itype(0.001))
    ann -= cut
    top = y_drop + half + 3.0 if y_drop is not None else R + hw / 2 + 3.0
    y_leg = top + 2.0
    for sgn in (1, -1):
        x_in = sgn * (xl - hw / 2)
        y0 = math.sqrt(max((R - hw / 2) ** 2 - (xl - hw / 2) ** 2, 0.0))
        ann += kdb.Region(kdb.DBox(min(x_in, x_in + sgn * hw), y0, max(x_in, x_in + sgn * hw), y_leg).to_itype(0.001))
    region_um(c, "HEATER", ann.merged())
    for sgn in (1, -1):
        via_stack(c, sgn * xl - 1.5, y_leg - 3.0, sgn * xl + 1.5, y_leg, bottom="HEATER", top="M2")
    # pads and traces
    y_join = y_leg + 6.0
    y_g = y_join + 7.0
    y_h = y_g + 8.0
    y_pad = y_h + 20.0 + pw / 2
    xs = {"e_heater_1": -1.5 * P, "e_ground": -0.5 * P, "e_signal": 0.5 * P, "e_heater_2": 1.5 * P}
    for xx in xs.values():
        pad(c, xx, y_pad, pw)
    # signal: both outer contacts joined above the ring, then to the signal pad
    path(c, "MTOP", [(-x_vs, 0.0), (-x_vs, y_join), (xs["e_signal"], y_join), (xs["e_signal"], y_pad)],
         MTOP_TRACE_UM)
    path(c, "MTOP", [(x_vs, 0.0), (x_vs, y_join)], MTOP_TRACE_UM)
    # ground (inner contact): M2 up under the signal bar, then MTOP to the ground pad
    path(c, "M2", [(0.0, 0.0), (0.0, y_g)], M2_TRACE_UM)
    via_stack(c, -1.5, y_g - 1.5, 1.5, y_g + 1.5, bottom="M2")
    y_gm = y_g + 8.0
    path(c, "MTOP", [(0.0, y_g), (0.0, y_gm), (xs["e_ground"], y_gm), (xs["e_ground"], y_pad)], MTOP_TRACE_UM)
    # heaters: M2 from the heads to the outer pads
    for sgn, name in ((-1, "e_heater_1"), (1, "e_heater_2")):
        xp_ = xs[name]
        path(c, "M2", [(sgn * xl, y_leg - 1.5), (sgn * xl, y_h), (xp_, y_h), (xp_, y_pad - pw / 2 + 4.0)],
             M2_TRACE_UM)
        via_stack(c, xp_ - 2.0, y_pad - pw / 2 + 2.0, xp_ + 2.0, y_pad - pw / 2 + 6.0, bottom="M2")
    optical_port(c, "o_in", -X, y_bus, 180.0, w)
    optical_port(c, "o_out", X, y_bus, 0.0, w)
    if y_drop is not None:
        optical_port(c, "o_drop", -X, y_drop, 180.0, w)
        optical_port(c, "o_add", X, y_drop, 0.0, w)
    for name, xx in xs.items():
        pad_port(c, name, xx, y_pad, pw, 90.0)
    devrec(c)
    return c


def _ring_points(r: float) -> np.ndarray:
    return arc_points(r, 0.0, 360.0)[:-1]
