"""Receiver DSP blocks (links.dsp): each Numba kernel against a NumPy reference, each block on a known
impairment."""

import math

import numpy as np
import pytest

from links.dsp import (
    align,
    blind_phase_search,
    compensate_cd,
    fourth_power_frequency_offset,
    fractional_delay,
    gardner_timing_recovery,
    mimo_equalizer,
    pilot_slip_correction,
    remove_frequency_offset,
    resample,
)
from links.dsp.cpr import _bps_reference
from links.dsp.equalizer import _eq_kernel, _equalizer_reference, center_spike, mimo_equalizer_taps
from links.dsp.timing import _gardner_kernel, gardner_s_curve
from links.fiber import Fiber, random_rotation
from links.metrics import snr_from_symbols
from links.signals import constellation, map_bits, random_bits, rrc_response, shape

RNG = np.random.default_rng(2024)


def _symbols(n, modulation="16QAM", pols=2, seed=0):
    bits = random_bits(pols * n * {"QPSK": 2, "16QAM": 4, "64QAM": 6}[modulation], rng=seed)
    return map_bits(bits, modulation).reshape(pols, n)


def _noise(shape_, snr_db, rng):
    return (rng.standard_normal(shape_) + 1j * rng.standard_normal(shape_)) * math.sqrt(10 ** (-snr_db / 10) / 2)


def _mf(x, beta=0.2):
    f = np.fft.fftfreq(x.shape[-1], 0.5)
    return np.fft.ifft(np.fft.fft(x, axis=-1) * rrc_response(f, 1.0, beta), axis=-1)


def test_cd_compensation_undoes_the_fiber_and_overlap_save_matches():
    fs = 128e9
    x = shape(_symbols(2**14), 64e9, fs, 0.2)
    fiber = Fiber(1000e3, alpha_db_per_km=0.0, gamma_per_w_km=0.0)
    y = fiber.propagate(x, fs)
    assert np.max(np.abs(compensate_cd(y, fs, fiber.accumulated_dispersion_ps_nm) - x)) < 1e-10
    ols = compensate_cd(y, fs, fiber.accumulated_dispersion_ps_nm, method="overlap-save")
    full = compensate_cd(y, fs, fiber.accumulated_dispersion_ps_nm)
    assert np.sqrt(np.mean(np.abs(ols - full) ** 2) / np.mean(np.abs(full) ** 2)) < 1e-3
    with pytest.raises(ValueError, match="method"):
        compensate_cd(y, fs, 100.0, method="fir")
    with pytest.raises(ValueError, match="block_size"):
        compensate_cd(y, fs, 17000.0, method="overlap-save", block_size=64)


def test_resample_and_fractional_delay():
    x = shape(_symbols(512, pols=1)[0], 1.0, 2.0, 0.2)
    up = resample(x, 2.0, 3.0)
    assert resample(up, 3.0, 2.0) == pytest.approx(x, abs=1e-12)
    assert fractional_delay(fractional_delay(x, 0.37), -0.37) == pytest.approx(x, abs=1e-12)
    assert fractional_delay(x, 2.0) == pytest.approx(np.roll(x, 2), abs=1e-12)
    with pytest.raises(ValueError, match="not an integer"):
        resample(x, 2.0, 2.001)


def test_gardner_kernel_interpolates_like_cubic_lagrange():
    # with zero loop gains the kernel samples the record at 2k + τ by cubic Lagrange interpolation
    # (Erup, Gardner & Harris 1993, eq. 10): NumPy reference on the four neighbours
    x = RNG.standard_normal((2, 64)) + 1j * RNG.standard_normal((2, 64))
    tau = 0.3
    out, taus = _gardner_kernel(x, 0.0, 0.0, tau)
    mu = tau
    idx = np.arange(0, 64, 2)
    c = np.array([-mu * (mu - 1) * (mu - 2) / 6, (mu + 1) * (mu - 1) * (mu - 2) / 2,
                  -(mu + 1) * mu * (mu - 2) / 2, (mu + 1) * mu * (mu - 1) / 6])
    ref = sum(c[j] * x[:, (idx - 1 + j) % 64] for j in range(4))
    assert out[:, 0::2] == pytest.approx(ref, abs=1e-12)
    assert np.all(taus == tau)


