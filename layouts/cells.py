"""gdsfactory cells drawn from the photonics parameter objects (all dimensions in µm inside a cell).

Every public cell is a keyword-only function taking the photonics objects; it converts them to flat dicts
of their fields (``params.flat_settings``: dotted keys such as ``phase_shifter.na``, so gdsfactory's cache
and ``settings`` hold plain JSON) and calls the ``@gf.cell`` function of the same name prefixed with ``_``,
which rebuilds the objects (``params.from_flat``, re-validating them) and draws them. With ``annotate=True``
(default) the component's ``info`` holds ``kind`` and the device's simulated figures
(``annotation.performance``: scalars only), so the physics travels with the cell; ``annotate=False`` draws
the same geometry without them (benchmark baseline).

What is drawn from the physics:
- MZM arms: the lateral doping of ``DepletionPhaseShifter`` (P/PP/PPP and N/NP/NPP bands at its gaps,
  junction offset and contact width) on a rib (WG + SLAB90) of its waveguide width, over ``length``; the GSG
  electrode on MTOP with exactly ``CoplanarElectrode``'s signal width, gaps and ground widths; GSG probe
  pads at ``pad_pitch``; a thin-film (HEATER layer) termination of ``termination_impedance`` from the
  signal to each ground (two resistors of 2·Z in parallel).
- Rings: radius, waveguide width, bus gap(s), the doped fraction of the circumference with the same bands,
  and a heater of the ``ThermoOpticPhaseShifter`` width.
- Photodiode: a Ge region of the diode's area. Laser site: a recess for the laser die of the given size.
Approximations (layout, not physics): the contact rails (M1) reach from the contacts to under the CPW
conductors, and the CPW continues a short way before and after the doped section (feeds); the ring's
outer contacts are pulled back from the bus couplers; the grating teeth are circular, not elliptical.
Port names: ``o_in``/``o_out`` (and ``o_drop``/``o_add``) for light, ``e_signal``/``e_ground_*``,
``e_heater_*``, ``e_anode``/``e_cathode`` for pads (orientation: the side a probe comes from).
"""

from __future__ import annotations

import math

import gdsfactory as gf
import klayout.db as kdb
import numpy as np

from photonics.detectors import PinPhotodiode
from photonics.electrodes import CoplanarElectrode
from photonics.modulators import IQModulator, MachZehnderModulator
from photonics.phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter
from photonics.rings import RingModulator

from . import annotation
from .checks import GSG_PITCH_UM, RULES, layer
from .geometry import devrec, enclosure, pad, path, polygon, rect, region_um, sector, via_array, via_pitch, via_size
from .geometry import via_stack as _via_stack
from .params import EdgeCoupler, GratingCoupler, LaserFootprint, Loopback, flat_settings, from_flat, um

gf.gpdk.PDK.activate()  # the generic PDK's layers are the ones checks.RULES describes

PAD_SIZE_UM = 80.0
STRIP_WIDTH_UM = 0.5  # routing waveguide (gdsfactory's "strip" cross-section)
MIN_BEND_RADIUS_UM = 25.0  # smallest radius of the drawn S-bends
RESISTOR_SHEET_OHM = 10.0  # sheet resistance of the HEATER (TiN) film, Ω/square (illustrative)
MTOP_TRACE_UM = 4.0
M2_TRACE_UM = 2.0


# ------------------------------------------------------------------------------------------------------
# small pieces
# ------------------------------------------------------------------------------------------------------
def _check_type(name: str, value, cls):
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {cls.__name__}, got {type(value).__name__}")
    return value


def _check_pads(pad_pitch: float, pad_size: float) -> tuple[float, float]:
    pad_pitch, pad_size = float(pad_pitch), float(pad_size)
    if not 40.0 <= pad_size <= 200.0:
        raise ValueError(f"pad_size must be in [40, 200] µm; got {pad_size}")
    space = RULES["MTOP"].min_space
    if pad_pitch < pad_size + max(space, 10.0):
        raise ValueError(f"pad_pitch {pad_pitch:g} µm with pad_size {pad_size:g} µm: pads would overlap or be "
                         f"closer than 10 µm; use pad_pitch >= {pad_size + 10.0:g} µm")
    return pad_pitch, pad_size


def sbend_points(x0: float, y0: float, x1: float, y1: float, n: int | None = None) -> np.ndarray:
    """Centre line of a raised-cosine S-bend from (x0, y0) to (x1, y1); radius ≥ 2L²/(π²|Δy|)."""
    n = n or max(16, int(abs(x1 - x0) / 2.0))
    t = np.linspace(0.0, 1.0, n)
    return np.column_stack([x0 + (x1 - x0) * t, y0 + (y1 - y0) * (1 - np.cos(np.pi * t)) / 2])


