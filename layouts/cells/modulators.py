"""Traveling-wave Mach-Zehnder and IQ modulators drawn from their photonics objects (µm inside a cell).

MZM arms: the lateral doping of ``DepletionPhaseShifter`` (P/PP/PPP and N/NP/NPP bands at its gaps,
junction offset and contact width) on a rib (WG + SLAB90) of its waveguide width, over ``length``; the GSG
electrode on MTOP with exactly ``CoplanarElectrode``'s signal width, gaps and ground widths; GSG probe pads
at ``pad_pitch_um``; a thin-film (HEATER layer) termination of ``termination_impedance`` from the signal to
each ground (two resistors of 2·Z in parallel). Approximations (layout, not physics): the contact rails (M1)
reach from the contacts to under the CPW conductors, and the CPW continues a short way before and after the
doped section (feeds). The IQ modulator nests two MZM bodies between MMIs with a heater on the Q branch.
"""

from __future__ import annotations

import gdsfactory as gf
import numpy as np

from photonics.electrodes import CoplanarElectrode
from photonics.modulators import IQModulator, MachZehnderModulator
from photonics.phase_shifters import DepletionPhaseShifter

from ..checks import GSG_PITCH_UM, RULES
from ..geometry import devrec, enclosure, pad, path, polygon, rect, via_stack
from ..params import um
from .base import (
    MTOP_TRACE_UM,
    PAD_SIZE_UM,
    RESISTOR_SHEET_OHM,
    STRIP_WIDTH_UM,
    check_pads,
    device_cell,
    junction_bands,
    optical_port,
    pad_port,
    sbend,
    sbend_length,
    slab_half,
    strip_cross_section,
    wg,
)


def _mmi(c, x: float, mirror: bool = False):
    """A 1×2 MMI (gdsfactory's generic one) with its single port at x; returns (x_end, y_out)."""
    m = gf.c.mmi1x2(cross_section=strip_cross_section())
    ref = c.add_ref(m)
    if mirror:
        ref.dmirror_x(0)
    p1 = ref.ports["o1"]
    ref.move((x - p1.dx, -p1.dy))
    outs = [p for p in ref.ports if p.name != "o1"]
    x_far = outs[0].dx
    return x_far, abs(outs[0].dy)


def _draw_doped_arm(c, ps: DepletionPhaseShifter, x0: float, x1: float, yc: float, sign: float,
                    rail_p: float, rail_n: float) -> None:
    """Doped rib arm along x ∈ [x0, x1] centred at y = yc; the lateral coordinate u of ``junction_bands``
    maps to y = yc − sign·u. M1 rails run from the contacts to the levels ``rail_p`` / ``rail_n`` (µm)."""
    def y(u):
        return yc - sign * u

    for name, u0, u1 in junction_bands(ps):
        rect(c, name, x0, y(u0), x1, y(u1))
    half = um(ps.waveguide.width) / 2
    rect(c, "WG", x0, y(-half), x1, y(half))
    s = slab_half(ps)
    rect(c, "SLAB90", x0, y(-s), x1, y(s))
    # slab tapers into and out of the doped section
    for xa, xb in ((x0, x0 - 20.0), (x1, x1 + 20.0)):
        polygon(c, "SLAB90", [(xa, yc - s), (xb, yc - 0.2), (xb, yc + 0.2), (xa, yc + s)])
    e = enclosure("VIAC", "NPP")
    for name, rail in (("PPP", rail_p), ("NPP", rail_n)):
        u0, u1 = next((b[1], b[2]) for b in junction_bands(ps) if b[0] == name)
        ya, yb = sorted((y(u0), y(u1)))
        rect(c, "VIAC", x0 + 1.0, ya + e, x1 - 1.0, yb - e)  # slot contact along the arm
        # M1 rail from the contact (covering it) to the electrode
        m_in = y(u1) if name == "PPP" else y(u0)  # contact edge nearest the waveguide
        rect(c, "M1", x0, m_in, x1, rail)


