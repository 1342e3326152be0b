"""Mach-Zehnder, IQ and dual-polarization IQ modulators."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq, minimize_scalar

from photonics.electrodes import LumpedElectrode
from photonics.modulators import DualPolIQModulator, IQModulator, MachZehnderModulator
from photonics.phase_shifters import DepletionPhaseShifter


@pytest.fixture(scope="module")
def mzm():
    return MachZehnderModulator()


def test_default_tw_mzm_in_published_ranges(mzm):
    # Acceptance: a well-matched 3 mm TW MZM with 50 Ω termination reaches ≥ 30 GHz EO bandwidth;
    # VπL 1.5-3 V·cm at 2 V (Reed et al., Nanophotonics 2014; Patel et al., Opt. Express 23, 14263 (2015):
    # 3 mm, 30 GHz, VπL 2.2 V·cm)
    assert mzm.eo_bandwidth() >= 30e9
    assert 1.5 <= mzm.vpi_l_v_cm <= 3.0
    assert 1.0 < mzm.insertion_loss_db < 8.0


def test_vpi_is_small_signal_slope(mzm):
    # small-signal: d(φ1 − φ2)/dv·Vπ = π, with each arm's phase from the phase shifter at bias ± v/2
    ps, length, b, h = mzm.phase_shifter, mzm.length, mzm.bias_voltage, 1e-3
    d_phi = (float(ps.phase(b + h / 2, length)) - float(ps.phase(b - h / 2, length))) / h
    assert mzm.vpi == pytest.approx(math.pi / d_phi, rel=1e-3)


def test_extinction_at_vpi():
    # An MZM with its arms in phase at zero drive (phase_bias = 0) reaches its null where the drive puts π
    # between the arms; the extinction there is ((√p·a1 + √(1−p)·a2)/(√p·a1' − √(1−p)·a2'))² with the arms'
    # field transmissions at those voltages (Ghione 2009, §4.3).
    m = MachZehnderModulator(phase_bias=0.0, bias_voltage=4.0, length=4e-3, splitter_imbalance_db=0.5)
    lo, hi = m.drive_range
    ps, length, b = m.phase_shifter, m.length, m.bias_voltage
    # the large-signal Vπ: the drive that puts π between the arms' phases (from the phase shifter alone)
    v_null = brentq(lambda v: float(ps.phase(b + v / 2, length)) - float(ps.phase(b - v / 2, length)) - math.pi,
                    0.1, hi)
    v1, v2 = b + v_null / 2, b - v_null / 2
    # it is the transmission minimum (the arms' unequal absorption shifts the minimum only slightly)
    res = minimize_scalar(lambda v: float(m.transfer(v)), bounds=(0.5 * v_null, min(1.5 * v_null, hi)),
                          method="bounded")
    assert res.x == pytest.approx(v_null, rel=0.02)
    p = 1 / (1 + 10 ** (-0.05))
    a = lambda v: math.exp(-float(ps.alpha(v)) * length / 2)  # noqa: E731
    a0 = a(m.bias_voltage)
    er_expected = ((math.sqrt(p) * a0 + math.sqrt(1 - p) * a0) / (math.sqrt(p) * a(v1) - math.sqrt(1 - p) * a(v2))) ** 2
    er = float(m.transfer(0.0) / m.transfer(v_null))
    assert 10 * math.log10(er) == pytest.approx(10 * math.log10(er_expected), abs=0.3)
    # and equals the device's extinction ratio when the arms' losses match (heater-swept, zero drive)
    m_pi = MachZehnderModulator(phase_bias=math.pi, splitter_imbalance_db=0.5)
    m_0 = MachZehnderModulator(phase_bias=0.0, splitter_imbalance_db=0.5)
    assert 10 * math.log10(float(m_0.transfer(0.0) / m_pi.transfer(0.0))) == pytest.approx(
        m_0.extinction_ratio_db, abs=1e-6)
    assert m_0.extinction_ratio_db == pytest.approx(
        20 * math.log10((math.sqrt(p) + math.sqrt(1 - p)) / (math.sqrt(p) - math.sqrt(1 - p))), rel=1e-9)


def test_quadrature_transfer_is_half_of_peak(mzm):
    t_peak = 10 ** (-mzm.insertion_loss_db / 10)
    assert float(mzm.transfer(0.0)) == pytest.approx(t_peak / 2, rel=1e-3)


def test_lumped_rc_response():
    # Lumped push-pull MZM, open termination, no pad: two junctions in series (C = cL/2, R = 2r/L) driven
    # from Z_S: |H| = 1/√(1 + (ωτ)²), τ = (Z_S + R)·C  (single pole, e.g. Reed 2014 §3)
    m = MachZehnderModulator(length=0.5e-3, electrode=LumpedElectrode(pad_capacitance=0.0),
                             termination_impedance=None)
    r, c = m.phase_shifter.series_resistance_length, float(m.phase_shifter.capacitance_per_length(2.0))
    tau = (50.0 + 2 * r / m.length) * c * m.length / 2
    f = np.array([1e9, 20e9, 50e9])
    assert np.abs(m.eo_response(f)) == pytest.approx(1 / np.sqrt(1 + (2 * np.pi * f * tau) ** 2), rel=1e-3)
    assert m.eo_bandwidth() == pytest.approx(1 / (2 * math.pi * tau), rel=1e-3)


def test_longer_tw_modulator_is_slower_but_more_efficient():
    short, long_ = MachZehnderModulator(length=2e-3), MachZehnderModulator(length=5e-3)
    assert long_.vpi < short.vpi
    assert long_.eo_bandwidth() < short.eo_bandwidth()


def test_termination_changes_response():
    open_ = MachZehnderModulator(termination_impedance=None)
    assert open_.eo_bandwidth() != pytest.approx(MachZehnderModulator().eo_bandwidth(), rel=0.01)


def test_chirp_push_pull_vs_single_arm():
    # Balanced push-pull is chirp-free; one arm driven at quadrature gives |α| = 1 (Koyama & Iga, JLT 1988)
    pp = MachZehnderModulator(splitter_imbalance_db=0.0)
    sa = MachZehnderModulator(splitter_imbalance_db=0.0, drive="single-arm")
    # (the residual in push-pull comes from the arms' bias-dependent absorption, a few hundredths)
    assert abs(pp.chirp_parameter()) < 0.1
    assert abs(sa.chirp_parameter()) == pytest.approx(1.0, abs=0.1)


def test_time_domain_slow_drive_follows_static_transfer(mzm):
    fs, n = 200e9, 16384
    t = np.arange(n) / fs
    tone = fs / n  # a slow (12 MHz), periodic tone: |H| = 1 there
    drive = 2.0 * np.sin(2 * np.pi * tone * t)
    out = mzm.modulate(np.ones(n, complex) * math.sqrt(1e-3), drive, fs)
    assert np.abs(out) ** 2 / 1e-3 == pytest.approx(mzm.transfer(drive), rel=2e-3, abs=1e-6)


def test_time_domain_fast_tone_is_attenuated_by_eo_response(mzm):
    fs, n = 400e9, 8192
    t = np.arange(n) / fs
    f_tone = 410 * fs / n  # ≈ 20 GHz, on an FFT bin
    drive = 0.2 * np.cos(2 * np.pi * f_tone * t)
    vj = mzm.junction_drive(drive, fs)
    amp = 2 * np.abs(np.fft.rfft(vj))[410] / n
    assert amp / 0.2 == pytest.approx(abs(mzm.eo_response(np.array([f_tone]))[0]), rel=1e-6)


def test_iq_modulator_quadratures():
    iq = IQModulator()
    a = 0.5 * iq.vpi
    e_i = iq.static_field(np.array([a, -a]), np.array([0.0, 0.0]))
    e_q = iq.static_field(np.array([0.0, 0.0]), np.array([a, -a]))
    # I-only drives give real fields of opposite sign, Q-only drives ±90° away from them
    assert np.angle(e_i[0] / e_i[1]) == pytest.approx(math.pi, abs=0.05) or \
        np.angle(e_i[0] / e_i[1]) == pytest.approx(-math.pi, abs=0.05)
    assert abs(np.angle(e_q[0] / e_i[0])) == pytest.approx(math.pi / 2, abs=0.05)
    # null bias: zero drive gives (almost) no light
    assert abs(iq.static_field(0.0, 0.0)) ** 2 < 1e-3


def test_iq_qpsk_constellation_time_domain():
    iq = IQModulator()
    fs, n = 100e9, 1024
    rng = np.random.default_rng(1)
    sym_i = rng.choice([-1.0, 1.0], n // 16).repeat(16)
    sym_q = rng.choice([-1.0, 1.0], n // 16).repeat(16)
    out = iq.modulate(np.ones(n, complex), 0.4 * iq.vpi * sym_i, 0.4 * iq.vpi * sym_q, fs,
                      bandwidth_limited=False)
    quadrant = np.sign(out.real) * 2 + np.sign(out.imag)
    expected = np.sign(sym_i) * 2 + np.sign(sym_q)
    # same quadrant map up to a common rotation/sign convention: a one-to-one mapping of the 4 quadrants
    pairs = set(zip(expected.tolist(), quadrant.tolist(), strict=True))
    assert len(pairs) == 4


def test_dual_pol_shape_and_power_split():
    dp = DualPolIQModulator()
    n, fs = 256, 100e9
    drives = np.full((4, n), 0.3 * dp.iq_x.vpi)
    out = dp.modulate(np.ones(n, complex), drives, fs, bandwidth_limited=False)
    assert out.shape == (2, n)
    px, py = np.mean(np.abs(out[0]) ** 2), np.mean(np.abs(out[1]) ** 2)
    assert px == pytest.approx(py, rel=1e-9)
    assert px + py < 1.0
    with pytest.raises(ValueError, match="drives"):
        dp.modulate(np.ones(n, complex), np.zeros((2, n)), fs)


@settings(max_examples=40, deadline=None)
@given(imb=st.floats(0.0, 3.0), phase=st.floats(-math.pi, math.pi), frac=st.floats(-1.0, 1.0),
       drive_kind=st.sampled_from(["push-pull", "single-arm"]))
def test_no_passive_gain(imb, phase, frac, drive_kind):
    m = MachZehnderModulator(splitter_imbalance_db=imb, phase_bias=phase, drive=drive_kind, length=1e-3)
    lo, hi = m.drive_range
    v = frac * (hi if frac > 0 else -lo)
    assert 0.0 <= float(m.transfer(v)) <= 1.0


@pytest.mark.parametrize("kwargs,name", [
    ({"length": -1e-3}, "length"), ({"length": float("nan")}, "length"),
    ({"drive": "dual"}, "drive"), ({"bias_voltage": -5.0}, "bias_voltage"),
    ({"source_impedance": 0.0}, "source_impedance"), ({"splitter_imbalance_db": -1.0}, "splitter_imbalance_db"),
])
def test_bad_parameters(kwargs, name):
    with pytest.raises(ValueError, match=name):
        MachZehnderModulator(**kwargs)


def test_bad_drive_and_field(mzm):
    n = 16
    with pytest.raises(ValueError, match="drive swing"):
        mzm.transfer(100.0)
    with pytest.raises(ValueError, match="drive"):
        mzm.modulate(np.ones(n, complex), np.full(n, np.nan), 1e11)
    with pytest.raises(ValueError, match="field_in"):
        mzm.modulate(np.ones((2, n), complex), np.zeros(n), 1e11)
    with pytest.raises(ValueError, match="sample_rate"):
        mzm.modulate(np.ones(n, complex), np.zeros(n), -1.0)
    with pytest.raises(TypeError, match="phase_shifter"):
        MachZehnderModulator(phase_shifter="pn")
    assert isinstance(mzm.phase_shifter, DepletionPhaseShifter)