def sbend_length(dy: float, radius: float = MIN_BEND_RADIUS_UM) -> float:
    """Length (µm) of a raised-cosine S-bend of offset ``dy`` whose smallest radius is ``radius``."""
    return max(10.0, math.pi * math.sqrt(radius * abs(dy) / 2.0))


def _wg(c, pts, width: float = STRIP_WIDTH_UM) -> None:
    """Straight waveguide core (WG) of ``width`` through ``pts`` (flat ends: ports sit on the end points)."""
    pts = [kdb.DPoint(float(x), float(y)) for x, y in pts]
    c.add_polygon(kdb.DPath(pts, width).polygon(), layer=layer("WG"))


def _sbend(c, x0: float, y0: float, x1: float, y1: float, width: float = STRIP_WIDTH_UM, name: str = "WG") -> None:
    """Raised-cosine S-bend of ``width`` from (x0, y0) to (x1, y1), offset along the exact normals so its
    ends are square to x (it abuts straight waveguides without notches)."""
    pts = sbend_points(x0, y0, x1, y1)
    t = np.linspace(0.0, 1.0, len(pts))
    slope = (y1 - y0) * np.pi / 2 * np.sin(np.pi * t) / (x1 - x0)
    norm = np.sqrt(1 + slope**2)
    nx, ny = -slope / norm, 1 / norm
    hw = width / 2
    upper = np.column_stack([pts[:, 0] + hw * nx, pts[:, 1] + hw * ny])
    lower = np.column_stack([pts[:, 0] - hw * nx, pts[:, 1] - hw * ny])
    polygon(c, name, np.vstack([upper, lower[::-1]]))


def _optical_port(c, name: str, x: float, y: float, orientation: float, width: float = STRIP_WIDTH_UM) -> None:
    c.add_port(name, center=(round(x, 3), round(y, 3)), width=width, orientation=orientation,
               layer=layer("WG"), port_type="optical")


def _pad_port(c, name: str, x: float, y: float, size: float, orientation: float = 90.0) -> None:
    c.add_port(name, center=(round(x, 3), round(y, 3)), width=size, orientation=orientation,
               layer=layer("MTOP"), port_type="electrical")


def _annotate(c, kind: str, objects: dict, annotate: bool) -> None:
    c.info["kind"] = kind
    if annotate:
        c.info.update(annotation.performance(kind, objects))


def junction_bands(ps: DepletionPhaseShifter) -> list[tuple[str, float, float]]:
    """Lateral bands (layer, u0, u1) in µm across a doped waveguide, u > 0 toward the N side.

    The same regions as ``DepletionPhaseShifter.carrier_index``: P from the P+ edge to the junction,
    N from the junction to the N+ edge, P+/N+ up to the contact gaps, P++/N++ contacts of
    ``contact_width``. Raises ValueError if a band is narrower than its layer's minimum width.
    """
    half = um(ps.waveguide.width) / 2
    xj = um(ps.junction_offset)
    ppg, pcg = um(ps.p_plus_gap), um(ps.p_contact_gap)
    npg, ncg = um(ps.n_plus_gap), um(ps.n_contact_gap)
    cw = um(ps.contact_width)
    bands = [("P", -(half + min(ppg, pcg)), xj), ("N", xj, half + min(npg, ncg))]
    if ppg < pcg:
        bands.append(("PP", -(half + pcg), -(half + ppg)))
    if npg < ncg:
        bands.append(("NP", half + npg, half + ncg))
    bands += [("PPP", -(half + pcg + cw), -(half + pcg)), ("NPP", half + ncg, half + ncg + cw)]
    for name, u0, u1 in bands:
        if u1 - u0 < RULES[name].min_width - 1e-9:
            raise ValueError(f"phase shifter: the {name} band is {u1 - u0:.3f} µm wide, below the {name} minimum "
                             f"width {RULES[name].min_width} µm (check the gaps and junction_offset)")
    need = via_size("VIAC") + 2 * enclosure("VIAC", "NPP")
    if cw < need:
        raise ValueError(f"phase shifter: contact_width {cw} µm cannot hold a contact via ({need:g} µm needed)")
    return bands


def _slab_half(ps: DepletionPhaseShifter) -> float:
    half = um(ps.waveguide.width) / 2
    return half + max(um(ps.p_contact_gap), um(ps.n_contact_gap)) + um(ps.contact_width) + 0.5


