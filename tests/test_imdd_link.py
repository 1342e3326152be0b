"""IM-DD PAM4 lanes: patterns, O-band power fading, SER vs Gaussian theory, device transmitters, budget."""

from __future__ import annotations

import math

import numpy as np
import pytest

from links.imdd import tdecq
from links.imdd.budget import imdd_budget
from links.imdd.channel import g652_dispersion_ps_nm_km, o_band_fiber, power_fading_notches
from links.imdd.patterns import (
    PRBS13Q_LENGTH,
    SSPRQ_LENGTH,
    SSPRQ_SECTION_BITS,
    SSPRQ_SEEDS,
    SSPRQ_SHA256,
    gray_pam4,
    prbs13q,
    prbs_bits,
    ssprq,
    ssprq_block,
)
from links.imdd.receiver import pam4_ser_theory, snr_for_ser, symbol_error_ratio
from links.imdd.standards import IMDD_STANDARDS, KP4_PRE_FEC_BER, imdd_standard


# ------------------------------------------------------------------------------------------------ patterns
def test_prbs13_is_maximal_length():
    bits = prbs_bits(13, 2 * 8191 + 13)
    np.testing.assert_array_equal(bits[:8191], bits[8191:16382])  # period 2^13 − 1
    states = {int("".join(map(str, bits[i:i + 13])), 2) for i in range(8191)}
    assert len(states) == 8191 and 0 not in states  # every non-zero 13-bit state once: an m-sequence


def test_prbs13q_length_and_level_counts():
    # m-sequence window property: over a period every non-zero 2-bit tuple occurs 2^11 times and 00 2^11 − 1;
    # two periods pair every bit with both neighbours, so Gray 00 → level 0 occurs 2047 times, the others 2048
    s = prbs13q()
    assert s.size == PRBS13Q_LENGTH == 8191
    np.testing.assert_array_equal(np.bincount(s, minlength=4), [2047, 2048, 2048, 2048])


def test_gray_mapping():
    np.testing.assert_array_equal(gray_pam4([0, 0, 0, 1, 1, 1, 1, 0]), [0, 1, 2, 3])  # clause 120.5.7


def test_ssprq_is_bit_exact():
    """IEEE 802.3 clause 120.5.11.2.3: 2^16 − 1 symbols, identical to IEEE's machine-readable SSPRQ_sequence.csv —
    its SHA-256 (symbols 0..3 as bytes) and its level probabilities and transition density, as published with an
    open-source test suite's copy of the file."""
    import hashlib

    s = ssprq()
    assert s.size == SSPRQ_LENGTH == 65535
    assert hashlib.sha256(s.astype(np.uint8).tobytes()).hexdigest() == SSPRQ_SHA256
    frac = np.sort(np.bincount(s, minlength=4) / s.size)
    np.testing.assert_allclose(frac, [0.232166, 0.232166, 0.267826, 0.267842], atol=1e-6)
    assert np.mean(s[1:] != s[:-1]) == pytest.approx(0.699011, abs=1e-6)
    # the stress the pattern is built for: the seed 0x00000002 section opens on the PRBS31's long run (26 ones
    # after the output inverter), so the pattern starts with 13 symbols of level 2 (Gray 11)
    np.testing.assert_array_equal(s[:13], 2)


def test_ssprq_sections_are_inverted_prbs31_runs_from_their_seeds():
    """Each section satisfies the PRBS31 recurrence through the output inverter, out[n] = NOT(out[n−31] ⊕
    out[n−28]), and starts where the seed (bit i = p[−1 − i]) puts it: its first bit is NOT(seed bit 30 ⊕ seed
    bit 27), not a copy of the seed."""
    a = ssprq_block().astype(int)
    assert a.size == sum(SSPRQ_SECTION_BITS) == 32768
    start = 0
    for seed, n in zip(SSPRQ_SEEDS, SSPRQ_SECTION_BITS, strict=True):
        sec = a[start:start + n]
        np.testing.assert_array_equal(sec[31:], 1 ^ sec[:-31] ^ sec[3:-28])
        assert sec[0] == 1 ^ ((seed >> 30) & 1) ^ ((seed >> 27) & 1)
        start += n


