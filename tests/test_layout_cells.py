"""Layout cells against the parameter objects they are drawn from.

The geometry is measured on the drawn polygons (cuts through the layout) and compared with the photonics
parameters; the back-annotated figures are compared with the drawn geometry and with textbook relations
between them (Vπ·L fixed, FWHM = λ/Q, the rate-equation threshold). Expected dimensions come from the
parameter values set here (e.g. the GSG widths of ``CoplanarElectrode``), not from the layout code.
"""

from __future__ import annotations

import math

import klayout.db as kdb
import numpy as np
import pytest

from layouts import cells
from layouts.checks import layer, run_checks
from photonics.couplers import CouplingModel
from photonics.detectors import PinPhotodiode
from photonics.devices import LaserFootprint, Loopback
from photonics.electrodes import CoplanarElectrode, LumpedElectrode
from photonics.modulators import IQModulator, MachZehnderModulator
from photonics.phase_shifters import DepletionPhaseShifter
from photonics.rings import RingModulator

NM = 1e-3  # µm


def region(component, name_or_layer) -> kdb.Region:
    lay = layer(name_or_layer) if isinstance(name_or_layer, str) else name_or_layer
    ly = component.kcl.layout
    li = ly.find_layer(*lay)
    if li is None:
        return kdb.Region()
    return kdb.Region(ly.cell(component.cell_index()).begin_shapes_rec(li)).merged()


def cut(component, name, *, x=None, y=None) -> list[tuple[float, float]]:
    """Intervals (µm) where layer ``name`` crosses the vertical line x (y-intervals) or horizontal line y."""
    dbu = component.kcl.layout.dbu
    big = 1e5
    box = kdb.DBox(x - 0.0005, -big, x + 0.0005, big) if x is not None else kdb.DBox(-big, y - 0.0005, big, y + 0.0005)
    pieces = (region(component, name) & kdb.Region(box.to_itype(dbu))).merged()
    out = []
    for p in pieces.each():
        b = p.bbox().to_dtype(dbu)
        out.append((b.bottom, b.top) if x is not None else (b.left, b.right))
    return sorted(out)


def doped_mid_x(component) -> float:
    """x at the middle of the doped section (where the P++ contacts are)."""
    b = region(component, "PPP").bbox().to_dtype(component.kcl.layout.dbu)
    return round((b.left + b.right) / 2, 3)


# ------------------------------------------------------------------------------------------------------
# MZM
# ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("electrode", [CoplanarElectrode(),
                                       CoplanarElectrode(signal_width=20e-6, gap=8e-6, ground_width=50e-6)])
def test_mzm_gsg_electrode_has_the_electrode_model_widths_and_gaps(electrode):
    c = cells.mzm(modulator=MachZehnderModulator(length=1e-3, electrode=electrode), annotate=False)
    s, w, g = electrode.signal_width * 1e6, electrode.gap * 1e6, electrode.ground_width * 1e6
    got = cut(c, "MTOP", x=doped_mid_x(c))
    expected = [(-s / 2 - w - g, -s / 2 - w), (-s / 2, s / 2), (s / 2 + w, s / 2 + w + g)]
    assert len(got) == 3
    for (a0, a1), (e0, e1) in zip(got, expected, strict=True):
        assert a0 == pytest.approx(e0, abs=NM) and a1 == pytest.approx(e1, abs=NM)


@pytest.mark.parametrize("offset", [-50e-9, 0.0, 100e-9])
def test_mzm_doping_bands_follow_the_phase_shifter(offset):
    ps = DepletionPhaseShifter(junction_offset=offset)
    e = CoplanarElectrode()
    c = cells.mzm(modulator=MachZehnderModulator(length=0.5e-3, phase_shifter=ps, electrode=e), annotate=False)
    x = doped_mid_x(c)
    yc = (e.signal_width / 2 + e.gap / 2) * 1e6  # upper arm; its N side faces the signal conductor (−y)
    half = ps.waveguide.width / 2 * 1e6
    xj = offset * 1e6
    upper = lambda iv: [t for t in iv if t[0] > 0]  # noqa: E731
    (n0, n1), = upper(cut(c, "N", x=x))
    (p0, p1), = upper(cut(c, "P", x=x))
    assert n1 == pytest.approx(yc - xj, abs=NM) and p0 == pytest.approx(yc - xj, abs=NM)  # the junction
    assert n0 == pytest.approx(yc - half - ps.n_plus_gap * 1e6, abs=NM)
    assert p1 == pytest.approx(yc + half + ps.p_plus_gap * 1e6, abs=NM)
    (pp0, pp1), = upper(cut(c, "PPP", x=x))
    assert pp0 == pytest.approx(yc + half + ps.p_contact_gap * 1e6, abs=NM)
    assert pp1 - pp0 == pytest.approx(ps.contact_width * 1e6, abs=NM)
    (nn0, nn1), = upper(cut(c, "NPP", x=x))
    assert nn1 == pytest.approx(yc - half - ps.n_contact_gap * 1e6, abs=NM)
    (w0, w1), = upper(cut(c, "WG", x=x))
    assert (w0, w1) == (pytest.approx(yc - half, abs=NM), pytest.approx(yc + half, abs=NM))