# ------------------------------------------------------------------------------------------------------
# fiber couplers
# ------------------------------------------------------------------------------------------------------
def grating_coupler(*, coupler: GratingCoupler | None = None) -> gf.Component:
    """Shallow-etched focusing grating coupler; ``o1`` faces the waveguide (west), ``o_fiber`` marks the
    fiber position (the centre of the grating)."""
    coupler = GratingCoupler() if coupler is None else _check_type("coupler", coupler, GratingCoupler)
    return _grating_coupler(coupler=flat_settings(coupler))


@gf.cell(basename="grating_coupler")
def _grating_coupler(*, coupler: dict) -> gf.Component:
    g = from_flat(GratingCoupler, coupler)
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
    _optical_port(c, "o1", 0.0, 0.0, 180.0)
    r_mid = (r_first + r_last) / 2
    c.add_port("o_fiber", center=(round(x_apex + r_mid, 3), 0.0), width=10.0, orientation=0.0,
               layer=layer("WG"), port_type="vertical_te")
    return c


def edge_coupler(*, coupler: EdgeCoupler | None = None) -> gf.Component:
    """Inverse-taper edge coupler; ``o_fiber`` is the tip (at the die facet, facing west), ``o1`` the waveguide."""
    coupler = EdgeCoupler() if coupler is None else _check_type("coupler", coupler, EdgeCoupler)
    return _edge_coupler(coupler=flat_settings(coupler))


@gf.cell(basename="edge_coupler")
def _edge_coupler(*, coupler: dict) -> gf.Component:
    e = from_flat(EdgeCoupler, coupler)
    c = gf.Component()
    tip, length = um(e.tip_width), um(e.length)
    if tip < RULES["WG"].min_width:
        raise ValueError(f"edge coupler tip_width {tip} µm is below the WG minimum width {RULES['WG'].min_width} µm")
    polygon(c, "WG", [(0, -tip / 2), (length, -STRIP_WIDTH_UM / 2), (length, STRIP_WIDTH_UM / 2), (0, tip / 2)])
    _optical_port(c, "o1", length, 0.0, 0.0)
    c.add_port("o_fiber", center=(0.0, 0.0), width=10.0, orientation=180.0, layer=layer("WG"),
               port_type="optical")
    return c


# ------------------------------------------------------------------------------------------------------
# Mach-Zehnder modulator
# ------------------------------------------------------------------------------------------------------
def _mmi(c, x: float, mirror: bool = False):
    """A 1×2 MMI (gdsfactory's generic one) with its single port at x; returns (x_end, y_out)."""
    m = gf.c.mmi1x2(cross_section="strip")
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
    s = _slab_half(ps)
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
    need_gap = 2 * _slab_half(ps) + 1.0
    if gap < need_gap:
        raise ValueError(f"electrode gap {gap} µm cannot hold the phase shifter's doped rib and contacts "
                         f"({need_gap:.2f} µm needed)")
    if s_w < 8.0:
        raise ValueError(f"electrode signal_width {s_w} µm: the layout needs >= 8 µm for the contact and "
                         "termination via stacks under the signal conductor")
    if g_w < 8.0:
        raise ValueError(f"electrode ground_width {g_w} µm: the layout needs >= 8 µm under the ground conductor")