def test_prbs31_recurrence():
    b = prbs_bits(31, 2000).astype(int)
    np.testing.assert_array_equal(b[31:], b[:-31] ^ b[3:-28])  # x^31 + x^28 + 1: b[n] = b[n−31] ⊕ b[n−28]


# ------------------------------------------------------------------------------------------------ standards
def test_presets_and_kp4_threshold():
    assert KP4_PRE_FEC_BER == 2.4e-4
    for name in ("800G-DR8", "800G-FR4", "1.6T-DR8"):
        s = IMDD_STANDARDS[name]
        assert s.source and s.tdecq_max_db > 0
    assert imdd_standard("800G-DR8").baud_rate == 53.125e9
    assert imdd_standard("1.6T-DR8").baud_rate == 113.4375e9
    # every figure has a source or is marked recalled (M); the DR8 transmitter figures are those of the 400GBASE-DR4
    # / 800G DR8 datasheets (TDECQ ≤ 3.4 dB, launch −2.9..4 dBm, OMA outer ≥ −0.8 dBm, ER ≥ 3.5 dB,
    # OMA − TDECQ ≥ −2.2 / −1.9 dBm), the channel's 3 dB and 500 m those of the TIA summary of 802.3df
    dr8 = imdd_standard("800G-DR8")
    assert (dr8.tdecq_max_db, dr8.tx_power_min_dbm, dr8.tx_power_max_dbm, dr8.oma_outer_min_dbm, dr8.er_min_db,
            dr8.oma_minus_tdecq_min_dbm, dr8.channel_loss_max_db, dr8.reach, dr8.sensitivity_oma_floor_dbm) == (
        3.4, -2.9, 4.0, -0.8, 3.5, (-2.2, -1.9), 3.0, 500.0, -4.4)
    assert dr8.recalled == ["penalty_allocation_db", "sensitivity_oma_offset_dbm"]
    for s in IMDD_STANDARDS.values():
        assert s.secondary == bool(s.recalled)
        assert all(isinstance(v, str) and v for v in s.figure_sources.values())
    with pytest.raises(ValueError, match="IM-DD standard must be one of"):
        imdd_standard("800G-XR8")


def test_budget_margin_arithmetic():
    b = imdd_budget("800G-DR8", tx_oma_dbm=1.0, tdecq_db=2.0, length=500.0, alpha_db_per_km=0.4,
                    connector_loss_db=1.5, mpi_penalty_db=0.1)
    # 1.0 − 0.2 − 1.5 − 2.0 − 0.1 − (−5.8) = 3.0 dB
    assert b.margin_db == pytest.approx(3.0)
    assert b.verdict == "PASS"
    assert imdd_budget("800G-DR8", tx_oma_dbm=1.0, tdecq_db=3.6, length=500.0).verdict == "FAIL"
    # OMA outer − TDECQ minimum: −2.2 dBm for ER ≥ 5 dB, −1.9 dBm below (1.0 − 3.0 = −2.0 dBm)
    ok = imdd_budget("800G-DR8", tx_oma_dbm=1.0, tdecq_db=3.0, length=500.0, extinction_ratio_db=6.0)
    low_er = imdd_budget("800G-DR8", tx_oma_dbm=1.0, tdecq_db=3.0, length=500.0, extinction_ratio_db=4.0)
    assert ok.checks["oma_minus_tdecq_above_minimum"] and not low_er.checks["oma_minus_tdecq_above_minimum"]
    # TDECQ − 10·log10(C_eq) ≤ 3.4 dB: C_eq = 0.8 lifts 3.0 dB to 3.97 dB
    assert not imdd_budget("800G-DR8", tx_oma_dbm=1.0, tdecq_db=3.0, length=500.0,
                           noise_enhancement=0.8).checks["tdecq_minus_ceq_within_limit"]