def _cpw_transition(c, xa: float, xb: float, y_arm0: float, y_arm1: float, g0: float, g1: float,
                    out0: float, out1: float, n: int = 64) -> None:
    """GSG conductors (MTOP) between x = xa and xb whose gaps follow the arms' raised-cosine S-bends.

    Arm centre y_a from y_arm0 to y_arm1; half-gap from g0 to g1; ground outer edge from out0 to out1
    (both arms mirrored about y = 0)."""
    t = np.linspace(0.0, 1.0, n)
    s = (1 - np.cos(np.pi * t)) / 2
    x = xa + (xb - xa) * t
    ya = y_arm0 + (y_arm1 - y_arm0) * s
    g = g0 + (g1 - g0) * s
    out = out0 + (out1 - out0) * s
    sig = ya - g
    polygon(c, "MTOP", np.vstack([np.column_stack([x, sig]), np.column_stack([x[::-1], -sig[::-1]])]))
    for sgn in (1.0, -1.0):
        lo, hi = ya + g, out
        polygon(c, "MTOP", np.vstack([np.column_stack([x, sgn * lo]), np.column_stack([x[::-1], sgn * hi[::-1]])]))


def _check_mzm_geometry(m: MachZehnderModulator) -> None:
    e: CoplanarElectrode = m.electrode
    s_w, gap, g_w = um(e.signal_width), um(e.gap), um(e.ground_width)
    ps = m.phase_shifter
    junction_bands(ps)
    need_gap = 2 * slab_half(ps) + 1.0
    if gap < need_gap:
        raise ValueError(f"electrode gap {gap} µm cannot hold the phase shifter's doped rib and contacts "
                         f"({need_gap:.2f} µm needed)")
    if s_w < 8.0:
        raise ValueError(f"electrode signal_width {s_w} µm: the layout needs >= 8 µm for the contact and "
                         "termination via stacks under the signal conductor")
    if g_w < 8.0:
        raise ValueError(f"electrode ground_width {g_w} µm: the layout needs >= 8 µm under the ground conductor")