def _mzm_geometry(c, m: MachZehnderModulator, pad_pitch: float, pad_size: float) -> dict:
    """Draw a traveling-wave MZM into ``c``; returns the port positions (µm)."""
    _check_mzm_geometry(m)
    e = m.electrode
    S, W, G = um(e.signal_width), um(e.gap), um(e.ground_width)
    L = um(m.length)
    ps = m.phase_shifter
    w_ps = um(ps.waveguide.width)
    P, pw = pad_pitch, pad_size
    y_arm = S / 2 + W / 2
    g_edge = S / 2 + W + G  # outer edge of the grounds
    # --- splitter and fan-out to the pad gaps
    _wg(c, [(0, 0), (5, 0)])
    x, y_mmi = _mmi(c, 5.0)
    y_pad_gap = P / 2
    l_fan = sbend_length(y_pad_gap - y_mmi)
    for sgn in (1, -1):
        _sbend(c, x, sgn * y_mmi, x + l_fan, sgn * y_pad_gap)
    x_fan = x + l_fan
    # --- pads (GSG, in line) with the arms passing between them
    x_pad0 = x_fan + 20.0
    x_pad1 = x_pad0 + pw
    xpc = (x_pad0 + x_pad1) / 2
    for yy in (0.0, P, -P):
        pad(c, xpc, yy, pw)
    xa = x_pad1 + 10.0
    for sgn in (1, -1):
        _wg(c, [(x_fan, sgn * y_pad_gap), (xa, sgn * y_pad_gap)])
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
        _sbend(c, xa, sgn * y_pad_gap, xb, sgn * y_arm)
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
        _wg(c, [(xb, yc), (x0 - 30.0 + 5.0, yc)])
        polygon(c, "WG", [(x0 - 25.0, yc - STRIP_WIDTH_UM / 2), (x0, yc - w_ps / 2), (x0, yc + w_ps / 2),
                          (x0 - 25.0, yc + STRIP_WIDTH_UM / 2)])
        polygon(c, "WG", [(x1, yc - w_ps / 2), (x1 + 25.0, yc - STRIP_WIDTH_UM / 2),
                          (x1 + 25.0, yc + STRIP_WIDTH_UM / 2), (x1, yc + w_ps / 2)])
        _wg(c, [(x1 + 25.0, yc), (x1 + 30.0, yc)])
        _sbend(c, x1 + 30.0, yc, xe_arm, sgn * y_out)
        # rails: P side toward the ground (|y| grows), N side toward the signal
        rail_p = sgn * (S / 2 + W + 3.0)
        rail_n = sgn * (S / 2 - 3.0)
        _draw_doped_arm(c, ps, x0, x1, yc, sgn, rail_p, rail_n)  # P side toward the ground
        # via stacks M1 → MTOP under the conductors along the doped length
        _via_stack(c, x0, sgn * (S / 2 + W + 0.3), x1, sgn * (S / 2 + W + 3.0), slot=True)
        _via_stack(c, x0, sgn * (S / 2 - 3.0), x1, sgn * (S / 2 - 0.3), slot=True)
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
                _via_stack(c, xr - head / 2, min(y_end, y_far), xr + head / 2, max(y_end, y_far), bottom="HEATER")
    # --- combiner
    l_back = sbend_length(y_out - y_mmi)
    xc = xe_arm + l_back
    for sgn in (1, -1):
        _sbend(c, xe_arm, sgn * y_out, xc, sgn * y_mmi)
    m_ref = gf.c.mmi1x2(cross_section="strip")
    ref = c.add_ref(m_ref)
    ref.dmirror_x(0)
    outs = [p for p in ref.ports if p.name != "o1"]
    ref.move((xc - outs[0].dx, 0.0))
    x_out = ref.ports["o1"].dx
    _wg(c, [(x_out, 0), (x_out + 5.0, 0)])
    return {"o_in": (0.0, 0.0), "o_out": (x_out + 5.0, 0.0), "pads_x": xpc, "pitch": P,
            "doped": (x0, x1)}


def _add_mzm_ports(c, pos: dict, pad_size: float) -> None:
    _optical_port(c, "o_in", *pos["o_in"], 180.0)
    _optical_port(c, "o_out", *pos["o_out"], 0.0)
    xp, P = pos["pads_x"], pos["pitch"]
    _pad_port(c, "e_ground_top", xp, P, pad_size, 180.0)
    _pad_port(c, "e_signal", xp, 0.0, pad_size, 180.0)
    _pad_port(c, "e_ground_bottom", xp, -P, pad_size, 180.0)


def mzm(*, modulator: MachZehnderModulator | None = None, pad_pitch: float = GSG_PITCH_UM,
        pad_size: float = PAD_SIZE_UM, annotate: bool = True) -> gf.Component:
    """Traveling-wave MZM: MMI splitter/combiner, doped arms, GSG electrode, probe pads, termination."""
    modulator = MachZehnderModulator() if modulator is None else _check_type("modulator", modulator,
                                                                            MachZehnderModulator)
    if modulator.lumped:
        raise ValueError("mzm cell draws a traveling-wave modulator; got lumped=True")
    pad_pitch, pad_size = _check_pads(pad_pitch, pad_size)
    return _mzm(modulator=flat_settings(modulator), pad_pitch=pad_pitch, pad_size=pad_size, annotate=bool(annotate))


@gf.cell(basename="mzm")
def _mzm(*, modulator: dict, pad_pitch: float, pad_size: float, annotate: bool) -> gf.Component:
    m = from_flat(MachZehnderModulator, modulator)
    c = gf.Component()
    pos = _mzm_geometry(c, m, pad_pitch, pad_size)
    _add_mzm_ports(c, pos, pad_size)
    devrec(c)
    _annotate(c, "mzm", {"modulator": m}, annotate)
    return c


@gf.cell(basename="mzm_body")
def _mzm_body(*, modulator: dict, pad_pitch: float, pad_size: float) -> gf.Component:
    """The MZM geometry without footprint or annotation (for the IQ modulator's children)."""
    m = from_flat(MachZehnderModulator, modulator)
    c = gf.Component()
    pos = _mzm_geometry(c, m, pad_pitch, pad_size)
    _add_mzm_ports(c, pos, pad_size)
    return c