def test_gardner_recovers_a_fractional_delay():
    a = _symbols(2**13)
    x = _mf(shape(a, 1.0, 2.0, 0.2))
    for delay in (-0.6, 0.37):
        xd = fractional_delay(x, delay)
        tau_s, amp = gardner_s_curve(xd)
        assert tau_s == pytest.approx(delay, abs=0.03) and amp > 0
        y, tau = gardner_timing_recovery(xd, loop_gain=1e-3)
        assert np.mean(tau[2000:]) == pytest.approx(delay, abs=0.03)
        assert snr_from_symbols(y[:, 4000::2], a[:, 2000:]) > 30


def test_equalizer_kernel_matches_numpy_cma():
    x = RNG.standard_normal((2, 400)) + 1j * RNG.standard_normal((2, 400))
    w0 = center_spike(7)
    ref_out, ref_w = _equalizer_reference(x, w0, 2, 200, 1.32, 1e-3)
    w = w0.copy()
    out = _eq_kernel(x, w, 2, 200, 0, 0, 1e-3, 1.32, np.array([1.0]), np.array([-1.0, 1.0]), 0.0, 0.0, -1)
    assert out == pytest.approx(ref_out, abs=1e-12)
    assert w == pytest.approx(ref_w, abs=1e-12)
    # RDE: the error uses the constellation radius nearest |y| (16QAM: √0.2, 1, √1.8)
    radii = np.sqrt(np.array([0.2, 1.0, 1.8]))
    ref_out, ref_w = _equalizer_reference(x, w0, 2, 200, 1.32, 1e-3, radii)
    w = w0.copy()
    out = _eq_kernel(x, w, 2, 200, 0, 1, 1e-3, 1.32, radii, np.array([-1.0, 1.0]), 0.0, 0.0, -1)
    assert out == pytest.approx(ref_out, abs=1e-12)
    assert w == pytest.approx(ref_w, abs=1e-12)


@pytest.mark.parametrize("algorithm", ["cma", "rde", "lms"])
def test_equalizer_demultiplexes_a_rotated_filtered_channel(algorithm):
    a = _symbols(2**14, seed=1)
    x = shape(a, 1.0, 2.0, 0.2)
    # a random polarization rotation, a common 2-tap ISI filter and a fractional delay
    x = random_rotation(np.random.default_rng(7)) @ x
    x = x + 0.25 * np.roll(x, 1, axis=-1)
    x = fractional_delay(x, 0.4) + _noise(x.shape, 18.0, RNG)
    y = mimo_equalizer(_mf(x), 2, 15, algorithm, modulation="16QAM")
    aligned, al = align(y, a)
    assert sorted(al.source) == [0, 1]
    # noise-limited SNR after the matched filter is 18 + 3 dB (half the noise is out of band), less the
    # filter's noise enhancement; a failed demultiplexer would sit near 0 dB
    for p in range(2):
        assert snr_from_symbols(aligned[p, 4000:], a[p, 4000:]) > (17.5 if algorithm != "cma" else 16.0)


def test_equalizer_bad_input():
    with pytest.raises(ValueError, match="samples"):
        mimo_equalizer(np.ones(100, complex))
    with pytest.raises(ValueError, match="algorithm"):
        mimo_equalizer(np.ones((2, 100), complex), algorithm="rls")
    with pytest.raises(ValueError, match="PAM4"):
        mimo_equalizer(np.ones((2, 100), complex), modulation="PAM4")
    _, taps = mimo_equalizer_taps(_mf(shape(_symbols(4096), 1.0, 2.0, 0.2)), n_taps=9, algorithm="cma")
    assert taps.shape == (2, 2, 9)