def test_mzm_length_changes_geometry_and_figures_consistently():
    short, long_ = MachZehnderModulator(length=1e-3), MachZehnderModulator(length=2e-3)
    figs = {}
    for m in (short, long_):
        c = cells.mzm(modulator=m)
        b = region(c, "PPP").bbox().to_dtype(c.kcl.layout.dbu)
        assert b.width() == pytest.approx(m.length * 1e6, abs=NM)  # the doped length is the model's
        # the back-annotated length is the drawn one
        assert c.info["length_m"] * 1e6 == pytest.approx(b.width(), abs=NM)
        figs[m.length] = c.info.model_dump()
    # Vπ ∝ 1/L at fixed V·L (the same phase shifter), and the longer traveling-wave electrode is slower
    assert figs[2e-3]["vpi_v"] * 2 == pytest.approx(figs[1e-3]["vpi_v"], rel=1e-12)
    assert figs[2e-3]["eo_bandwidth_hz"] < figs[1e-3]["eo_bandwidth_hz"]


def test_mzm_termination_is_two_resistors_of_twice_the_impedance():
    e = CoplanarElectrode()
    head = 3.0
    for z in (50.0, 25.0, 60.0):
        c = cells.mzm(modulator=MachZehnderModulator(length=0.5e-3, termination_impedance=z), annotate=False)
        y_mid = (e.signal_width / 2 + e.gap / 2) * 1e6
        (x0, x1), = cut(c, "HEATER", y=y_mid)  # one strip bridges each gap
        (y0, y1), = [iv for iv in cut(c, "HEATER", x=(x0 + x1) / 2) if iv[0] > 0]
        squares = (y1 - y0 - 2 * head) / (x1 - x0)  # strip length between the contact heads / width
        r_each = cells.RESISTOR_SHEET_OHM * squares
        assert r_each / 2 == pytest.approx(z, rel=2e-3)  # two in parallel from the signal to the grounds
    open_ = cells.mzm(modulator=MachZehnderModulator(length=0.5e-3, termination_impedance=None), annotate=False)
    assert region(open_, "HEATER").is_empty()


# ------------------------------------------------------------------------------------------------------
# Ring
# ------------------------------------------------------------------------------------------------------
def test_ring_gap_changes_geometry_and_figures_consistently():
    figs = {}
    for gap in (200e-9, 300e-9):
        rm = RingModulator(gap=gap)
        c = cells.ring(ring=rm)
        ivs = cut(c, "WG", x=0.0)
        # from the bottom: bus, ring (lower side), ring (upper side)
        bus, ring_low = ivs[0], ivs[1]
        assert ring_low[0] - bus[1] == pytest.approx(gap * 1e6, abs=2 * NM)
        info = c.info.model_dump()
        # the annotated round trip is the drawn ring's circumference (centre radius from the cut at x = 0)
        r_drawn = (ivs[-1][0] + ivs[-1][1]) / 2
        assert info["round_trip_length_m"] * 1e6 == pytest.approx(2 * math.pi * r_drawn, rel=1e-4)
        # definitions: Q = λ/Δλ_FWHM; 1/Q_L = 1/Q_i + 1/Q_c; Δλ_FSR/Δf_FSR = λ²/c (Bogaerts et al.,
        # "Silicon microring resonators", Laser Photonics Rev. 6, 47 (2012), eqs. 6-10)
        lam = info["resonance_wavelength_m"]
        assert info["fwhm_m"] == pytest.approx(lam / info["q_loaded"], rel=1e-3)
        # (the additive form of the Q's is exact only in the weak-coupling, low-loss limit: 1e-3 here)
        assert 1 / info["q_loaded"] == pytest.approx(1 / info["q_intrinsic"] + 1 / info["q_coupling"], rel=1e-3)
        assert info["fsr_m"] / info["fsr_hz"] == pytest.approx(lam**2 / 299792458.0, rel=1e-3)
        figs[gap] = info
    # a narrower gap couples more and loads the ring more (lower loaded Q)
    assert figs[200e-9]["power_coupling"] > figs[300e-9]["power_coupling"]
    assert figs[200e-9]["q_loaded"] < figs[300e-9]["q_loaded"]