# ------------------------------------------------------------------------------------------------ channel
def test_g652_zero_dispersion():
    assert g652_dispersion_ps_nm_km(1312e-9, 1312e-9) == pytest.approx(0.0, abs=1e-12)
    # slope at λ0 is S0: D(λ0 + 1 nm) ≈ 0.092 ps/nm/km
    assert g652_dispersion_ps_nm_km(1313e-9, 1312e-9) == pytest.approx(0.092, rel=0.01)


def test_power_fading_notch_matches_closed_form():
    """Detected small-signal IM response after the Fiber's linear propagation: its first notch sits at
    f_1 = sqrt(c/(2·|D|·L·λ²)) (Peral & Yariv, IEEE JQE 35, 1185 (1999))."""
    wl = 1271e-9
    length = 10e3
    fib = o_band_fiber(length, wl)
    d = fib.dispersion_ps_nm_km
    f1 = power_fading_notches(length, d, wl, 1)[0]
    fs, n = 1.6e12, 1 << 14
    t = np.arange(n) / fs
    freqs = np.linspace(0.6, 1.4, 41) * f1
    freqs = np.round(freqs * n / fs) * fs / n  # on FFT bins: periodic tones
    resp = []
    for f in freqs:
        p = 1e-3 * (1 + 0.05 * np.cos(2 * np.pi * f * t))
        out = np.abs(fib.propagate(np.sqrt(p).astype(complex), fs)) ** 2
        k = int(round(f * n / fs))
        resp.append(abs(np.fft.rfft(out)[k]) / abs(np.fft.rfft(p)[k]))
    f_min = freqs[int(np.argmin(resp))]
    assert f_min == pytest.approx(f1, rel=0.025)
    assert min(resp) < 0.05 * max(resp)


# ------------------------------------------------------------------------------------------------ SER
def test_simulated_ser_matches_gaussian_theory_at_1e_3():
    """PAM4 with additive Gaussian noise at the SNR theory puts at SER 1e-3: the simulated SER, read back
    through the theory curve, lies within 0.2 dB of that SNR."""
    rng = np.random.default_rng(12)
    sym = rng.integers(0, 4, 400_000)
    x = np.array([-3.0, -1.0, 1.0, 3.0])[sym]
    snr_db = snr_for_ser(1e-3)
    sigma = math.sqrt(5.0 / 10 ** (snr_db / 10))
    ser = symbol_error_ratio(x + rng.normal(0, sigma, x.size), sym)
    assert pam4_ser_theory(snr_db) == pytest.approx(1e-3, rel=1e-9)
    assert abs(snr_for_ser(ser) - snr_db) < 0.2


# ------------------------------------------------------------------------------------------------ devices
def test_mzm_pam4_lane_has_a_finite_tdecq():
    from links.imdd.transmitters import mzm_pam4
    from photonics.modulators import MachZehnderModulator

    sym = np.tile(prbs13q(), 2)
    p = mzm_pam4(MachZehnderModulator(), sym, 53.125e9, 8, swing=2.0)
    t = tdecq(p, 8 * 53.125e9, 53.125e9)
    assert 0.0 < t < 6.0


def test_ring_eye_closes_faster_for_a_high_q_ring():
    """Ring PAM4 eye vs bit rate follows the ring's bandwidth: a narrower-linewidth (higher-Q, larger gap)
    ring has a larger TDECQ at the same baud rate than a low-Q ring."""
    from links.imdd.transmitters import ring_pam4
    from photonics.rings import RingModulator

    sym = np.tile(prbs13q(), 1)[:4096]
    baud = 53.125e9
    low_q = RingModulator(gap=200e-9)
    high_q = RingModulator(gap=300e-9)
    assert high_q.q_loaded() > low_q.q_loaded()
    t_low = tdecq(ring_pam4(low_q, sym, baud, 4), 4 * baud, baud)
    t_high = tdecq(ring_pam4(high_q, sym, baud, 4), 4 * baud, baud)
    assert t_high > t_low