def _mzm_geometry(c, m: MachZehnderModulator, pad_pitch_um: float, pad_size_um: float) -> dict:
    """Draw a traveling-wave MZM into ``c``; returns the port positions (µm)."""
    _check_mzm_geometry(m)
    e = m.electrode
    S, W, G = um(e.signal_width), um(e.gap), um(e.ground_width)
    L = um(m.length)
    ps = m.phase_shifter
    w_ps = um(ps.waveguide.width)
    P, pw = pad_pitch_um, pad_size_um
    y_arm = S / 2 + W / 2
    g_edge = S / 2 + W + G  # outer edge of the grounds
    # --- splitter and fan-out to the pad gaps
    wg(c, [(0, 0), (5, 0)])
    x, y_mmi = _mmi(c, 5.0)
    y_pad_gap = P / 2
    l_fan = sbend_length(y_pad_gap - y_mmi)
    for sgn in (1, -1):
        sbend(c, x, sgn * y_mmi, x + l_fan, sgn * y_pad_gap)
    x_fan = x + l_fan
    # --- pads (GSG, in line) with the arms passing between them
    x_pad0 = x_fan + 20.0
    x_pad1 = x_pad0 + pw
    xpc = (x_pad0 + x_pad1) / 2
    for yy in (0.0, P, -P):
        pad(c, xpc, yy, pw)
    xa = x_pad1 + 10.0
    for sgn in (1, -1):
        wg(c, [(x_fan, sgn * y_pad_gap), (xa, sgn * y_pad_gap)])
    # pad feeds: continue the pads' edges to the start of the transition
    rect(c, "MTOP", x_pad1 - 1.0, -pw / 2, xa, pw / 2)
    for sgn in (1, -1):
        rect(c, "MTOP", x_pad1 - 1.0, sgn * (P - pw / 2), xa, sgn * (P + pw / 2))
    # --- input transition: arms S-bend from the pad gaps into the CPW gaps; conductors follow
    l_tr = max(200.0, sbend_length(y_pad_gap - y_arm))
    xb = xa + l_tr
    g0 = (P - pw) / 2
    _cpw_transition(c, xa, xb, y_pad_gap, y_arm, g0, W / 2, P + pw / 2, g_edge)
    for sgn in (1, -1):
        sbend(c, xa, sgn * y_pad_gap, xb, sgn * y_arm)
    x0 = xb + 30.0  # doped section start
    x1 = x0 + L
    # --- output: CPW continues while the arms S-bend out under the grounds, then the termination
    y_out = g_edge + 15.0
    l_ex = max(200.0, sbend_length(y_out - y_arm))
    xe_arm = x1 + 30.0 + l_ex
    x_end_cpw = xe_arm + 20.0
    rect(c, "MTOP", xb, -S / 2, x_end_cpw, S / 2)
    for sgn in (1, -1):
        rect(c, "MTOP", xb, sgn * (S / 2 + W), x_end_cpw, sgn * g_edge)
    # --- arms: strip → taper → doped rib → taper → strip, then out and to the combiner
    for sgn in (1, -1):
        yc = sgn * y_arm
        wg(c, [(xb, yc), (x0 - 30.0 + 5.0, yc)])
        polygon(c, "WG", [(x0 - 25.0, yc - STRIP_WIDTH_UM / 2), (x0, yc - w_ps / 2), (x0, yc + w_ps / 2),
                          (x0 - 25.0, yc + STRIP_WIDTH_UM / 2)])
        polygon(c, "WG", [(x1, yc - w_ps / 2), (x1 + 25.0, yc - STRIP_WIDTH_UM / 2),
                          (x1 + 25.0, yc + STRIP_WIDTH_UM / 2), (x1, yc + w_ps / 2)])
        wg(c, [(x1 + 25.0, yc), (x1 + 30.0, yc)])
        sbend(c, x1 + 30.0, yc, xe_arm, sgn * y_out)
        # rails: P side toward the ground (|y| grows), N side toward the signal
        rail_p = sgn * (S / 2 + W + 3.0)
        rail_n = sgn * (S / 2 - 3.0)
        _draw_doped_arm(c, ps, x0, x1, yc, sgn, rail_p, rail_n)  # P side toward the ground
        # via stacks M1 → MTOP under the conductors along the doped length
        via_stack(c, x0, sgn * (S / 2 + W + 0.3), x1, sgn * (S / 2 + W + 3.0), slot=True)
        via_stack(c, x0, sgn * (S / 2 - 3.0), x1, sgn * (S / 2 - 0.3), slot=True)
    # --- on-chip termination: two thin-film resistors of 2·Z (signal → each ground), each a strip of
    # R_sheet·length/width between two 3 µm contact heads (the heads' own resistance is neglected)
    if m.termination_impedance is not None:
        r_each = 2.0 * m.termination_impedance
        head = 3.0
        w_res = max(RULES["HEATER"].min_width + 0.2, RESISTOR_SHEET_OHM * (W + 1.0) / r_each)
        l_res = r_each * w_res / RESISTOR_SHEET_OHM
        d = (l_res - W) / 2  # how far each end reaches under its conductor
        if d + head + 0.5 > min(S / 2, G):
            raise ValueError(f"termination_impedance {m.termination_impedance:g} Ω: a {l_res:.1f} µm resistor "
                             f"does not fit between the conductors (gap {W} µm); the HEATER minimum width "
                             f"{RULES['HEATER'].min_width} µm limits how short it can be")
        xr = x_end_cpw - 8.0 - head / 2
        for sgn in (1, -1):
            y_s, y_g = sgn * (S / 2 - d), sgn * (S / 2 + W + d)
            lo, hi = sorted((y_s, y_g))
            rect(c, "HEATER", xr - w_res / 2, lo, xr + w_res / 2, hi)
            for y_end in (y_s, y_g):
                outward = 1.0 if abs(y_end) > abs((y_s + y_g) / 2) else -1.0  # away from the strip
                y_far = y_end + sgn * outward * head
                via_stack(c, xr - head / 2, min(y_end, y_far), xr + head / 2, max(y_end, y_far), bottom="HEATER")
    # --- combiner
    l_back = sbend_length(y_out - y_mmi)
    xc = xe_arm + l_back
    for sgn in (1, -1):
        sbend(c, xe_arm, sgn * y_out, xc, sgn * y_mmi)
    m_ref = gf.c.mmi1x2(cross_section=strip_cross_section())
    ref = c.add_ref(m_ref)
    ref.dmirror_x(0)
    outs = [p for p in ref.ports if p.name != "o1"]
    ref.move((xc - outs[0].dx, 0.0))
    x_out = ref.ports["o1"].dx
    wg(c, [(x_out, 0), (x_out + 5.0, 0)])
    return {"o_in": (0.0, 0.0), "o_out": (x_out + 5.0, 0.0), "pads_x": xpc, "pitch": P,
            "doped": (x0, x1)}