@pytest.mark.parametrize("radius", [5e-6, 10e-6])
def test_ring_radius_waveguide_and_heater_widths(radius):
    rm = RingModulator(radius=radius)
    c = cells.ring(ring=rm, annotate=False)
    r, w = radius * 1e6, rm.waveguide.width * 1e6
    ivs = cut(c, "WG", y=0.0)
    assert ivs[0] == (pytest.approx(-r - w / 2, abs=2 * NM), pytest.approx(-r + w / 2, abs=2 * NM))
    assert ivs[-1] == (pytest.approx(r - w / 2, abs=2 * NM), pytest.approx(r + w / 2, abs=2 * NM))
    (h0, h1), = [iv for iv in cut(c, "HEATER", y=0.0) if iv[1] < 0]
    assert h1 - h0 == pytest.approx(rm.heater.heater_width * 1e6, abs=2 * NM)
    assert (h0 + h1) / 2 == pytest.approx(-r, abs=2 * NM)  # the heater sits over the ring


def test_ring_doped_fraction_of_the_circumference():
    rm = RingModulator(junction_fraction=0.6)
    c = cells.ring(ring=rm, annotate=False)
    # the P region hugs the inside of the ring over junction_fraction × 360°: its area is that fraction of
    # the annulus between its radii (two arcs of junction_fraction × 180° each)
    r, half = rm.radius * 1e6, rm.waveguide.width / 2 * 1e6
    ps = rm.phase_shifter
    r0, r1 = r - half - ps.p_plus_gap * 1e6, r + ps.junction_offset * 1e6
    area = region(c, "P").area() * c.kcl.layout.dbu**2
    assert area == pytest.approx(rm.junction_fraction * math.pi * (r1**2 - r0**2), rel=2e-3)


def test_add_drop_ring_has_drop_bus_and_ports():
    c = cells.ring(ring=RingModulator(drop_gap=400e-9), annotate=False)
    assert {"o_in", "o_out", "o_drop", "o_add"} <= {p.name for p in c.ports}
    ivs = cut(c, "WG", x=0.0)
    assert ivs[-1][0] - ivs[-2][1] == pytest.approx(0.4, abs=2 * NM)


# ------------------------------------------------------------------------------------------------------
# Photodetector, laser, loopbacks, couplers
# ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("area", [60e-12, 200e-12])
def test_photodetector_germanium_area_is_the_diode_area(area):
    pd = PinPhotodiode(area=area)
    c = cells.photodetector(photodiode=pd)
    assert region(c, "GE").area() * c.kcl.layout.dbu**2 == pytest.approx(area * 1e12, rel=1e-4)
    # R = η q λ / (h c): 1.2502 A/W per unit η at 1550 nm (CODATA constants)
    assert c.info["responsivity_a_per_w"] == pytest.approx(pd.quantum_efficiency * 1.602176634e-19 * 1.55e-6
                                                           / (6.62607015e-34 * 299792458.0), rel=1e-9)


def test_laser_recess_is_the_die_plus_clearance_and_figures_from_the_rate_equations():
    fp = LaserFootprint(die_length=400e-6, die_width=250e-6, clearance=8e-6)
    c = cells.laser(footprint=fp)
    b = region(c, "DEEPTRENCH").bbox().to_dtype(c.kcl.layout.dbu)
    assert b.width() == pytest.approx(416.0, abs=NM) and b.height() == pytest.approx(266.0, abs=NM)
    # threshold of the rate equations (DESIGN.md form, β → 0): Γ·v_g·a₀(N_th − N_t) = 1/τp, I_th = qV·N_th/τn
    # (Coldren, Corzine & Mašanović, "Diode Lasers and Photonic Integrated Circuits", 2nd ed., ch. 2)
    p = fp.laser
    n_th = p.n_transparency + 1 / (p.confinement * p.group_velocity * p.gain_slope * p.tau_p)
    i_th = 1.602176634e-19 * p.volume * n_th / p.tau_n
    assert c.info["threshold_current_a"] == pytest.approx(i_th, rel=1e-9)
    assert c.info["operating_current_a"] == pytest.approx(2 * i_th, rel=1e-9)  # the site's default bias
    # above threshold S ≈ Γτp(I − I_th)/(qV), so one facet's P = S·V·hν·η₀/(2Γτp) ≈ η₀·hν·(I − I_th)/(2q);
    # gain compression and spontaneous emission move it by well under 5 % at 2 × threshold
    h_nu = 6.62607015e-34 * 299792458.0 / p.wavelength
    assert c.info["power_w"] == pytest.approx(p.eta0 * h_nu * i_th / (2 * 1.602176634e-19), rel=0.05)
    assert {p.name for p in c.ports} == {"o_out", "e_anode", "e_cathode"}


