"""TDECQ (IEEE 802.3 clause 121.8.5) and the PAM4 compliance figures of links.imdd.tdecq."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import signal
from scipy.special import erfc, erfcinv

from links.imdd import _tdecq_kernels as kern
from links.imdd import bessel_thomson, eye_diagram, measure_tdecq, ratio_level_mismatch, tdecq
from links.imdd.patterns import prbs13q

BAUD = 53.125e9
LEVELS = np.array([0.2, 0.4, 0.6, 0.8]) * 1e-3  # W, OMA outer 0.6 mW
Q_T = 3.414  # IEEE 802.3 clause 121.8.5.3: Q of SER 4.8e-4 for an ideal PAM4 eye


def _pattern(repeats=2):
    return np.tile(prbs13q(), repeats)


def _smooth_eye(symbols, sps=32, ramp_ui=0.3):
    """PAM4 power waveform whose symbols are flat from ramp_ui to 1 UI: no ISI anywhere in the TDECQ windows."""
    t = (np.arange(sps) + 0.5) / sps
    r = np.where(t < ramp_ui, 0.5 - 0.5 * np.cos(np.pi * t / ramp_ui), 1.0)
    cur = LEVELS[symbols][:, None]
    prev = np.roll(LEVELS[symbols], 1)[:, None]
    return (prev + (cur - prev) * r).ravel()


def _rect(symbols, sps=8):
    return np.repeat(LEVELS[symbols], sps)


def _lowpass(w, fs, f3db):
    """First-order RC low-pass applied periodically (FFT)."""
    f = np.fft.rfftfreq(w.size, 1 / fs)
    return np.fft.irfft(np.fft.rfft(w) / (1 + 1j * f / f3db), w.size)


# ------------------------------------------------------------------------------------------------ kernels
def test_histogram_kernel_matches_numpy_reference():
    rng = np.random.default_rng(3)
    pad = 8
    core = rng.normal(size=(2, 3, 500))
    samples = np.concatenate([core[..., -pad:], core, core[..., :pad]], axis=-1)
    taps = np.array([-0.1, 1.2, -0.15, 0.05])
    a = kern.equalised_histograms(samples, pad, taps, 1, -2.5, 0.05, 100)
    b = kern.equalised_histograms_reference(samples, pad, taps, 1, -2.5, 0.05, 100)
    np.testing.assert_array_equal(a, b)
    for step in (3, 4):  # every step-th output, each equalised from its true neighbours
        a = kern.equalised_histograms(samples, pad, taps, 1, -2.5, 0.05, 100, step)
        b = kern.equalised_histograms_reference(samples, pad, taps, 1, -2.5, 0.05, 100, step)
        np.testing.assert_array_equal(a, b)
        assert a.sum() == 2 * 3 * len(range(0, 500, step))


def test_ffe_normal_equations_kernel_matches_numpy_reference():
    rng = np.random.default_rng(6)
    rows = rng.normal(size=(2, 333))
    targets = rng.normal(size=333)
    for step in (1, 4):
        g, r = kern.ffe_normal_equations(rows, targets, step, 2, 5)
        g_ref, r_ref = kern.ffe_normal_equations_reference(rows, targets, step, 2, 5)
        np.testing.assert_allclose(g, g_ref, rtol=1e-12)
        np.testing.assert_allclose(r, r_ref, rtol=1e-12)


def test_ser_slope_is_the_derivative_and_warm_starts_give_the_same_sigma():
    rng = np.random.default_rng(8)
    centers = np.linspace(-0.2, 1.2, 200)
    counts = rng.integers(0, 5, size=(2, 200)).astype(float)
    th = (0.25, 0.5, 0.75)
    for sigma in (0.02, 0.06):
        ser, slope = kern._worst_ser_slope(counts, centers, *th, sigma)
        assert ser == pytest.approx(kern.worst_ser_reference(counts, centers, *th, sigma), rel=1e-12)
        eps = 1e-5  # central difference in ln σ
        num = (kern.worst_ser_reference(counts, centers, *th, sigma * math.exp(eps))
               - kern.worst_ser_reference(counts, centers, *th, sigma * math.exp(-eps))) / (2 * eps)
        assert slope == pytest.approx(num, rel=1e-6)
    cold = kern.sigma_for_ser(counts, centers, *th, 1e-2, 1.0)
    assert kern.worst_ser_reference(counts, centers, *th, cold) == pytest.approx(1e-2, rel=1e-6)
    for guess in (1e-4, 0.5 * cold, 2 * cold, 0.9):
        assert kern.sigma_for_ser(counts, centers, *th, 1e-2, 1.0, guess) == pytest.approx(cold, rel=1e-6)


def test_ser_kernel_matches_numpy_reference_and_sigma_solve_inverts_it():
    rng = np.random.default_rng(4)
    centers = np.linspace(-0.2, 1.2, 300)
    counts = rng.integers(0, 5, size=(2, 300)).astype(float)
    th = (0.25, 0.5, 0.75)
    for sigma in (0.02, 0.05, 0.1):
        assert kern.worst_ser(counts, centers, *th, sigma) == pytest.approx(
            kern.worst_ser_reference(counts, centers, *th, sigma), rel=1e-12)
    # an ideal 4-level histogram: σ at SER 4.8e-4 is d/Q_t exactly (1.5·Q(Q_t) = SER)
    c = np.zeros((2, 4)) + 1.0
    lv = np.array([0.0, 1 / 3, 2 / 3, 1.0])
    s = kern.sigma_for_ser(c, lv, 1 / 6, 0.5, 5 / 6, 4.8e-4, 1.0)
    q = math.sqrt(2) * erfcinv(2 * 4.8e-4 / 1.5)
    assert q == pytest.approx(Q_T, abs=1e-3)
    assert s == pytest.approx((1 / 6) / q, rel=1e-5)
    assert 1.5 * 0.5 * erfc((1 / 6) / s / math.sqrt(2)) == pytest.approx(4.8e-4, rel=1e-4)


def test_fractional_sample_kernel_matches_numpy_reference():
    rng = np.random.default_rng(5)
    x = rng.normal(size=400)
    h = rng.normal(size=12)
    np.testing.assert_allclose(kern.fractional_samples(x, 3, 5, h, 70),
                               kern.fractional_samples_reference(x, 3, 5, h, 70), rtol=1e-12)


def test_bessel_thomson_is_minus_3_db_at_its_bandwidth():
    # IEEE 802.3 clause 86A.5.1.1: the normalisation 2.1140 puts the 3 dB point at f_r
    h = bessel_thomson(np.array([0.0, 26.5625e9]), 26.5625e9)
    assert abs(h[0]) == pytest.approx(1.0)
    assert 20 * math.log10(abs(h[1])) == pytest.approx(-3.01, abs=0.02)


# ------------------------------------------------------------------------------------------ the definition
@pytest.mark.parametrize("fraction", [0.3, 0.5])
def test_closed_form_noise_only_eye(fraction):
    """No ISI in the windows + Gaussian noise σ: the eye already carries σ, so the added σ_G that brings it to
    SER 4.8e-4 is sqrt(σ_i² − σ²), σ_i = OMA/(6·Q_t); TDECQ = 10·log10(σ_i / σ_G) (clause 121.8.5.3)."""
    sps = 32
    w = _smooth_eye(_pattern(2), sps)
    sigma_i = (LEVELS[3] - LEVELS[0]) / (6 * Q_T)
    sigma = fraction * sigma_i
    noisy = w + np.random.default_rng(11).normal(0.0, sigma, w.size)
    expected = 10 * math.log10(sigma_i / math.sqrt(sigma_i**2 - sigma**2))
    got = tdecq(noisy, sps * BAUD, BAUD, reference_receiver=False)
    assert got == pytest.approx(expected, abs=0.1)


def test_noiseless_eye_without_isi_is_zero_db():
    w = _smooth_eye(_pattern(1), 32)
    assert abs(tdecq(w, 32 * BAUD, BAUD, reference_receiver=False)) < 0.03


def test_ideal_rectangular_eye_through_reference_receiver_is_small():
    # the 26.56 GHz Bessel–Thomson reference receiver closes a rectangular 53.125 GBd eye slightly; the 5-tap
    # reference FFE reopens most of it: measured 0.39 dB (1.12 dB without the equaliser)
    w = _rect(_pattern(2))
    r = measure_tdecq(w, 8 * BAUD, BAUD)
    assert 0.2 < r.tdecq_db < 0.6
    assert r.oma_outer == pytest.approx(0.6e-3, rel=0.01)
    assert math.isclose(sum(r.taps), 1.0, rel_tol=1e-9)


def test_tdecq_rises_with_isi_and_never_exceeds_the_unequalised_value():
    sym = _pattern(2)
    fs = 8 * BAUD
    w = _rect(sym)
    values = []
    for f3 in (60e9, 35e9, 25e9, 18e9):
        x = _lowpass(w, fs, f3)
        eq = tdecq(x, fs, BAUD)
        raw = tdecq(x, fs, BAUD, equalize=False)
        assert eq <= raw + 1e-12
        values.append(eq)
    assert all(b > a for a, b in zip(values, values[1:], strict=False)), values


def test_tap_search_never_loses_to_the_least_squares_taps():
    """The optimised reference FFE is at least as good as its least-squares start, and on a strongly band-limited
    eye clearly better (the least-squares taps do not minimise TDECQ)."""
    fs = 8 * BAUD
    x = _lowpass(_lowpass(_rect(_pattern(2)), fs, 22e9), fs, 22e9)
    ls = tdecq(x, fs, BAUD, optimize_taps=False)
    opt = tdecq(x, fs, BAUD)
    assert opt <= ls + 1e-12
    assert opt < ls - 0.05, (opt, ls)


def test_tdecq_rises_with_noise():
    sym = _pattern(2)
    fs = 8 * BAUD
    w = _lowpass(_rect(sym), fs, 35e9)
    rng = np.random.default_rng(2)
    base = rng.normal(size=w.size)
    sigma_i = 0.6e-3 / (6 * Q_T)
    values = [tdecq(w + s * sigma_i * base, fs, BAUD) for s in (0.0, 0.2, 0.4, 0.6)]
    assert all(b > a for a, b in zip(values, values[1:], strict=False)), values


def test_any_samples_per_symbol():
    """The same band-limited eye at 8 and at 2.5 samples per symbol gives the same TDECQ."""
    sym = _pattern(2)
    w8 = _lowpass(_rect(sym), 8 * BAUD, 30e9)
    w8 = w8 + np.random.default_rng(7).normal(0, 5e-6, w8.size)
    w8 = _lowpass(w8, 8 * BAUD, 60e9)
    w25 = signal.resample(w8, int(sym.size * 2.5))
    a = tdecq(w8, 8 * BAUD, BAUD)
    b = tdecq(w25, 2.5 * BAUD, BAUD)
    assert b == pytest.approx(a, abs=0.1)


def test_scope_noise_is_taken_out():
    """σ_S in the formula: the same eye measured on a noisy scope reads lower by the formula's amount."""
    w = _smooth_eye(_pattern(2), 32)
    sigma_i = 0.6e-3 / (6 * Q_T)
    r = measure_tdecq(w + np.random.default_rng(1).normal(0, 0.4 * sigma_i, w.size), 32 * BAUD, BAUD,
                      reference_receiver=False, scope_noise=0.4 * sigma_i)
    assert r.tdecq_db == pytest.approx(0.0, abs=0.1)