def test_fourth_power_frequency_offset():
    # the tone of s⁴ at 4Δf (Leven et al., PTL 19, 366 (2007)); ±Rs/8 range at one sample per symbol
    baud = 60e9
    a = _symbols(2**14, seed=2)
    for fo in (123e6, -2.1e9, 7e9):
        y = remove_frequency_offset(a, -fo, baud) + _noise(a.shape, 15.0, RNG)
        assert fourth_power_frequency_offset(y, baud) == pytest.approx(fo, abs=1e6)
    # before polarization demultiplexing, at 2 sps, with the rotation that cancels the tone of x⁴ and y⁴
    r = np.array([[1, np.exp(1j * np.pi / 4)], [-np.exp(-1j * np.pi / 4), 1]]) / math.sqrt(2)
    x = r @ shape(a, baud, 2 * baud, 0.2)
    x = remove_frequency_offset(x, -1e9, 2 * baud)
    assert fourth_power_frequency_offset(x, baud, sample_rate=2 * baud) == pytest.approx(1e9, abs=2e6)


def test_bps_kernel_matches_reference_and_tracks_phase_noise():
    a = _symbols(3000, pols=1, seed=3)[0]
    phase = 0.4 + np.cumsum(RNG.standard_normal(a.size) * math.sqrt(2 * math.pi * 1e-4))  # Δν·T = 1e-4
    y = a * np.exp(1j * phase) + _noise(a.shape, 20.0, RNG)
    out, est = blind_phase_search(y, "16QAM", 64, 35)
    assert est == pytest.approx(_bps_reference(y / np.sqrt(np.mean(np.abs(y) ** 2)), "16QAM", 64, 35), abs=1e-12)
    # unwrapped: no π/2 jumps; the estimate follows the true phase modulo the π/2 ambiguity
    assert np.max(np.abs(np.diff(est))) < 0.3
    err = est - phase
    err -= (np.pi / 2) * np.round(np.mean(err) / (np.pi / 2))
    assert np.std(err) < 0.06
    aligned, _ = align(out, a)
    assert snr_from_symbols(aligned, a) > 18.5


def test_bps_bad_input():
    with pytest.raises(ValueError, match="PAM4"):
        blind_phase_search(np.ones(64, complex), "PAM4")
    with pytest.raises(ValueError, match="symbols"):
        blind_phase_search(np.ones((3, 64), complex))


def test_pilot_slip_correction():
    a = _symbols(6400, seed=4)
    mask = np.zeros(6400, bool)
    mask[::64] = True
    y = a.copy()
    y[0, 3000:] *= 1j  # a +π/2 cycle slip in X
    y = y + _noise(y.shape, 25.0, RNG)
    fixed, slips = pilot_slip_correction(y, a, mask)
    assert slips == 1
    assert snr_from_symbols(fixed[0, 3100:], a[0, 3100:]) > 24
    with pytest.raises(ValueError, match="no pilots"):
        pilot_slip_correction(y, a, np.zeros(6400, bool))


def test_align_finds_polarization_delay_and_rotation():
    a = _symbols(4096, seed=5)
    y = np.stack([np.roll(a[1], 3) * 1j, np.roll(a[0], -5) * -1.0]) + _noise(a.shape, 20.0, RNG)
    out, al = align(y, a)
    assert al.source == (1, 0) and al.delay == (3, -5)
    assert snr_from_symbols(out, a) > 19.5
    assert al.to_dict()["source"] == [1, 0]
    with pytest.raises(ValueError, match="demultiplexing failed"):
        align(np.stack([a[0], a[0]]), a)


def test_constellation_sanity_for_dsp_levels():
    # the slicers in the kernels assume equally spaced levels symmetric about zero
    lv = np.unique(np.round(constellation("64QAM").real, 12))
    assert np.allclose(np.diff(lv), lv[1] - lv[0]) and lv[0] == pytest.approx(-lv[-1])


def test_spectral_frequency_offset_is_a_coarse_estimate():
    from links.dsp import spectral_frequency_offset

    baud = 60e9
    x = shape(_symbols(2**14, seed=6), baud, 2 * baud, 0.2)
    y = remove_frequency_offset(x, -1.5e9, 2 * baud) + _noise(x.shape, 15.0, RNG)
    # the centroid of a symmetric spectrum above the white floor: accurate to ~baud/√N
    assert spectral_frequency_offset(y, 2 * baud, baud, 0.2) == pytest.approx(1.5e9, abs=60e6)