def test_loopback_waveguide_length_and_loss():
    lb = Loopback(length=0.8e-3)
    c = cells.loopback(loopback=lb)
    # strip waveguide: the loop's drawn area is its length × 0.5 µm (plus the two couplers)
    gc = cells.grating_coupler()
    wg_area = (region(c, "WG").area() - 2 * region(gc, "WG").area()) * c.kcl.layout.dbu**2
    assert wg_area / 0.5 == pytest.approx(800.0, rel=2e-3)
    assert c.info["length_m"] * 1e6 == pytest.approx(wg_area / 0.5, rel=2e-3)  # the annotated length is drawn
    assert c.info["propagation_loss_db"] == pytest.approx(lb.waveguide.intrinsic_loss_db_per_m * 0.8e-3, rel=1e-12)
    # group delay τ = n_g·L/c of the annotated group index over the drawn length
    assert c.info["group_delay_s"] == pytest.approx(c.info["group_index"] * wg_area / 0.5 * 1e-6 / 299792458.0,
                                                    rel=2e-3)
    fibers = sorted(p.dx for p in c.ports if p.name.startswith("o_fiber"))
    assert fibers[1] - fibers[0] == pytest.approx(127.0, abs=NM)  # fiber-array pitch


def test_iq_modulator_ports_and_children():
    c = cells.iq_modulator()
    names = {p.name for p in c.ports}
    assert {"o_in", "o_out", "e_i_signal", "e_q_signal", "e_i_ground_top", "e_q_ground_bottom",
            "e_heater_1", "e_heater_2"} <= names
    iq = IQModulator()
    # two doped MZM sections, four arms: four P++ contact strips, each of the children's annotated length
    assert region(c, "PPP").count() == 4
    for strip in region(c, "PPP").each():
        assert strip.bbox().width() * c.kcl.layout.dbu == pytest.approx(c.info["i_length_m"] * 1e6, abs=NM)
    assert c.info["i_length_m"] == c.info["q_length_m"] == iq.mzm_i.length


@pytest.mark.parametrize("name", sorted(cells.DEVICE_CELLS))
def test_device_cells_carry_kind_and_scalar_figures_only(name):
    c = cells.DEVICE_CELLS[name]()
    info = c.info.model_dump()
    assert info["kind"] == name
    assert len(info) > 3
    for k, v in info.items():
        assert isinstance(v, int | float | str | bool), (k, type(v))
    for p in c.ports:
        assert p.name.startswith(("o_", "e_")), p.name
    assert not region(c, (68, 0)).is_empty()  # every device has a footprint for the overlap check


def test_annotate_false_draws_the_same_geometry():
    a = cells.ring(annotate=True)
    b = cells.ring(annotate=False)
    assert set(b.info.model_dump()) == {"kind"}
    for name in ("WG", "SLAB90", "N", "P", "HEATER", "MTOP"):
        assert (region(a, name) ^ region(b, name)).is_empty()


def test_default_cells_pass_the_layout_checks():
    for name, f in cells.DEVICE_CELLS.items():
        rep = run_checks(f(annotate=False))
        assert rep.ok, (name, rep.summary())


# ------------------------------------------------------------------------------------------------------
# Bad input: clear errors
# ------------------------------------------------------------------------------------------------------
def test_ring_gap_below_the_minimum_is_refused():
    with pytest.raises(ValueError, match="gap"):
        RingModulator(gap=50e-9)  # the coupling model's lithography limit
    loose = RingModulator(gap=80e-9, coupling_model=CouplingModel(min_gap=50e-9))
    with pytest.raises(ValueError, match="below the WG minimum spacing"):
        cells.ring(ring=loose)