# ------------------------------------------------------------------------------------------------------
# IQ modulator
# ------------------------------------------------------------------------------------------------------
def iq_modulator(*, modulator: IQModulator | None = None, outer_heater: ThermoOpticPhaseShifter | None = None,
                 pad_pitch: float = GSG_PITCH_UM, pad_size: float = PAD_SIZE_UM, heater_length: float = 100.0,
                 annotate: bool = True) -> gf.Component:
    """IQ modulator: outer MMI splitter/combiner around two MZMs (I above, Q below) and a heater of
    ``heater_length`` µm on the Q branch setting the outer phase (with two DC pads)."""
    modulator = IQModulator() if modulator is None else _check_type("modulator", modulator, IQModulator)
    outer_heater = ThermoOpticPhaseShifter() if outer_heater is None else _check_type(
        "outer_heater", outer_heater, ThermoOpticPhaseShifter)
    for name in ("mzm_i", "mzm_q"):
        if getattr(modulator, name).lumped:
            raise ValueError(f"iq_modulator draws traveling-wave children; {name}.lumped is True")
    pad_pitch, pad_size = _check_pads(pad_pitch, pad_size)
    if not 20.0 <= float(heater_length) <= 2000.0:
        raise ValueError(f"heater_length must be in [20, 2000] µm; got {heater_length}")
    return _iq_modulator(modulator=flat_settings(modulator), outer_heater=flat_settings(outer_heater),
                         pad_pitch=pad_pitch, pad_size=pad_size, heater_length=float(heater_length),
                         annotate=bool(annotate))


@gf.cell(basename="iq_modulator")
def _iq_modulator(*, modulator: dict, outer_heater: dict, pad_pitch: float, pad_size: float,
                  heater_length: float, annotate: bool) -> gf.Component:
    iq = from_flat(IQModulator, modulator)
    heater = from_flat(ThermoOpticPhaseShifter, outer_heater)
    c = gf.Component()
    P, pw = pad_pitch, pad_size
    half_span = P + pw / 2  # a child's half height (its pads)
    dy = half_span + 30.0
    _wg(c, [(0, 0), (5, 0)])
    x, y_mmi = _mmi(c, 5.0)
    l_fan = sbend_length(dy - y_mmi)
    for sgn in (1, -1):
        _sbend(c, x, sgn * y_mmi, x + l_fan, sgn * dy)
    xs = x + l_fan
    refs = {}
    for name, sgn in (("mzm_i", 1), ("mzm_q", -1)):
        body = _mzm_body(modulator=flat_settings(getattr(iq, name)), pad_pitch=P, pad_size=pw)
        ref = c.add_ref(body)
        ref.move((xs, sgn * dy))
        refs[name] = ref
    x_ends = {n: r.ports["o_out"].dx for n, r in refs.items()}
    x_al = max(x_ends.values()) + 20.0
    # outer phase heater on the Q branch (an equal straight on I keeps the paths equal)
    hl = heater_length
    hw = um(heater.heater_width)
    if hw < RULES["HEATER"].min_width:
        raise ValueError(f"outer_heater.heater_width {hw} µm is below the HEATER minimum width")
    xh0, xh1 = x_al + 20.0, x_al + 20.0 + hl
    for name, sgn in (("mzm_i", 1), ("mzm_q", -1)):
        _wg(c, [(x_ends[name], sgn * dy), (xh1 + 20.0, sgn * dy)])
    yq = -dy
    rect(c, "HEATER", xh0, yq - hw / 2, xh1, yq + hw / 2)
    leg = 6.0
    for xx in (xh0, xh1):
        rect(c, "HEATER", xx - 1.5, yq - hw / 2, xx + 1.5, yq - hw / 2 - leg)
        _via_stack(c, xx - 1.5, yq - hw / 2 - leg - 3.0, xx + 1.5, yq - hw / 2 - leg, bottom="HEATER")
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
        _sbend(c, xh1 + 20.0, sgn * dy, xc, sgn * y_mmi)
    ref = c.add_ref(gf.c.mmi1x2(cross_section="strip"))
    ref.dmirror_x(0)
    outs = [p for p in ref.ports if p.name != "o1"]
    ref.move((xc - outs[0].dx, 0.0))
    x_out = ref.ports["o1"].dx
    _wg(c, [(x_out, 0), (x_out + 5.0, 0)])
    _optical_port(c, "o_in", 0.0, 0.0, 180.0)
    _optical_port(c, "o_out", x_out + 5.0, 0.0, 0.0)
    for name, tag in (("mzm_i", "i"), ("mzm_q", "q")):
        for pn in ("ground_top", "signal", "ground_bottom"):
            p = refs[name].ports[f"e_{pn}"]
            _pad_port(c, f"e_{tag}_{pn}", p.dx, p.dy, pw, 180.0)
    for i, (xp_, _) in enumerate(heater_pads, start=1):
        _pad_port(c, f"e_heater_{i}", xp_, y_pads, pw, 270.0)
    devrec(c)
    _annotate(c, "iq_modulator", {"modulator": iq, "outer_heater": heater}, annotate)
    return c