def _add_mzm_ports(c, pos: dict, pad_size_um: float) -> None:
    optical_port(c, "o_in", *pos["o_in"], 180.0)
    optical_port(c, "o_out", *pos["o_out"], 0.0)
    xp, P = pos["pads_x"], pos["pitch"]
    pad_port(c, "e_ground_top", xp, P, pad_size_um, 180.0)
    pad_port(c, "e_signal", xp, 0.0, pad_size_um, 180.0)
    pad_port(c, "e_ground_bottom", xp, -P, pad_size_um, 180.0)


def _draw_mzm(m: MachZehnderModulator, pad_pitch_um: float, pad_size_um: float) -> gf.Component:
    if m.lumped:
        raise ValueError("mzm cell draws a traveling-wave modulator; got lumped=True")
    check_pads(pad_pitch_um, pad_size_um)
    c = gf.Component()
    pos = _mzm_geometry(c, m, pad_pitch_um, pad_size_um)
    _add_mzm_ports(c, pos, pad_size_um)
    return c


@device_cell(kind="mzm")
def mzm(*, modulator: MachZehnderModulator | None = None, pad_pitch_um: float = GSG_PITCH_UM,
        pad_size_um: float = PAD_SIZE_UM) -> gf.Component:
    """Traveling-wave MZM: MMI splitter/combiner, doped arms, GSG electrode, probe pads (``pad_pitch_um``
    apart, ``pad_size_um`` square), termination."""
    c = _draw_mzm(modulator, pad_pitch_um, pad_size_um)
    devrec(c)
    return c


@device_cell()
def mzm_body(*, modulator: MachZehnderModulator | None = None, pad_pitch_um: float = GSG_PITCH_UM,
             pad_size_um: float = PAD_SIZE_UM) -> gf.Component:
    """The MZM geometry without footprint or annotation (the IQ modulator's children)."""
    return _draw_mzm(modulator, pad_pitch_um, pad_size_um)