def test_levels_er_rlm():
    assert ratio_level_mismatch([0, 1, 2, 3]) == pytest.approx(1.0)
    # V = 0, 0.8, 2, 3: Vmid 1.5, ES1 = (0.8-1.5)/(0-1.5) = 0.4667, ES2 = 0.5/1.5 = 1/3 → min(1.4, 1, 0.6, 1) = 0.6
    assert ratio_level_mismatch([0, 0.8, 2, 3]) == pytest.approx(0.6)
    r = measure_tdecq(_smooth_eye(_pattern(1), 32), 32 * BAUD, BAUD, reference_receiver=False)
    assert r.extinction_ratio_db == pytest.approx(10 * math.log10(4.0), abs=0.01)
    np.testing.assert_allclose(r.levels, LEVELS, rtol=2e-3)


def test_eye_diagram_counts_every_sample():
    w = _rect(_pattern(1))
    eye = eye_diagram(w, 8 * BAUD, BAUD, time_bins=32, power_bins=50)
    assert eye.counts.shape == (50, 32)
    assert eye.counts.sum() == pytest.approx(8191 // 2 * 32)


# ------------------------------------------------------------------------------------------------ bad input
def test_bad_input_is_refused_clearly():
    w = _rect(_pattern(1))
    with pytest.raises(ValueError, match="shorter than the pattern"):
        tdecq(w[: 8 * 4000], 8 * BAUD, BAUD, pattern_length=8191)
    with pytest.raises(ValueError, match="2 × baud_rate"):
        tdecq(w, 1.5 * BAUD, BAUD)
    with pytest.raises(ValueError, match="standard must be one of"):
        tdecq(w, 8 * BAUD, BAUD, standard="802.3zz")
    with pytest.raises(ValueError, match="1-D real"):
        tdecq(np.ones((2, 100)), 8 * BAUD, BAUD)
    with pytest.raises(ValueError, match="at least"):
        tdecq(w[:800], 8 * BAUD, BAUD)