# ------------------------------------------------------------------------------------------------------
# Ring modulator
# ------------------------------------------------------------------------------------------------------
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


def ring(*, ring: RingModulator | None = None, pad_pitch: float = GSG_PITCH_UM, pad_size: float = PAD_SIZE_UM,
         annotate: bool = True) -> gf.Component:
    """Ring modulator with heater: rib ring and bus(es), doped arcs (the ``junction_fraction``), contacts,
    a heater over the ring and four pads in a row above (heater, ground, signal, heater)."""
    ring = RingModulator() if ring is None else _check_type("ring", ring, RingModulator)
    pad_pitch, pad_size = _check_pads(pad_pitch, pad_size)
    _check_ring_geometry(ring)
    return _ring(ring=flat_settings(ring), pad_pitch=pad_pitch, pad_size=pad_size, annotate=bool(annotate))


@gf.cell(basename="ring")
def _ring(*, ring: dict, pad_pitch: float, pad_size: float, annotate: bool) -> gf.Component:
    rm = from_flat(RingModulator, ring)
    _check_ring_geometry(rm)
    ps = rm.phase_shifter
    c = gf.Component()
    P, pw = pad_pitch, pad_size
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
    r_slab = R + _slab_half(ps)
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
    _via_stack(c, -1.5, -1.5, 1.5, 1.5, bottom="M1", top="M2")
    r0n, r1n, thn = arcs["NPP"]
    rcn = (r0n + r1n) / 2
    m1_half = via_size("VIAC") / math.sqrt(2) + enclosure("VIAC", "M1") + 0.05
    x_vs = r1n + 3.5
    for centre, sgn in ((0.0, 1.0), (180.0, -1.0)):
        sector(c, "M1", rcn - m1_half, rcn + m1_half, centre - thn, centre + thn)
        rect(c, "M1", sgn * (rcn - m1_half), -1.0, sgn * (x_vs - 2.0), 1.0)
        _via_stack(c, sgn * (x_vs - 2.0), -2.0, sgn * (x_vs + 2.0), 2.0)
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
        _via_stack(c, sgn * xl - 1.5, y_leg - 3.0, sgn * xl + 1.5, y_leg, bottom="HEATER", top="M2")
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
    _via_stack(c, -1.5, y_g - 1.5, 1.5, y_g + 1.5, bottom="M2")
    y_gm = y_g + 8.0
    path(c, "MTOP", [(0.0, y_g), (0.0, y_gm), (xs["e_ground"], y_gm), (xs["e_ground"], y_pad)], MTOP_TRACE_UM)
    # heaters: M2 from the heads to the outer pads
    for sgn, name in ((-1, "e_heater_1"), (1, "e_heater_2")):
        xp_ = xs[name]
        path(c, "M2", [(sgn * xl, y_leg - 1.5), (sgn * xl, y_h), (xp_, y_h), (xp_, y_pad - pw / 2 + 4.0)],
             M2_TRACE_UM)
        _via_stack(c, xp_ - 2.0, y_pad - pw / 2 + 2.0, xp_ + 2.0, y_pad - pw / 2 + 6.0, bottom="M2")
    _optical_port(c, "o_in", -X, y_bus, 180.0, w)
    _optical_port(c, "o_out", X, y_bus, 0.0, w)
    if y_drop is not None:
        _optical_port(c, "o_drop", -X, y_drop, 180.0, w)
        _optical_port(c, "o_add", X, y_drop, 0.0, w)
    for name, xx in xs.items():
        _pad_port(c, name, xx, y_pad, pw, 90.0)
    devrec(c)
    _annotate(c, "ring", {"ring": rm}, annotate)
    return c


def _ring_points(r: float) -> np.ndarray:
    from .geometry import arc_points

    return arc_points(r, 0.0, 360.0)[:-1]


