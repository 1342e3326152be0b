"""A flip-chip laser site and the calibration loopbacks (µm inside a cell)."""

from __future__ import annotations

import math

import gdsfactory as gf

from photonics.devices import LaserFootprint, Loopback

from ..checks import GSG_PITCH_UM
from ..geometry import devrec, pad, path, rect
from ..params import EdgeCoupler, GratingCoupler, um
from .base import MTOP_TRACE_UM, PAD_SIZE_UM, check_pads, device_cell, optical_port, pad_port, strip_cross_section, wg
from .couplers import edge_coupler, grating_coupler

LOOP_RADIUS_UM = 10.0


@device_cell(kind="laser")
def laser(*, footprint: LaserFootprint | None = None, pad_pitch_um: float = GSG_PITCH_UM,
          pad_size_um: float = PAD_SIZE_UM, coupler: EdgeCoupler | None = None) -> gf.Component:
    """Flip-chip laser site: a recess (DEEPTRENCH) for the die, two bond pads on its floor wired to two probe
    pads, and an inverse taper (``coupler``) butt-coupled at the recess wall, ending in ``o_out``."""
    fp, ec = footprint, coupler
    check_pads(pad_pitch_um, pad_size_um)
    P, pw = pad_pitch_um, pad_size_um
    lr = um(fp.die_length) + 2 * um(fp.clearance)
    wr = um(fp.die_width) + 2 * um(fp.clearance)
    bp = um(fp.bond_pad_size)
    if P / 2 + bp / 2 + 5.0 > wr / 2 or P < bp + 10.0:
        raise ValueError(f"laser site: bond pads of {bp} µm at pad_pitch_um {P} µm do not fit a "
                         f"{wr:.0f} µm wide recess")
    c = gf.Component()
    rect(c, "DEEPTRENCH", 0.0, -wr / 2, lr, wr / 2)
    x_bp = lr / 2
    x_pp = -30.0 - pw / 2
    for sgn, name in ((1, "e_anode"), (-1, "e_cathode")):
        y = sgn * P / 2
        pad(c, x_bp, y, bp)
        pad(c, x_pp, y, pw)
        path(c, "MTOP", [(x_bp, y), (x_pp, y)], MTOP_TRACE_UM * 2)
        pad_port(c, name, x_pp, y, pw, 180.0)
    # butt-coupled inverse taper from the recess wall
    ref = c.add_ref(edge_coupler(coupler=ec))
    ref.move((lr, 0.0))
    x_o = ref.ports["o1"].dx
    wg(c, [(x_o, 0.0), (x_o + 5.0, 0.0)])
    optical_port(c, "o_out", x_o + 5.0, 0.0, 0.0)
    devrec(c)
    return c


@device_cell(kind="loopback")
def loopback(*, loopback: Loopback | None = None, grating: GratingCoupler | None = None,
             edge: EdgeCoupler | None = None, pitch_um: float = 127.0) -> gf.Component:
    """Two fiber couplers ``pitch_um`` apart joined by a U-shaped strip waveguide of the loop's length.

    Grating loopbacks face the fibers up with the loop above the couplers; edge loopbacks put the two tips
    on the west edge (x = 0) with the loop to the east."""
    lb, pitch = loopback, pitch_um
    if pitch < 2 * LOOP_RADIUS_UM + 20.0:
        raise ValueError(f"loopback pitch_um {pitch} µm is below {2 * LOOP_RADIUS_UM + 20.0} µm")
    fixed = math.pi * LOOP_RADIUS_UM + pitch - 2 * LOOP_RADIUS_UM
    if um(lb.length) < fixed + 10.0:
        raise ValueError(f"loopback length {um(lb.length)} µm is shorter than its U-turn ({fixed + 10:.0f} µm)")
    c = gf.Component()
    r = LOOP_RADIUS_UM
    ln = um(lb.length)
    straight = (ln - (math.pi * r + pitch - 2 * r)) / 2
    loop = gf.path.straight(straight) + gf.path.arc(radius=r, angle=90) + gf.path.straight(pitch - 2 * r) \
        + gf.path.arc(radius=r, angle=90) + gf.path.straight(straight)
    strip = c.add_ref(gf.path.extrude(loop, cross_section=strip_cross_section()))
    if lb.coupler == "grating":
        gc = grating_coupler(coupler=grating)
        strip.drotate(90)
        starts = [(0.0, 0.0), (-pitch, 0.0)]
        for i, (x, y) in enumerate(starts, start=1):
            g = c.add_ref(gc)
            g.drotate(-90)
            g.move((x - g.ports["o1"].dx, y - g.ports["o1"].dy))
            c.add_port(f"o_fiber_{i}", port=g.ports["o_fiber"])
    else:
        ecc = edge_coupler(coupler=edge)
        length = um(edge.length)
        strip.move((length, 0.0))
        for i, (x, y) in enumerate([(length, 0.0), (length, pitch)], start=1):
            e = c.add_ref(ecc)
            e.move((x - e.ports["o1"].dx, y - e.ports["o1"].dy))
            c.add_port(f"o_fiber_{i}", port=e.ports["o_fiber"])
    devrec(c)
    return c