# ------------------------------------------------------------------------------------------------------
# IQ modulator
# ------------------------------------------------------------------------------------------------------
@device_cell(kind="iq_modulator")
def iq_modulator(*, modulator: IQModulator | None = None, pad_pitch_um: float = GSG_PITCH_UM,
                 pad_size_um: float = PAD_SIZE_UM, heater_length_um: float = 100.0) -> gf.Component:
    """IQ modulator: outer MMI splitter/combiner around two MZMs (I above, Q below) and the modulator's
    ``outer_heater`` (``heater_length_um`` long) on the Q branch setting the outer phase (with two DC pads)."""
    check_pads(pad_pitch_um, pad_size_um)
    iq, heater = modulator, modulator.outer_heater
    for name in ("mzm_i", "mzm_q"):
        if getattr(iq, name).lumped:
            raise ValueError(f"iq_modulator draws traveling-wave children; {name}.lumped is True")
    if not 20.0 <= heater_length_um <= 2000.0:
        raise ValueError(f"heater_length_um must be in [20, 2000] µm; got {heater_length_um}")
    c = gf.Component()
    P, pw = pad_pitch_um, pad_size_um
    half_span = P + pw / 2  # a child's half height (its pads)
    dy = half_span + 30.0
    wg(c, [(0, 0), (5, 0)])
    x, y_mmi = _mmi(c, 5.0)
    l_fan = sbend_length(dy - y_mmi)
    for sgn in (1, -1):
        sbend(c, x, sgn * y_mmi, x + l_fan, sgn * dy)
    xs = x + l_fan
    refs = {}
    for name, sgn in (("mzm_i", 1), ("mzm_q", -1)):
        body = mzm_body(modulator=getattr(iq, name), pad_pitch_um=P, pad_size_um=pw)
        ref = c.add_ref(body)
        ref.move((xs, sgn * dy))
        refs[name] = ref
    x_ends = {n: r.ports["o_out"].dx for n, r in refs.items()}
    x_al = max(x_ends.values()) + 20.0
    # outer phase heater on the Q branch (an equal straight on I keeps the paths equal)
    hl = heater_length_um
    hw = um(heater.heater_width)
    if hw < RULES["HEATER"].min_width:
        raise ValueError(f"outer_heater.heater_width {hw} µm is below the HEATER minimum width")
    xh0, xh1 = x_al + 20.0, x_al + 20.0 + hl
    for name, sgn in (("mzm_i", 1), ("mzm_q", -1)):
        wg(c, [(x_ends[name], sgn * dy), (xh1 + 20.0, sgn * dy)])
    yq = -dy
    rect(c, "HEATER", xh0, yq - hw / 2, xh1, yq + hw / 2)
    leg = 6.0
    for xx in (xh0, xh1):
        rect(c, "HEATER", xx - 1.5, yq - hw / 2, xx + 1.5, yq - hw / 2 - leg)
        via_stack(c, xx - 1.5, yq - hw / 2 - leg - 3.0, xx + 1.5, yq - hw / 2 - leg, bottom="HEATER")
    # DC pads below the heater, beyond the Q child's pads
    y_pads = yq - half_span - 20.0 - pw / 2 - 40.0
    xpc = (xh0 + xh1) / 2
    heater_pads = ((xpc - P / 2, xh0), (xpc + P / 2, xh1))
    for xp_, xx in heater_pads:
        pad(c, xp_, y_pads, pw)
        path(c, "MTOP", [(xx, yq - hw / 2 - leg - 1.5), (xx, y_pads + pw / 2 + 10.0), (xp_, y_pads + pw / 2 + 10.0),
                         (xp_, y_pads)], MTOP_TRACE_UM)
    # combiner
    l_back = sbend_length(dy - y_mmi)
    xc = xh1 + 20.0 + l_back
    for sgn in (1, -1):
        sbend(c, xh1 + 20.0, sgn * dy, xc, sgn * y_mmi)
    ref = c.add_ref(gf.c.mmi1x2(cross_section=strip_cross_section()))
    ref.dmirror_x(0)
    outs = [p for p in ref.ports if p.name != "o1"]
    ref.move((xc - outs[0].dx, 0.0))
    x_out = ref.ports["o1"].dx
    wg(c, [(x_out, 0), (x_out + 5.0, 0)])
    optical_port(c, "o_in", 0.0, 0.0, 180.0)
    optical_port(c, "o_out", x_out + 5.0, 0.0, 0.0)
    for name, tag in (("mzm_i", "i"), ("mzm_q", "q")):
        for pn in ("ground_top", "signal", "ground_bottom"):
            p = refs[name].ports[f"e_{pn}"]
            pad_port(c, f"e_{tag}_{pn}", p.dx, p.dy, pw, 180.0)
    for i, (xp_, _) in enumerate(heater_pads, start=1):
        pad_port(c, f"e_heater_{i}", xp_, y_pads, pw, 270.0)
    devrec(c)
    return c