# ------------------------------------------------------------------------------------------------------
# Photodetector
# ------------------------------------------------------------------------------------------------------
def photodetector(*, photodiode: PinPhotodiode | None = None, ge_width: float = 10.0,
                  pad_pitch: float = GSG_PITCH_UM, pad_size: float = PAD_SIZE_UM,
                  annotate: bool = True) -> gf.Component:
    """Waveguide-coupled vertical Ge PIN: a Ge region of the diode's ``area`` (``ge_width`` µm across,
    area/width along the light) on a P-doped silicon body, an N++ top contact and GSG pads."""
    photodiode = PinPhotodiode() if photodiode is None else _check_type("photodiode", photodiode, PinPhotodiode)
    pad_pitch, pad_size = _check_pads(pad_pitch, pad_size)
    ge_width = float(ge_width)
    if not 6.0 <= ge_width <= 50.0:
        raise ValueError(f"ge_width must be in [6, 50] µm; got {ge_width}")
    length = photodiode.area * 1e12 / ge_width
    if not 4.0 <= length <= 500.0:
        raise ValueError(f"photodiode area {photodiode.area:g} m² with ge_width {ge_width} µm gives a "
                         f"{length:.1f} µm long Ge region; accepted 4 to 500 µm")
    return _photodetector(photodiode=flat_settings(photodiode), ge_width=ge_width, pad_pitch=pad_pitch,
                          pad_size=pad_size, annotate=bool(annotate))


@gf.cell(basename="photodetector")
def _photodetector(*, photodiode: dict, ge_width: float, pad_pitch: float, pad_size: float,
                   annotate: bool) -> gf.Component:
    pd = from_flat(PinPhotodiode, photodiode)
    c = gf.Component()
    P, pw = pad_pitch, pad_size
    wg_ = ge_width
    ln = round(pd.area * 1e12 / wg_, 3)
    hw = wg_ / 2
    # input taper into the silicon body
    _wg(c, [(-25.0, 0.0), (-22.0, 0.0)])
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
    _via_stack(c, xm - 2.0, -2.0, xm + 2.0, 2.0)
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
        _via_stack(c, xm - 2.0, y_vs - 2.0, xm + 2.0, y_vs + 2.0)
        path(c, "MTOP", [(xm, y_vs), (x_turn, y_vs), (x_turn, sgn * P), (x_pad, sgn * P)], MTOP_TRACE_UM)
        pad(c, x_pad, sgn * P, pw)
    path(c, "MTOP", [(xm, 0.0), (x_pad, 0.0)], MTOP_TRACE_UM)
    pad(c, x_pad, 0.0, pw)
    _optical_port(c, "o_in", -25.0, 0.0, 180.0)
    _pad_port(c, "e_ground_top", x_pad, P, pw, 0.0)
    _pad_port(c, "e_signal", x_pad, 0.0, pw, 0.0)
    _pad_port(c, "e_ground_bottom", x_pad, -P, pw, 0.0)
    devrec(c)
    _annotate(c, "photodetector", {"photodiode": pd}, annotate)
    return c


# ------------------------------------------------------------------------------------------------------
# Laser site
# ------------------------------------------------------------------------------------------------------
def laser(*, footprint: LaserFootprint | None = None, pad_pitch: float = GSG_PITCH_UM,
          pad_size: float = PAD_SIZE_UM, coupler: EdgeCoupler | None = None, annotate: bool = True) -> gf.Component:
    """Flip-chip laser site: a recess (DEEPTRENCH) for the die, two bond pads on its floor wired to two probe
    pads, and an inverse taper (``coupler``) butt-coupled at the recess wall, ending in ``o_out``."""
    footprint = LaserFootprint() if footprint is None else _check_type("footprint", footprint, LaserFootprint)
    coupler = EdgeCoupler() if coupler is None else _check_type("coupler", coupler, EdgeCoupler)
    pad_pitch, pad_size = _check_pads(pad_pitch, pad_size)
    wr = um(footprint.die_width) + 2 * um(footprint.clearance)
    bp = um(footprint.bond_pad_size)
    if pad_pitch / 2 + bp / 2 + 5.0 > wr / 2 or pad_pitch < bp + 10.0:
        raise ValueError(f"laser site: bond pads of {bp} µm at pad_pitch {pad_pitch} µm do not fit a "
                         f"{wr:.0f} µm wide recess")
    return _laser(footprint=flat_settings(footprint), pad_pitch=pad_pitch, pad_size=pad_size,
                  coupler=flat_settings(coupler), annotate=bool(annotate))


