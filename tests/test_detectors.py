"""Tests for photonics.detectors.

Expected values come from textbook formulas re-derived here (CODATA 2018 constants typed in, numerical
quadrature of the impulse response, closed-form magnitude responses), never from the module under test.
References: Bowers & Burrus, JLT 5, 1339 (1987); Kato et al., IEEE JQE 28, 2728 (1992);
Agrawal, Fiber-Optic Communication Systems, 4th ed., §4.4 (shot/thermal noise, NEP);
Butterworth 2nd order: |H|² = 1/(1 + (f/f_c)⁴) (e.g. Sedra & Smith, Microelectronic Circuits, ch. 17).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.optimize import brentq

from photonics.detectors import BalancedPhotodiode, PinPhotodiode, TransimpedanceAmplifier

# CODATA 2018 exact values, typed in independently of photonics.constants.
QE = 1.602176634e-19
HP = 6.62607015e-34
CL = 299792458.0
KB = 1.380649e-23
E0 = 8.8541878128e-12

# A very fast detector (f_t ~ 1.7 THz, f_RC ~ 4 THz): |H|² ≈ 1 over a 25 GHz simulated bandwidth.
FAST = dict(intrinsic_thickness=0.02e-6, area=1e-13, parasitic_capacitance=0.0, series_resistance=0.0)


def _transit_quad(f: float, tau: float) -> complex:
    """H_t(f) = ∫ h(t) e^{-j2πft} dt for h(t) = (2/τ)(1 − t/τ) on [0, τ] (uniform generation, both
    carriers at v_sat; Lucovsky et al., J. Appl. Phys. 35, 622 (1964)), by numerical quadrature."""
    w = 2 * math.pi * f
    re = quad(lambda t: 2 / tau * (1 - t / tau) * math.cos(w * t), 0, tau)[0]
    im = quad(lambda t: -2 / tau * (1 - t / tau) * math.sin(w * t), 0, tau)[0]
    return complex(re, im)


def _transit_mag2(x):
    """|H_t|² = 4 (2 − 2 cos x − 2x sin x + x²)/x⁴, x = ωτ (modulus of the transform above), x > 0."""
    return 4 * (2 - 2 * np.cos(x) - 2 * x * np.sin(x) + x**2) / x**4


# --- responsivity, capacitance, bandwidth -----------------------------------------------------------------
def test_responsivity_ideal_1550():
    """R = η q λ/(h c) = λ[µm]/1.23984 A/W: 1.2502 A/W at η = 1, λ = 1550 nm (Agrawal §4.1)."""
    pd = PinPhotodiode(quantum_efficiency=1.0, wavelength=1.55e-6)
    assert pd.responsivity == pytest.approx(QE * 1.55e-6 / (HP * CL), rel=1e-12)
    assert pd.responsivity == pytest.approx(1.2502, abs=1e-4)


@pytest.mark.parametrize("eta,lam", [(0.5, 1.55e-6), (0.8, 1.31e-6), (0.25, 1.0e-6)])
def test_responsivity_linear_in_eta_and_wavelength(eta, lam):
    """R ∝ η λ (R = η q λ / hc)."""
    ref = PinPhotodiode(quantum_efficiency=1.0, wavelength=1.55e-6).responsivity
    pd = PinPhotodiode(quantum_efficiency=eta, wavelength=lam)
    assert pd.responsivity == pytest.approx(ref * eta * lam / 1.55e-6, rel=1e-12)


def test_capacitance_parallel_plate():
    """C = ε0 ε_r A / d + C_parasitic (fully depleted i-layer, parallel plate)."""
    pd = PinPhotodiode(area=8e-6 * 12e-6, intrinsic_thickness=0.4e-6, parasitic_capacitance=3e-15)
    assert pd.capacitance == pytest.approx(E0 * 16.2 * 8e-6 * 12e-6 / 0.4e-6 + 3e-15, rel=1e-12)


def test_rc_bandwidth():
    """f_RC = 1/(2π (R_s + R_L) C)."""
    pd = PinPhotodiode()
    c = E0 * 16.2 * 10e-6 * 14e-6 / 0.5e-6 + 5e-15
    assert pd.rc_bandwidth == pytest.approx(1 / (2 * math.pi * 60.0 * c), rel=1e-12)


def test_transit_bandwidth_uniform_generation():
    """Uniform generation: −3 dB of |H_t|² closed form, ≈ 3.5 v/(2πd) (Kato et al. 1992) within 2 %."""
    pd = PinPhotodiode(intrinsic_thickness=0.45e-6, saturation_velocity=6e4)
    x3 = brentq(lambda x: _transit_mag2(x) - 0.5, 1.0, 5.0, xtol=1e-14)
    tau = 0.45e-6 / 6e4
    assert pd.transit_time_bandwidth == pytest.approx(x3 / (2 * math.pi * tau), rel=1e-9)
    assert pd.transit_time_bandwidth == pytest.approx(3.5 / (2 * math.pi) * 6e4 / 0.45e-6, rel=0.02)


def test_transit_bandwidth_edge_generation():
    """Edge generation, sinc response: sin(x/2)/(x/2) = 1/√2 → f_t ≈ 0.45 v/d (Bowers & Burrus 1987)."""
    pd = PinPhotodiode(transit_model="edge")
    y = brentq(lambda y: math.sin(y) / y - 1 / math.sqrt(2), 0.5, 2.5, xtol=1e-15)  # y = x/2
    assert pd.transit_time_bandwidth == pytest.approx(2 * y / (2 * math.pi * pd.transit_time), rel=1e-9)
    assert pd.transit_time_bandwidth == pytest.approx(0.45 * 6e4 / 0.5e-6, rel=0.02)


@pytest.mark.parametrize("f", [0.0, 1e6, 5e9, 40e9, 120e9, 400e9])
def test_frequency_response_matches_quadrature(f):
    """H(f) = H_t(f)·1/(1 + j2πf(R_s+R_L)C), H_t from quadrature of the impulse response (Lucovsky 1964)."""
    pd = PinPhotodiode()
    rc = 60.0 * (E0 * 16.2 * 10e-6 * 14e-6 / 0.5e-6 + 5e-15)
    expected = _transit_quad(f, 0.5e-6 / 6e4) / (1 + 2j * math.pi * f * rc)
    assert complex(pd.frequency_response(f)) == pytest.approx(expected, rel=1e-8, abs=1e-12)


def test_combined_bandwidth_below_both_and_limits():
    """The −3 dB of a product of two low-pass responses lies below each; it tends to the slower one when
    the other is much faster; the approximation 1/f² = 1/f_t² + 1/f_RC² holds within ~5 % here."""
    pd = PinPhotodiode()
    ft, frc, f3 = pd.transit_time_bandwidth, pd.rc_bandwidth, pd.bandwidth
    assert f3 < min(ft, frc)
    assert abs(complex(pd.frequency_response(f3))) ** 2 == pytest.approx(0.5, rel=1e-9)
    assert pd.bandwidth_approx == pytest.approx((ft**-2 + frc**-2) ** -0.5, rel=1e-12)
    assert f3 == pytest.approx(pd.bandwidth_approx, rel=0.05)
    transit_limited = PinPhotodiode(area=1e-14, parasitic_capacitance=0.0)  # f_RC ~ 100 THz
    assert transit_limited.bandwidth == pytest.approx(transit_limited.transit_time_bandwidth, rel=0.01)
    rc_limited = PinPhotodiode(intrinsic_thickness=0.02e-6, area=2e-9)  # f_t ~ 1.7 THz, f_RC ~ 0.2 GHz
    assert rc_limited.bandwidth == pytest.approx(rc_limited.rc_bandwidth, rel=0.01)


# --- noise figures ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("power", [0.0, 1e-4, 1e-3])
def test_shot_and_thermal_psd(power):
    """Shot S = 2q(RP + I_d), thermal S = 4kT/R_L, both one-sided (Agrawal §4.4.1)."""
    pd = PinPhotodiode(temperature=310.0, load_resistance=100.0)
    r = 0.8 * QE * 1.55e-6 / (HP * CL)
    assert pd.shot_noise_psd(power) == pytest.approx(2 * QE * (r * power + 10e-9), rel=1e-12)
    assert pd.thermal_noise_psd() == pytest.approx(4 * KB * 310.0 / 100.0, rel=1e-12)


def test_nep_snr_and_rms():
    """NEP = √(2qI_d + 4kT/R_L)/R; SNR = (RP)²/((S_shot + S_th)B); TIA noise replaces 4kT/R_L."""
    pd, tia = PinPhotodiode(), TransimpedanceAmplifier(input_noise_density=20e-12)
    r = 0.8 * QE * 1.55e-6 / (HP * CL)
    s_th = 4 * KB * 300.0 / 50.0
    assert pd.nep() == pytest.approx(math.sqrt(2 * QE * 10e-9 + s_th) / r, rel=1e-12)
    assert pd.nep(tia) == pytest.approx(math.sqrt(2 * QE * 10e-9 + 400e-24) / r, rel=1e-12)
    p, b = 1e-4, 30e9
    var = (2 * QE * (r * p + 10e-9) + s_th) * b
    assert pd.noise_current_rms(p, b) == pytest.approx(math.sqrt(var), rel=1e-12)
    assert pd.snr(p, b) == pytest.approx((r * p) ** 2 / var, rel=1e-12)
    var_tia = (2 * QE * (r * p + 10e-9) + 400e-24) * b
    assert pd.snr(p, b, tia) == pytest.approx((r * p) ** 2 / var_tia, rel=1e-12)


# --- time domain ------------------------------------------------------------------------------------------
def test_detect_noiseless_cw_and_dual_polarization():
    """With noise off, a CW field gives exactly R·P + I_d (H(0) = 1); power sums over polarizations."""
    pd = PinPhotodiode()
    r = 0.8 * QE * 1.55e-6 / (HP * CL)
    n = 256
    x = np.full(n, math.sqrt(1e-3) * np.exp(0.3j))
    y = np.full(n, math.sqrt(5e-4) * np.exp(-1.1j))
    i1 = pd.detect(x, 100e9, noise=False)
    i2 = pd.detect(np.vstack([x, y]), 100e9, noise=False)
    assert i1.shape == (n,) and i2.shape == (n,)
    np.testing.assert_allclose(i1, r * 1e-3 + 10e-9, rtol=1e-12)
    np.testing.assert_allclose(i2, r * 1.5e-3 + 10e-9, rtol=1e-12)


@pytest.mark.parametrize("power", [0.0, 1e-3, 1e-2])
def test_detect_noise_variance_white(power):
    """Fast detector: variance = (2q(RP + I_d) + 4kT/R_L)·fs/2 (one-sided PSD × simulated bandwidth),
    mean = RP + I_d, within 5 % (Agrawal §4.4.1)."""
    pd = PinPhotodiode(**FAST)
    fs, n = 50e9, 1 << 17
    r = 0.8 * QE * 1.55e-6 / (HP * CL)
    i = pd.detect(np.full(n, math.sqrt(power), dtype=complex), fs, rng=np.random.default_rng(7))
    var = (2 * QE * (r * power + 10e-9) + 4 * KB * 300.0 / 50.0) * fs / 2
    assert np.var(i) == pytest.approx(var, rel=0.05)
    assert abs(np.mean(i) - (r * power + 10e-9)) < 5 * math.sqrt(var / n)


def test_detect_noise_variance_filtered():
    """Default detector: shot noise passes H_t·H_RC, load noise the RC pole only:
    var = S_shot ∫_0^{fs/2} |H_t H_RC|² df + S_th ∫_0^{fs/2} |H_RC|² df, with
    ∫_0^B df/(1 + (f/f_c)²) = f_c atan(B/f_c); within 5 %."""
    pd = PinPhotodiode()
    fs, n, p = 400e9, 1 << 18, 2e-3
    r = 0.8 * QE * 1.55e-6 / (HP * CL)
    tau = 0.5e-6 / 6e4
    fc = 1 / (2 * math.pi * 60.0 * (E0 * 16.2 * 1.4e-10 / 0.5e-6 + 5e-15))
    f = np.linspace(1e6, fs / 2, 200_001)
    h2 = _transit_mag2(2 * np.pi * f * tau) / (1 + (f / fc) ** 2)
    var = 2 * QE * (r * p + 10e-9) * np.trapezoid(h2, f) + 4 * KB * 300 / 50 * fc * math.atan(fs / 2 / fc)
    i = pd.detect(np.full(n, math.sqrt(p), dtype=complex), fs, rng=np.random.default_rng(11))
    assert np.var(i) == pytest.approx(var, rel=0.05)


def test_detect_reproducible():
    """Same seed → identical record (int seed ≡ Generator with that seed); different seeds → different."""
    pd = PinPhotodiode()
    e = np.full(1024, 0.03 + 0.0j)
    a = pd.detect(e, 100e9, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a, pd.detect(e, 100e9, rng=np.random.default_rng(3)))
    np.testing.assert_array_equal(a, pd.detect(e, 100e9, rng=3))
    assert not np.array_equal(a, pd.detect(e, 100e9, rng=np.random.default_rng(4)))


# --- TIA --------------------------------------------------------------------------------------------------
def test_tia_butterworth_response():
    """2nd-order Butterworth: H(0) = Z_T, |H(f_c)| = Z_T/√2 with phase −90°, |H|² = Z_T²/(1 + (f/f_c)⁴)."""
    tia = TransimpedanceAmplifier(transimpedance=5e3, bandwidth=40e9)
    assert complex(tia.frequency_response(0.0)) == pytest.approx(5e3, rel=1e-12)
    h = complex(tia.frequency_response(40e9))
    assert abs(h) == pytest.approx(5e3 / math.sqrt(2), rel=1e-12)
    assert np.angle(h) == pytest.approx(-math.pi / 2, abs=1e-12)
    f = np.array([1e9, 20e9, 80e9, 200e9])
    expected = 25e6 / (1 + (f / 40e9) ** 4)
    np.testing.assert_allclose(np.abs(tia.frequency_response(f)) ** 2, expected, rtol=1e-12)


def test_tia_noise_gain_and_clipping():
    """Output noise variance = i_n² Z_T² ∫_0^{fs/2} df/(1 + (f/f_c)⁴) (within 5 %); DC gain Z_T; clipping
    at ±output_swing/2."""
    tia = TransimpedanceAmplifier(transimpedance=2e3, bandwidth=30e9, input_noise_density=15e-12)
    fs, n = 200e9, 1 << 17
    v = tia.amplify(np.zeros(n), fs, np.random.default_rng(5))
    var = (15e-12) ** 2 * 4e6 * quad(lambda f: 1 / (1 + (f / 30e9) ** 4), 0, fs / 2, limit=200)[0]
    assert np.var(v) == pytest.approx(var, rel=0.05)
    np.testing.assert_allclose(tia.amplify(np.full(64, 1e-4), fs, noise=False), 0.2, rtol=1e-12)
    clip = TransimpedanceAmplifier(transimpedance=5e3, output_swing=1.0)
    np.testing.assert_allclose(clip.amplify(np.full(64, 1e-3), fs, noise=False), 0.5)
    pd = PinPhotodiode()
    r = 0.8 * QE * 1.55e-6 / (HP * CL)
    out = pd.detect(np.full(64, math.sqrt(1e-4) + 0j), fs, noise=False, tia=tia)
    np.testing.assert_allclose(out, 2e3 * (r * 1e-4 + 10e-9), rtol=1e-12)


# --- balanced detector ------------------------------------------------------------------------------------
def test_balanced_common_mode_cancels():
    """Identical diodes, identical inputs: noiseless output 0; with noise the mean is 0 within noise and the
    variance is (2q(I_a + I_b) + 4kT/R_L)·fs/2 — the two shot noises add, the load noise counts once."""
    bpd = BalancedPhotodiode(PinPhotodiode(**FAST))
    fs, n, p = 50e9, 1 << 17, 5e-3
    e = np.full(n, math.sqrt(p) * np.exp(0.7j))
    np.testing.assert_allclose(bpd.detect(e, e, fs, noise=False), 0.0, atol=1e-18)
    i = bpd.detect(e, e, fs, np.random.default_rng(9))
    r = 0.8 * QE * 1.55e-6 / (HP * CL)
    var = (2 * QE * 2 * (r * p + 10e-9) + 4 * KB * 300 / 50) * fs / 2
    assert np.var(i) == pytest.approx(var, rel=0.05)
    assert abs(np.mean(i)) < 5 * math.sqrt(var / n)
    assert abs(np.mean(i)) < 1e-4 * r * p
    assert bpd.shot_noise_psd(p, p) == pytest.approx(2 * QE * 2 * (r * p + 10e-9), rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_balanced_beat_term_dc(seed):
    """E_a = (s + lo)/√2, E_b = (s − lo)/√2 → I_a − I_b = R(|E_a|² − |E_b|²) = 2R Re(s·lo*) (noise off)."""
    g = np.random.default_rng(seed)
    s = 0.01 * np.exp(2j * math.pi * g.random())
    lo = 0.1 * np.exp(2j * math.pi * g.random())
    n = 128
    bpd = BalancedPhotodiode()
    ea, eb = np.full(n, (s + lo) / math.sqrt(2)), np.full(n, (s - lo) / math.sqrt(2))
    i = bpd.detect(ea, eb, 64e9, noise=False)
    r = 0.8 * QE * 1.55e-6 / (HP * CL)
    np.testing.assert_allclose(i, 2 * r * (s * np.conj(lo)).real, rtol=1e-10, atol=1e-15)


def test_balanced_beat_tone_filtered():
    """An IF tone s(t) = |s| e^{j2πf t} beats to 2R|s||lo|·|H(f)| cos(2πf t + arg H(f)), H from
    quadrature of the transit impulse response times the RC pole."""
    fs, n = 128e9, 4096
    f_if = 400 * fs / n  # 12.5 GHz, on an FFT bin
    t = np.arange(n) / fs
    s, lo = 0.01 * np.exp(2j * np.pi * f_if * t), np.full(n, 0.1 + 0j)
    i = BalancedPhotodiode().detect((s + lo) / math.sqrt(2), (s - lo) / math.sqrt(2), fs, noise=False)
    rc = 60.0 * (E0 * 16.2 * 1.4e-10 / 0.5e-6 + 5e-15)
    h = _transit_quad(f_if, 0.5e-6 / 6e4) / (1 + 2j * math.pi * f_if * rc)
    r = 0.8 * QE * 1.55e-6 / (HP * CL)
    np.testing.assert_allclose(i, 2 * r * 1e-3 * abs(h) * np.cos(2 * np.pi * f_if * t + np.angle(h)),
                               rtol=0, atol=1e-9 * 2 * r * 1e-3)


def test_cmrr():
    """R_a = R(1 + δ/2), R_b = R(1 − δ/2) → CMRR = 20 log10((R_a + R_b)/|R_a − R_b|) = 20 log10(2/|δ|)."""
    assert BalancedPhotodiode().common_mode_rejection_ratio_db() == math.inf
    for d in (0.01, -0.05, 0.2):
        cmrr = BalancedPhotodiode(responsivity_mismatch=d).common_mode_rejection_ratio_db()
        assert cmrr == pytest.approx(20 * math.log10(2 / abs(d)), rel=1e-9)


# --- properties -------------------------------------------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(1e-3, 1.0), st.floats(0.0, 1e-6))
def test_photocurrent_monotone_and_above_dark(p1, p2, eta, i_dark):
    """I = RP + I_d with R > 0: I ≥ I_d and non-decreasing in P (photoconduction is linear, Agrawal §4.1)."""
    pd = PinPhotodiode(quantum_efficiency=eta, dark_current=i_dark)
    lo, hi = sorted((p1, p2))
    assert pd.photocurrent(lo) >= i_dark
    assert pd.photocurrent(lo) <= pd.photocurrent(hi)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.0, 5e12), st.floats(0.05e-6, 3e-6), st.floats(1e-12, 1e-8),
       st.sampled_from(["uniform", "edge"]))
def test_frequency_response_passive(f, d, area, model):
    """A non-negative impulse response of unit area has |H(f)| ≤ 1; the RC pole too: passive detector."""
    pd = PinPhotodiode(intrinsic_thickness=d, area=area, transit_model=model)
    assert abs(complex(pd.frequency_response(f))) <= 1.0 + 1e-12


# --- bad input --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs,name", [
    (dict(quantum_efficiency=0.0), "quantum_efficiency"),
    (dict(quantum_efficiency=1.2), "quantum_efficiency"),
    (dict(quantum_efficiency=float("nan")), "quantum_efficiency"),
    (dict(dark_current=-1e-9), "dark_current"),
    (dict(area=0.0), "area"),
    (dict(intrinsic_thickness=-1e-6), "intrinsic_thickness"),
    (dict(saturation_velocity=0.0), "saturation_velocity"),
    (dict(load_resistance=0.0), "load_resistance"),
    (dict(wavelength=float("inf")), "wavelength"),
    (dict(transit_model="drift"), "transit_model"),
])
def test_photodiode_rejects_bad_parameters(kwargs, name):
    """Validation names the field (DESIGN.md: ValueError naming field, value and range)."""
    with pytest.raises(ValueError, match=name):
        PinPhotodiode(**kwargs)


@pytest.mark.parametrize("kwargs,name", [
    (dict(transimpedance=-1.0), "transimpedance"),
    (dict(bandwidth=0.0), "bandwidth"),
    (dict(input_noise_density=float("nan")), "input_noise_density"),
    (dict(output_swing=0.0), "output_swing"),
])
def test_tia_rejects_bad_parameters(kwargs, name):
    """Validation names the field."""
    with pytest.raises(ValueError, match=name):
        TransimpedanceAmplifier(**kwargs)


def test_bad_fields_and_arguments():
    """Fields must be complex (N,) or (2, N), finite; sample_rate > 0; rng needed for noise; powers ≥ 0."""
    pd, ok = PinPhotodiode(), np.ones(16, dtype=complex)
    with pytest.raises(TypeError, match="field"):
        pd.detect(np.ones(16), 1e9, noise=False)
    for bad in (np.ones((3, 16), complex), np.ones((16, 2), complex), np.ones((2, 2, 4), complex)):
        with pytest.raises(ValueError, match="field"):
            pd.detect(bad, 1e9, noise=False)
    with pytest.raises(ValueError, match="field"):
        pd.detect(np.array([1 + 0j, np.nan]), 1e9, noise=False)
    for fs in (0.0, -1e9, float("nan")):
        with pytest.raises(ValueError, match="sample_rate"):
            pd.detect(ok, fs, noise=False)
    with pytest.raises(TypeError, match="rng"):
        pd.detect(ok, 1e9)
    with pytest.raises(ValueError, match="power"):
        pd.photocurrent(-1e-3)
    with pytest.raises(ValueError, match="bandwidth"):
        pd.snr(1e-3, 0.0)
    bpd = BalancedPhotodiode()
    with pytest.raises(ValueError, match="field_a and field_b"):
        bpd.detect(ok, np.ones(8, complex), 1e9, noise=False)
    with pytest.raises(ValueError, match="responsivity_mismatch"):
        BalancedPhotodiode(responsivity_mismatch=2.5)
    with pytest.raises(TypeError, match="diode_a"):
        BalancedPhotodiode(diode_a="Ge")
    with pytest.raises(ValueError, match="sample_rate"):
        TransimpedanceAmplifier().amplify(np.zeros(8), 0.0, noise=False)
