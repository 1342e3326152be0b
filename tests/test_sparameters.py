"""S-parameters, Touchstone files and SAX-compatible models of optolink's devices.

References: Touchstone File Format Specification Rev 1.1 (EIA/IBIS Open Forum, 2002) for the file layout;
D. M. Pozar, "Microwave Engineering", 4th ed. (2012), Table 4.2 (ABCD → S) and §2.3/§4.3 (terminated line,
reflection of a load, Γ_in of a terminated 2-port); W. Bogaerts et al., Laser Photonics Rev. 6, 47 (2012)
for the ring's power transmissions; scikit-rf and SAX as independent readers / circuit solvers.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

from optolink.core.constants import C
from photonics import sax_models as sm
from photonics import sparameters as spm
from photonics.electrodes import LumpedElectrode, lumped_response
from photonics.modulators import MachZehnderModulator
from photonics.rings import RingModulator
from photonics.sparameters import SParameters, read_touchstone, write_touchstone

LAM = np.linspace(1.545e-6, 1.555e-6, 241)
WL_UM = LAM / 1e-6
FREQ = np.geomspace(1e8, 80e9, 60)


@pytest.fixture(scope="module")
def ring():
    return RingModulator()


@pytest.fixture(scope="module")
def add_drop():
    return RingModulator(gap=250e-9, drop_gap=320e-9)


@pytest.fixture(scope="module")
def mzm():
    return MachZehnderModulator()


@pytest.fixture(scope="module")
def lumped_mzm():
    return MachZehnderModulator(electrode=LumpedElectrode(pad_capacitance=30e-15), length=0.5e-3,
                                termination_impedance=None)


def _random_sp(n_ports, n_freq=7, seed=1):
    rng = np.random.default_rng(seed)
    s = rng.normal(size=(n_freq, n_ports, n_ports)) + 1j * rng.normal(size=(n_freq, n_ports, n_ports))
    f = np.sort(rng.uniform(1e9, 300e12, n_freq))
    return SParameters(f, s, tuple(f"p{i}" for i in range(n_ports)), 50.0)


# ------------------------------------------------------------------------------------------------
# Touchstone files
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("n_ports", [1, 2, 3, 4, 5])
def test_touchstone_round_trip_is_exact(tmp_path, n_ports):
    sp = _random_sp(n_ports)
    path = write_touchstone(tmp_path / f"dev.s{n_ports}p", sp, comment="round trip\nsecond line")
    back = read_touchstone(path)
    np.testing.assert_array_equal(back.frequency, sp.frequency)  # 17 significant digits: exact in float64
    np.testing.assert_array_equal(back.s, sp.s)
    assert back.port_names == sp.port_names and back.reference_impedance == 50.0


def test_touchstone_layout_follows_the_spec(tmp_path):
    # 2-port: one line, S11 S21 S12 S22 (Touchstone 1.1: the 2-port exception to row order)
    s2 = np.array([[[11 + 0.5j, 12], [21, 22]]])
    write_touchstone(tmp_path / "a.s2p", SParameters([1e9], s2, ("a", "b"), 75.0))
    lines = [ln for ln in (tmp_path / "a.s2p").read_text().splitlines() if not ln.startswith("!")]
    assert lines[0].split() == ["#", "HZ", "S", "RI", "R", "75"]
    assert [float(x) for x in lines[1].split()] == [1e9, 11, 0.5, 21, 0, 12, 0, 22, 0]
    # 5-port: each matrix row starts a line, at most four pairs (8 numbers) per line
    sp5 = _random_sp(5, n_freq=2)
    write_touchstone(tmp_path / "b.s5p", sp5)
    data = [ln.split() for ln in (tmp_path / "b.s5p").read_text().splitlines() if ln[:1] not in ("!", "#")]
    assert len(data) == 2 * 5 * 2  # 2 frequencies × 5 rows × (4 + 1 pairs)
    assert len(data[0]) == 1 + 8 and len(data[1]) == 2 and len(data[2]) == 8
    assert float(data[2][0]) == sp5.s[0, 1, 0].real  # row 2 (S21 …) starts a new line


def test_reader_takes_ma_db_and_ghz(tmp_path):
    # A hand-written 2-port in the spec's MA default and GHz; S21 = 0.5∠−90°, S12 = 0.5∠−90°
    (tmp_path / "m.s2p").write_text("! hand written\n# GHZ S MA R 50\n"
                                    "1.0 0.1 0 0.5 -90 0.5 -90 0.2 180 ! trailing comment\n"
                                    "2.0 0.1 0 0.25 90 0.25 90 0.2 180\n")
    sp = read_touchstone(tmp_path / "m.s2p")
    np.testing.assert_allclose(sp.frequency, [1e9, 2e9])
    np.testing.assert_allclose(sp.s[0], [[0.1, -0.5j], [-0.5j, -0.2]], atol=1e-15)
    assert sp.port_names == ("port1", "port2")
    (tmp_path / "d.s1p").write_text("# MHZ S DB R 50\n100 -20 45\n")
    one = read_touchstone(tmp_path / "d.s1p")
    assert one.frequency[0] == 100e6
    np.testing.assert_allclose(one.s[0, 0, 0], 0.1 * np.exp(1j * math.pi / 4))


def test_writer_and_type_refuse_bad_input(tmp_path):
    sp = _random_sp(2)
    with pytest.raises(ValueError, match=".sNp"):
        write_touchstone(tmp_path / "x.txt", sp)
    with pytest.raises(ValueError, match="says 3 ports"):
        write_touchstone(tmp_path / "x.s3p", sp)
    with pytest.raises(ValueError, match="increasing"):
        SParameters([2e9, 1e9], np.zeros((2, 1, 1)), ("a",))
    with pytest.raises(ValueError, match="distinct"):
        SParameters([1e9], np.zeros((1, 2, 2)), ("a", "a"))
    with pytest.raises(ValueError, match="shape"):
        SParameters([1e9], np.zeros((1, 2, 3)), ("a", "b"))


def test_scikit_rf_reads_optolink_files_to_1e9(tmp_path, mzm, add_drop):
    skrf = pytest.importorskip("skrf")
    electrode = spm.electrode_s_parameters(mzm, FREQ)
    path = write_touchstone(tmp_path / "electrode.s2p", electrode)
    net = skrf.Network(str(path))
    np.testing.assert_allclose(net.f, electrode.frequency, rtol=1e-12)
    assert np.max(np.abs(net.s[:, 1, 0] - electrode.s[:, 1, 0])) < 1e-9  # S21
    assert np.max(np.abs(net.s - electrode.s)) < 1e-9
    np.testing.assert_allclose(net.z0, 50.0)
    ring4 = spm.ring_s_parameters(add_drop, LAM)
    net4 = skrf.Network(str(write_touchstone(tmp_path / "ring.s4p", ring4)))
    assert np.max(np.abs(net4.s - ring4.s)) < 1e-9
    assert list(net4.port_names) == ["in0", "out0", "in1", "out1"]


# ------------------------------------------------------------------------------------------------
# Reciprocity and passivity
# ------------------------------------------------------------------------------------------------
def test_optical_devices_are_reciprocal_and_passive(ring, add_drop, mzm):
    devices = [spm.ring_s_parameters(ring, LAM), spm.ring_s_parameters(add_drop, LAM),
               spm.coupler_s_parameters(LAM, 0.3, loss_db=0.1), spm.mzm_s_parameters(mzm, LAM, drive=0.7),
               spm.waveguide_s_parameters(ring.waveguide, 2e-3, LAM)]
    for sp in devices:
        assert sp.reciprocity_error() == 0.0
        assert sp.max_singular_value() <= 1.0 + 1e-12
        assert np.all(np.abs(sp.s) <= 1.0 + 1e-12)


def test_lossless_coupler_is_unitary():
    sp = spm.coupler_s_parameters(LAM[:5], 0.37)
    eye = np.eye(4)
    for s in sp.s:
        np.testing.assert_allclose(s.conj().T @ s, eye, atol=1e-14)
    np.testing.assert_allclose(np.abs(sp.between("in0", "out1")) ** 2, 0.37)


def test_directional_coupler_from_the_gap(ring):
    # K = sin²(κL): the 3-dB length π/(4κ) splits evenly, twice it crosses over fully (coupled-mode theory,
    # Yariv §13.8); κ from the weak-coupling slab formula of photonics.couplers (method="weak")
    from photonics.couplers import slab_coupling_coefficient

    wg, gap = ring.waveguide, 200e-9
    kappa = slab_coupling_coefficient(wg.mode.lateral, gap, wg.wavelength)
    half = sm.directional_coupler_model(wg, gap, math.pi / (4 * kappa), method="weak")(wl=WL_UM)
    np.testing.assert_allclose(np.abs(half[("in0", "out1")]) ** 2, 0.5, atol=1e-12)
    full = sm.directional_coupler_model(wg, gap, math.pi / (2 * kappa), method="weak")()
    assert abs(full[("in0", "out1")]) ** 2 == pytest.approx(1.0, abs=1e-12)


def test_directional_coupler_default_is_the_supermode_solver(ring):
    # the default κ is the full-vector supermode splitting π(n_e − n_o)/λ of the rib pair (the ring's coupling
    # table): at the 3-dB length of a direct supermode solve the coupler splits evenly (table interpolation
    # ≪ 1 %: |K − 0.5| ≤ (π/4)·δκ/κ)
    from photonics.cross_section_solvers import coupling_coefficient

    wg, gap = ring.waveguide, 200e-9
    kappa = coupling_coefficient(gap, width=wg.width, height=wg.height, slab_height=wg.slab_height,
                                 wavelength=wg.wavelength, step=20e-9)
    half = sm.directional_coupler_model(wg, gap, math.pi / (4 * kappa))(wl=WL_UM)
    assert abs(half[("in0", "out1")]) ** 2 == pytest.approx(0.5, abs=4e-3)


def test_electrode_is_reciprocal_and_passive(mzm, lumped_mzm):
    sp = spm.electrode_s_parameters(mzm, FREQ)
    assert sp.reciprocity_error() < 1e-13
    assert sp.max_singular_value() < 1.0  # a lossy line
    one = spm.electrode_s_parameters(lumped_mzm, FREQ)
    assert one.n_ports == 1 and np.all(np.abs(one.s) < 1.0)
    eo = spm.eo_s_parameters(mzm, FREQ)
    assert eo.reciprocity_error() > 0.5  # EO: the light does not drive the electrode (S12 = 0)


# ------------------------------------------------------------------------------------------------
# The devices' S-matrices against their own models and closed forms
# ------------------------------------------------------------------------------------------------
def test_ring_s_matrix_equals_its_transmissions(ring, add_drop):
    sp = spm.ring_s_parameters(ring, LAM)
    lam = sp.wavelength  # stored by increasing frequency
    np.testing.assert_allclose(np.abs(sp.between("in0", "out0")) ** 2, ring.transmission(lam), atol=1e-12)
    sp4 = spm.ring_s_parameters(add_drop, LAM, bias_voltage=2.0)
    lam = sp4.wavelength
    np.testing.assert_allclose(np.abs(sp4.between("in0", "out0")) ** 2, add_drop.transmission(lam, 2.0),
                               atol=1e-12)
    np.testing.assert_allclose(np.abs(sp4.between("in0", "out1")) ** 2, add_drop.drop_transmission(lam, 2.0),
                               atol=1e-12)
    # the add port's through path is the through port of the mirrored ring (gaps swapped; Bogaerts eq. 5)
    mirrored = RingModulator(gap=add_drop.drop_gap, drop_gap=add_drop.gap)
    np.testing.assert_allclose(np.abs(sp4.between("in1", "out1")) ** 2, mirrored.transmission(lam, 2.0),
                               atol=1e-12)


def test_waveguide_s21_closed_form(ring):
    wg, length = ring.waveguide, 1.5e-3
    sp = spm.waveguide_s_parameters(wg, length, LAM)
    lam = sp.wavelength
    alpha = wg.intrinsic_loss_db_per_m / (10 * math.log10(math.e))  # power coefficient, 1/m
    n = wg.neff - (wg.group_index - wg.neff) * (lam - wg.wavelength) / wg.wavelength
    expected = np.exp(-alpha * length / 2) * np.exp(-2j * math.pi * n * length / lam)
    np.testing.assert_allclose(sp.between("in0", "out0"), expected, rtol=1e-10)
    # group delay −dφ/dω = n_g·L/c at the design wavelength
    phase = np.unwrap(np.angle(sp.between("in0", "out0")))
    w = 2 * math.pi * sp.frequency
    tau = -np.gradient(phase, w)
    i = np.argmin(np.abs(lam - wg.wavelength))
    assert tau[i] == pytest.approx(wg.group_index * length / C, rel=1e-4)


def test_mzm_s21_is_its_field_transfer(mzm):
    sp = spm.mzm_s_parameters(mzm, LAM, drive=0.5)
    np.testing.assert_allclose(sp.between("in0", "out0"), complex(mzm.field_transfer(0.5)), rtol=1e-14)


def test_electrode_s21_closed_form_and_scikit_rf(mzm):
    sp = spm.electrode_s_parameters(mzm, FREQ)
    gamma, z_c = mzm.line(FREQ)
    gl, z0 = gamma * mzm.length, 50.0
    s21 = 2 / (2 * np.cosh(gl) + (z_c / z0 + z0 / z_c) * np.sinh(gl))  # Pozar: line between Z0 ports
    np.testing.assert_allclose(sp.s[:, 1, 0], s21, rtol=1e-12)
    gam = (z_c - z0) / (z_c + z0)
    s11 = gam * (1 - np.exp(-2 * gl)) / (1 - gam**2 * np.exp(-2 * gl))  # multiple-reflection sum
    np.testing.assert_allclose(sp.s[:, 0, 0], s11, rtol=1e-10, atol=1e-14)
    # matched line: S21 = e^{−γL}, S11 = 0
    matched = spm.abcd_to_s(np.cosh(gl), z0 * np.sinh(gl), np.sinh(gl) / z0, np.cosh(gl), z0)
    np.testing.assert_allclose(matched[:, 1, 0], np.exp(-gl), rtol=1e-12)
    np.testing.assert_allclose(matched[:, 0, 0], 0.0, atol=1e-14)
    skrf = pytest.importorskip("skrf")
    media = skrf.media.DefinedGammaZ0(skrf.Frequency.from_f(FREQ, unit="hz"), z0_port=z0, z0=z_c, gamma=gamma)
    line = media.line(mzm.length, unit="m")
    np.testing.assert_allclose(line.s, sp.s, rtol=1e-9, atol=1e-12)


def test_lumped_electrode_reflection_is_the_rc_divider(lumped_mzm):
    # A 1-port driven from Z0 sees V_node/V_s = Z/(Z + Z0) = (1 + S11)/2 (Pozar §2.3); the light sees V_node
    # through the junction's own RC: the modulator's lumped_response must equal (1 + S11)/2/(1 + jωrc).
    m = lumped_mzm
    sp = spm.electrode_s_parameters(m, FREQ)
    r = m.phase_shifter.series_resistance_length
    c = float(m.phase_shifter.capacitance_per_length(m.bias_voltage))
    h = lumped_response(FREQ, r, c, m.length, 2, m.electrode.pad_capacitance, 50.0, None)
    np.testing.assert_allclose((1 + sp.s[:, 0, 0]) / 2 / (1 + 2j * np.pi * FREQ * r * c), h, rtol=1e-12)


def test_eo_s_parameters(mzm, lumped_mzm):
    eo = spm.eo_s_parameters(mzm, FREQ)
    np.testing.assert_allclose(eo.s[:, 1, 0], mzm.eo_response(FREQ), rtol=1e-14)
    assert abs(eo.s[0, 1, 0]) == pytest.approx(1.0, abs=1e-3)
    f3 = mzm.eo_bandwidth()
    at = spm.eo_s_parameters(mzm, [f3]).s[0, 1, 0]
    assert 20 * math.log10(abs(at)) == pytest.approx(-10 * math.log10(2), abs=1e-3)
    # S11 of the terminated line = Γ_in of the electrode 2-port closed on its termination (Pozar eq. 11.3)
    line = spm.electrode_s_parameters(mzm, FREQ)
    g_l = (mzm.termination_impedance - 50.0) / (mzm.termination_impedance + 50.0)
    s = line.s
    gamma_in = s[:, 0, 0] + s[:, 0, 1] * s[:, 1, 0] * g_l / (1 - s[:, 1, 1] * g_l)
    np.testing.assert_allclose(eo.s[:, 0, 0], gamma_in, rtol=1e-9, atol=1e-13)
    lum = spm.eo_s_parameters(lumped_mzm, FREQ)
    np.testing.assert_allclose(lum.s[:, 0, 0], spm.electrode_s_parameters(lumped_mzm, FREQ).s[:, 0, 0])


# ------------------------------------------------------------------------------------------------
# SDict contract (no SAX needed)
# ------------------------------------------------------------------------------------------------
def test_models_follow_the_sdict_contract(ring, add_drop, mzm):
    models = {"straight": sm.straight, "coupler": sm.coupler, "ring": sm.ring_model(ring),
              "add_drop": sm.ring_model(add_drop), "mzm": sm.mzm_model(mzm), "loop": sm.ring_loop_model(ring),
              "wg": sm.waveguide_model(ring.waveguide, 1e-3), "rc": sm.ring_coupler_model(add_drop, "drop")}
    for name, model in models.items():
        params = inspect.signature(model).parameters
        assert list(params)[0] == "wl", name
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is not inspect.Parameter.empty
                   for p in params.values()), name
        out = model(wl=WL_UM)
        assert isinstance(out, dict) and out, name
        for (a, b), v in out.items():
            assert isinstance(a, str) and isinstance(b, str)
            assert np.asarray(v).shape == WL_UM.shape and np.iscomplexobj(v)
            np.testing.assert_array_equal(out[(b, a)], v)  # reciprocal, both directions listed
        scalar = model()  # defaults: the design wavelength
        assert all(np.ndim(v) == 0 for v in scalar.values())


def test_ring_model_equals_field_transfer(ring):
    thru, _ = ring.field_transfer(LAM, 2.0)
    # µm → m rounds λ by an ulp: the phase 2πn·L/λ (≈ 220 rad) moves by ~1e-13
    np.testing.assert_allclose(sm.ring_model(ring)(wl=WL_UM, bias_voltage=2.0)[("in0", "out0")], thru, atol=1e-12)


def test_conjugate_matches_sax_sign_convention():
    sax = pytest.importorskip("sax")
    ours = sm.conjugate(sm.straight(wl=WL_UM, wl0=1.55, neff=2.4, ng=4.1, length=250.0, loss_db_per_cm=3.0))
    theirs = sax.models.straight(wl=WL_UM, wl0=1.55, neff=2.4, ng=4.1, length=250.0, loss_dB_cm=3.0)
    t_sax = next(np.asarray(v) for (a, b), v in theirs.items() if a != b)
    np.testing.assert_allclose(ours[("in0", "out0")], t_sax, rtol=1e-12)
    ideal = sax.models.coupler_ideal(coupling=0.3)
    ours_c = sm.conjugate(sm.coupler(coupling=0.3))
    for key in [("in0", "out0"), ("in0", "out1"), ("in1", "out0")]:
        assert complex(ours_c[key]) == pytest.approx(complex(ideal[key]), abs=1e-15)


# ------------------------------------------------------------------------------------------------
# SAX circuits of optolink devices against optolink's own models
# ------------------------------------------------------------------------------------------------
def _circuit(netlist, models):
    sax = pytest.importorskip("sax")
    circuit, _ = sax.circuit(netlist, models)
    return circuit


def test_sax_all_pass_ring_from_coupler_and_loop(ring):
    # SAX solves the feedback loop; optolink's ring is the closed-form (Bogaerts eq. 2). Tolerance 1e-12.
    netlist = {"instances": {"c": "coupler", "loop": "loop"},
               "connections": {"c,out1": "loop,in0", "loop,out0": "c,in1"},
               "ports": {"in0": "c,in0", "out0": "c,out0"}}
    circuit = _circuit(netlist, {"coupler": sm.ring_coupler_model(ring), "loop": sm.ring_loop_model(ring)})
    for v in (0.0, 2.0):
        s = circuit(wl=WL_UM, loop={"bias_voltage": v})
        t = np.asarray(s["in0", "out0"])
        np.testing.assert_allclose(t, ring.field_transfer(LAM, v)[0], atol=1e-12)
        np.testing.assert_allclose(np.abs(t) ** 2, ring.transmission(LAM, v), atol=1e-12)


def test_sax_add_drop_ring_from_two_couplers(add_drop):
    netlist = {"instances": {"c1": "bus", "c2": "drop", "h1": "half", "h2": "half"},
               "connections": {"c1,out1": "h1,in0", "h1,out0": "c2,in0", "c2,out0": "h2,in0", "h2,out0": "c1,in1"},
               "ports": {"in0": "c1,in0", "out0": "c1,out0", "in1": "c2,in1", "out1": "c2,out1"}}
    circuit = _circuit(netlist, {"bus": sm.ring_coupler_model(add_drop, "through"),
                                 "drop": sm.ring_coupler_model(add_drop, "drop"),
                                 "half": sm.ring_loop_model(add_drop, 0.5)})
    s = circuit(wl=WL_UM)
    own = sm.ring_model(add_drop)(wl=WL_UM)
    for key in [("in0", "out0"), ("in0", "out1"), ("in1", "out1"), ("in1", "out0")]:
        np.testing.assert_allclose(np.asarray(s[key]), own[key], atol=1e-12)
    np.testing.assert_allclose(np.abs(np.asarray(s["in0", "out1"])) ** 2, add_drop.drop_transmission(LAM),
                               atol=1e-12)


def test_sax_mzi_from_two_couplers_and_two_waveguides():
    # Two 3-dB couplers and arms of lengths L1, L2: bar power = (a1² + a2² − 2a1a2·cos Δφ)/4,
    # Δφ = 2π·n_eff(λ)·(L2 − L1)/λ (closed form of the balanced-coupler MZI).
    l1, l2, loss = 100.0, 140.0, 2.0
    netlist = {"instances": {"c1": "coupler", "c2": "coupler", "a1": {"component": "arm", "settings": {"length": l1}},
                             "a2": {"component": "arm", "settings": {"length": l2}}},
               "connections": {"c1,out0": "a1,in0", "a1,out0": "c2,in0", "c1,out1": "a2,in0", "a2,out0": "c2,in1"},
               "ports": {"in0": "c1,in0", "in1": "c1,in1", "out0": "c2,out0", "out1": "c2,out1"}}
    circuit = _circuit(netlist, {"coupler": sm.coupler, "arm": lambda *, wl=1.55, length=10.0:
                                 sm.straight(wl=wl, neff=2.4, ng=4.2, length=length, loss_db_per_cm=loss)})
    s = circuit(wl=WL_UM)
    n = 2.4 - (4.2 - 2.4) * (WL_UM - 1.55) / 1.55
    a1, a2 = (10 ** (-loss * ln * 1e-4 / 20) for ln in (l1, l2))
    dphi = 2 * math.pi * n * (l2 - l1) / WL_UM
    bar = (a1**2 + a2**2 - 2 * a1 * a2 * np.cos(dphi)) / 4
    np.testing.assert_allclose(np.abs(np.asarray(s["in0", "out0"])) ** 2, bar, atol=1e-12)
    np.testing.assert_allclose(np.abs(np.asarray(s["in0", "out1"])) ** 2, (a1**2 + a2**2) / 2 - bar, atol=1e-12)


def test_sax_chain_mzm_waveguide_ring(ring, mzm):
    netlist = {"instances": {"m": "mzm", "w": "wg", "r": "ring"},
               "connections": {"m,out0": "w,in0", "w,out0": "r,in0"},
               "ports": {"in0": "m,in0", "out0": "r,out0"}}
    length = 2e-3
    circuit = _circuit(netlist, {"mzm": sm.mzm_model(mzm), "wg": sm.waveguide_model(ring.waveguide, length),
                                 "ring": sm.ring_model(ring)})
    s = circuit(wl=WL_UM, m={"drive": 0.4})
    wg_power = np.abs(spm.waveguide_s_parameters(ring.waveguide, length, LAM).s[0, 1, 0]) ** 2
    expected = float(mzm.transfer(0.4)) * wg_power * ring.transmission(LAM)
    np.testing.assert_allclose(np.abs(np.asarray(s["in0", "out0"])) ** 2, expected, rtol=1e-10)
