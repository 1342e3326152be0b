"""Waveguide-coupled vertical Ge PIN photodiode drawn from its photonics object (µm inside a cell)."""

from __future__ import annotations

import gdsfactory as gf

from photonics.detectors import PinPhotodiode

from ..checks import GSG_PITCH_UM
from ..geometry import devrec, pad, path, polygon, rect, via_array, via_stack
from .base import MTOP_TRACE_UM, PAD_SIZE_UM, STRIP_WIDTH_UM, check_pads, device_cell, optical_port, pad_port, wg


@device_cell(kind="photodetector")
def photodetector(*, photodiode: PinPhotodiode | None = None, ge_width_um: float = 10.0,
                  pad_pitch_um: float = GSG_PITCH_UM, pad_size_um: float = PAD_SIZE_UM) -> gf.Component:
    """Waveguide-coupled vertical Ge PIN: a Ge region of the diode's ``area`` (``ge_width_um`` across,
    area/width along the light) on a P-doped silicon body, an N++ top contact and GSG pads."""
    pd = photodiode
    check_pads(pad_pitch_um, pad_size_um)
    if not 6.0 <= ge_width_um <= 50.0:
        raise ValueError(f"ge_width_um must be in [6, 50] µm; got {ge_width_um}")
    length = pd.area * 1e12 / ge_width_um
    if not 4.0 <= length <= 500.0:
        raise ValueError(f"photodiode area {pd.area:g} m² with ge_width_um {ge_width_um} µm gives a "
                         f"{length:.1f} µm long Ge region; accepted 4 to 500 µm")
    c = gf.Component()
    P, pw = pad_pitch_um, pad_size_um
    wg_ = ge_width_um
    ln = round(pd.area * 1e12 / wg_, 3)
    hw = wg_ / 2
    # input taper into the silicon body
    wg(c, [(-25.0, 0.0), (-22.0, 0.0)])
    polygon(c, "WG", [(-22.0, -STRIP_WIDTH_UM / 2), (-2.0, -hw), (-2.0, hw), (-22.0, STRIP_WIDTH_UM / 2)])
    body = hw + 3.5
    rect(c, "WG", -2.0, -body, ln + 2.0, body)
    rect(c, "P", -2.0, -body, ln + 2.0, body)
    rect(c, "GE", 0.0, -hw, ln, hw)
    rect(c, "GEN", 0.5, -(hw - 0.5), ln - 0.5, hw - 0.5)
    # top (N) contact
    via_array(c, "VIAC", 1.0, -1.6, ln - 1.0, 1.6)
    rect(c, "M1", 0.8, -2.0, ln - 0.8, 2.0)
    xm = ln / 2
    via_stack(c, xm - 2.0, -2.0, xm + 2.0, 2.0)
    # bottom (P) contacts on both sides of the Ge
    x_pad = ln + 60.0 + pw / 2
    x_turn = ln + 20.0
    for sgn in (1, -1):  # P contacts on both sides of the Ge, to the ground pads
        ya, yb = sorted((sgn * (hw + 1.5), sgn * (hw + 3.0)))
        rect(c, "PPP", 0.0, ya, ln, yb)
        via_array(c, "VIAC", 0.1, ya + 0.1, ln - 0.1, yb - 0.1)
        rect(c, "M1", 0.0, ya, ln, yb)
        y_vs = sgn * (hw + 6.0)
        rect(c, "M1", xm - 1.0, min(ya, y_vs), xm + 1.0, max(yb, y_vs))
        via_stack(c, xm - 2.0, y_vs - 2.0, xm + 2.0, y_vs + 2.0)
        path(c, "MTOP", [(xm, y_vs), (x_turn, y_vs), (x_turn, sgn * P), (x_pad, sgn * P)], MTOP_TRACE_UM)
        pad(c, x_pad, sgn * P, pw)
    path(c, "MTOP", [(xm, 0.0), (x_pad, 0.0)], MTOP_TRACE_UM)
    pad(c, x_pad, 0.0, pw)
    optical_port(c, "o_in", -25.0, 0.0, 180.0)
    pad_port(c, "e_ground_top", x_pad, P, pw, 0.0)
    pad_port(c, "e_signal", x_pad, 0.0, pw, 0.0)
    pad_port(c, "e_ground_bottom", x_pad, -P, pw, 0.0)
    devrec(c)
    return c