def test_overlapping_pads_are_refused():
    with pytest.raises(ValueError, match="pads would overlap"):
        cells.mzm(pad_pitch_um=70.0)
    with pytest.raises(ValueError, match="pads would overlap"):
        cells.ring(pad_pitch_um=85.0, pad_size_um=80.0)


@pytest.mark.parametrize("kwargs, match", [
    ({"p_plus_gap": 0.02e-6}, "P band"),
    ({"contact_width": 0.4e-6}, "contact_width"),
])
def test_phase_shifter_geometry_below_the_rules_is_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        cells.mzm(modulator=MachZehnderModulator(phase_shifter=DepletionPhaseShifter(**kwargs)))


def test_wrong_parameter_types_and_impossible_geometry_are_refused():
    with pytest.raises(TypeError, match="modulator must be a MachZehnderModulator"):
        cells.mzm(modulator=RingModulator())
    with pytest.raises(ValueError, match="gap"):
        cells.mzm(modulator=MachZehnderModulator(electrode=CoplanarElectrode(gap=3e-6)))
    with pytest.raises(ValueError, match="does not fit"):
        cells.mzm(modulator=MachZehnderModulator(termination_impedance=500.0))
    with pytest.raises(ValueError, match="radius"):
        cells.ring(ring=RingModulator(radius=3e-6))
    with pytest.raises(ValueError, match="lumped"):
        cells.mzm(modulator=MachZehnderModulator(electrode=LumpedElectrode()))


def test_raised_cosine_sbend_minimum_radius():
    # y = A(1 − cos(πx/L))/2 has y'' max = Aπ²/(2L²) at its ends, so R_min = 2L²/(π²A)
    dy, radius = 40.0, 25.0
    length = cells.sbend_length(dy, radius)
    pts = cells.sbend_points(0.0, 0.0, length, dy, n=4001)
    x, y = pts[:, 0], pts[:, 1]
    d1 = np.gradient(y, x)
    d2 = np.gradient(d1, x)
    inner = slice(5, -5)  # one-sided differences at the ends are less accurate
    r_min = np.min((1 + d1[inner] ** 2) ** 1.5 / np.abs(d2[inner]).clip(1e-12))
    assert r_min == pytest.approx(radius, rel=1e-3)


@pytest.mark.parametrize("radius", [2.0, 5.0, 12.0, 40.0])
def test_arcs_deviate_from_the_circle_by_at_most_one_grid_unit(radius):
    """Sagitta of a chord subtending θ on radius R: R(1 − cos(θ/2)); the drawn arcs keep it ≤ 1 nm (the
    database grid), so vertices get sparser on larger radii (chord 2√(2Rs): 0.2 µm at 5 µm, 0.4 µm at 20 µm)."""
    from layouts.geometry import arc_points

    pts = arc_points(radius, 0.0, 90.0)
    mid = (pts[1:] + pts[:-1]) / 2  # chord midpoints are where a polygon is farthest inside the circle
    sagitta = radius - np.hypot(mid[:, 0], mid[:, 1])
    assert sagitta.max() <= 1.0 * NM + 1e-12
    assert sagitta.max() > 0.5 * NM  # not finer than needed
    chord = np.hypot(*np.diff(pts, axis=0).T).max()
    assert chord == pytest.approx(2 * math.sqrt(2 * radius * NM), rel=0.05)
    assert np.allclose(np.hypot(pts[:, 0], pts[:, 1]), radius)


def test_importing_layouts_activates_no_pdk_and_a_users_pdk_is_restored():
    import subprocess
    import sys

    code = ("import layouts.cells, layouts.chip, layouts.manifest, layouts.readback, layouts.regression, "
            "layouts.render, layouts.doe\nfrom gdsfactory import pdk\nprint(pdk._ACTIVE_PDK is None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip() == "True", out.stderr[-2000:]
    # a cell drawn while another PDK is active uses the generic one and leaves the user's active afterwards
    code = ("import gdsfactory as gf\nfrom gdsfactory import pdk\nfrom layouts import cells\n"
            "mine = gf.Pdk(name='mine', layers=gf.gpdk.LAYER, cross_sections=gf.gpdk.PDK.cross_sections, "
            "cells=gf.gpdk.PDK.cells)\nmine.activate()\nc = cells.edge_coupler()\n"
            "print(pdk.get_active_pdk().name, len(c.ports))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.split() == ["mine", "2"], out.stderr[-2000:]