@gf.cell(basename="laser")
def _laser(*, footprint: dict, pad_pitch: float, pad_size: float, coupler: dict, annotate: bool) -> gf.Component:
    fp = from_flat(LaserFootprint, footprint)
    ec = from_flat(EdgeCoupler, coupler)
    c = gf.Component()
    P, pw = pad_pitch, pad_size
    lr = um(fp.die_length) + 2 * um(fp.clearance)
    wr = um(fp.die_width) + 2 * um(fp.clearance)
    bp = um(fp.bond_pad_size)
    rect(c, "DEEPTRENCH", 0.0, -wr / 2, lr, wr / 2)
    x_bp = lr / 2
    x_pp = -30.0 - pw / 2
    for sgn, name in ((1, "e_anode"), (-1, "e_cathode")):
        y = sgn * P / 2
        pad(c, x_bp, y, bp)
        pad(c, x_pp, y, pw)
        path(c, "MTOP", [(x_bp, y), (x_pp, y)], MTOP_TRACE_UM * 2)
        _pad_port(c, name, x_pp, y, pw, 180.0)
    # butt-coupled inverse taper from the recess wall
    ref = c.add_ref(edge_coupler(coupler=ec))
    ref.move((lr, 0.0))
    x_o = ref.ports["o1"].dx
    _wg(c, [(x_o, 0.0), (x_o + 5.0, 0.0)])
    _optical_port(c, "o_out", x_o + 5.0, 0.0, 0.0)
    devrec(c)
    _annotate(c, "laser", {"footprint": fp}, annotate)
    return c


# ------------------------------------------------------------------------------------------------------
# Loopbacks (calibration structures)
# ------------------------------------------------------------------------------------------------------
LOOP_RADIUS_UM = 10.0


def loopback(*, loopback: Loopback | None = None, grating: GratingCoupler | None = None,
             edge: EdgeCoupler | None = None, pitch: float = 127.0, annotate: bool = True) -> gf.Component:
    """Two fiber couplers ``pitch`` µm apart joined by a U-shaped strip waveguide of the loop's length.

    Grating loopbacks face the fibers up with the loop above the couplers; edge loopbacks put the two tips
    on the west edge (x = 0) with the loop to the east."""
    loopback = Loopback() if loopback is None else _check_type("loopback", loopback, Loopback)
    grating = GratingCoupler() if grating is None else _check_type("grating", grating, GratingCoupler)
    edge = EdgeCoupler() if edge is None else _check_type("edge", edge, EdgeCoupler)
    pitch = float(pitch)
    if pitch < 2 * LOOP_RADIUS_UM + 20.0:
        raise ValueError(f"loopback pitch {pitch} µm is below {2 * LOOP_RADIUS_UM + 20.0} µm")
    fixed = math.pi * LOOP_RADIUS_UM + pitch - 2 * LOOP_RADIUS_UM
    if um(loopback.length) < fixed + 10.0:
        raise ValueError(f"loopback length {um(loopback.length)} µm is shorter than its U-turn ({fixed + 10:.0f} µm)")
    return _loopback(loopback=flat_settings(loopback), grating=flat_settings(grating), edge=flat_settings(edge),
                     pitch=pitch, annotate=bool(annotate))


@gf.cell(basename="loopback")
def _loopback(*, loopback: dict, grating: dict, edge: dict, pitch: float, annotate: bool) -> gf.Component:
    lb = from_flat(Loopback, loopback)
    c = gf.Component()
    r = LOOP_RADIUS_UM
    ln = um(lb.length)
    straight = (ln - (math.pi * r + pitch - 2 * r)) / 2
    loop = gf.path.straight(straight) + gf.path.arc(radius=r, angle=90) + gf.path.straight(pitch - 2 * r) \
        + gf.path.arc(radius=r, angle=90) + gf.path.straight(straight)
    wg = c.add_ref(gf.path.extrude(loop, cross_section="strip"))
    if lb.coupler == "grating":
        gc = grating_coupler(coupler=from_flat(GratingCoupler, grating))
        wg.drotate(90)
        starts = [(0.0, 0.0), (-pitch, 0.0)]
        for i, (x, y) in enumerate(starts, start=1):
            g = c.add_ref(gc)
            g.drotate(-90)
            g.move((x - g.ports["o1"].dx, y - g.ports["o1"].dy))
            c.add_port(f"o_fiber_{i}", port=g.ports["o_fiber"])
    else:
        ecc = edge_coupler(coupler=from_flat(EdgeCoupler, edge))
        length = um(from_flat(EdgeCoupler, edge).length)
        wg.move((length, 0.0))
        for i, (x, y) in enumerate([(length, 0.0), (length, pitch)], start=1):
            e = c.add_ref(ecc)
            e.move((x - e.ports["o1"].dx, y - e.ports["o1"].dy))
            c.add_port(f"o_fiber_{i}", port=e.ports["o_fiber"])
    devrec(c)
    _annotate(c, "loopback", {"loopback": lb}, annotate)
    return c


# public cells by device kind (the chip and the read-back use this)
DEVICE_CELLS = {
    "mzm": mzm,
    "iq_modulator": iq_modulator,
    "ring": ring,
    "photodetector": photodetector,
    "laser": laser,
    "loopback": loopback,
}
