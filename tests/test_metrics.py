"""Theoretical BER (DESIGN.md contract) and OSNR/SNR conversions."""

import math

import numpy as np
import pytest
from scipy.special import erfc

from links.metrics import osnr_from_snr, required_snr_db, snr_from_osnr, theoretical_ber
from links.standards import STANDARDS, get_standard


def test_qpsk_closed_form():
    # Gray QPSK: BER = ½·erfc(√(Es/2N0)) (Proakis, Digital Communications, 5th ed., eq. 4.3-13)
    snr_db = np.linspace(0, 14, 15)
    snr = 10 ** (snr_db / 10)
    assert theoretical_ber("QPSK", snr_db) == pytest.approx(0.5 * erfc(np.sqrt(snr / 2)), rel=1e-12)


def test_16qam_closed_form():
    # Gray 16QAM exact: 3/8·erfc(a) + 1/4·erfc(3a) − 1/8·erfc(5a), a = √(Es/10N0) (Cho & Yoon 2002, eq. 16)
    snr_db = np.linspace(5, 20, 16)
    a = np.sqrt(10 ** (snr_db / 10) / 10)
    exact = 3 / 8 * erfc(a) + 1 / 4 * erfc(3 * a) - 1 / 8 * erfc(5 * a)
    assert theoretical_ber("16QAM", snr_db) == pytest.approx(exact, rel=1e-12)


def test_64qam_high_snr_asymptote():
    # At high SNR: BER → (4/log2 M)(1 − 1/√M)·Q(√(3·SNR/(M−1))) (nearest-neighbour Gray approximation)
    snr_db = 26.0
    snr = 10 ** (snr_db / 10)
    q = 0.5 * erfc(math.sqrt(3 * snr / 63) / math.sqrt(2))
    approx = 4 / 6 * (1 - 1 / 8) * q
    assert theoretical_ber("64QAM", snr_db) == pytest.approx(approx, rel=0.02)


def test_pam4_closed_form():
    # Gray PAM4, levels ±1, ±3 (mean power 5), noise variance σ² = 5/SNR:
    # BER = (1/4)[3Q(1/σ) + 2Q(3/σ) − Q(5/σ)]  (Cho & Yoon 2002, 1-D case)
    snr_db = np.array([10.0, 15.0, 20.0])
    sigma = np.sqrt(5 / 10 ** (snr_db / 10))
    q = lambda x: 0.5 * erfc(x / math.sqrt(2))  # noqa: E731
    exact = (3 * q(1 / sigma) + 2 * q(3 / sigma) - q(5 / sigma)) / 4
    assert theoretical_ber("PAM4", snr_db) == pytest.approx(exact, rel=1e-12)


def test_required_snr_inverts():
    s = required_snr_db("16QAM", 1.22e-2)
    assert theoretical_ber("16QAM", s) == pytest.approx(1.22e-2, rel=1e-8)
    with pytest.raises(ValueError, match="ber"):
        required_snr_db("16QAM", 0.7)


def test_osnr_snr_conversion():
    # DESIGN.md: SNR = OSNR + 10·log10(12.5 GHz / baud)
    assert float(snr_from_osnr(26.0, 59.84375e9)) == pytest.approx(26 + 10 * math.log10(12.5 / 59.84375))
    assert float(osnr_from_snr(snr_from_osnr(20.0, 64e9), 64e9)) == pytest.approx(20.0)


def test_bad_modulation():
    with pytest.raises(ValueError, match="modulation"):
        theoretical_ber("8PSK", 10.0)


def test_standards_have_sources():
    for name in ("400ZR", "OpenZR+ 400G", "800ZR"):
        std = STANDARDS[name]
        assert std.source and std.modulation == "16QAM" and std.polarizations == 2
        for key in ("baud_rate", "pre_fec_ber_threshold", "required_osnr_db", "channel_spacing"):
            assert key in std.sources
    zr = STANDARDS["400ZR"]
    assert zr.baud_rate == 59.84375e9 and zr.pre_fec_ber_threshold == 1.22e-2 and zr.required_osnr_db == 26.0
    assert zr.line_rate == pytest.approx(zr.baud_rate * 8 * 1.0, rel=1e-12)  # DP-16QAM: 8 bits/symbol
    assert get_standard("openzr+ 400g") is STANDARDS["OpenZR+ 400G"]
    with pytest.raises(ValueError, match="unknown standard"):
        get_standard("1.6T")


# --- measured figures (links.metrics extension) ----------------------------------------------------------
from links.metrics import (  # noqa: E402
    bit_error_ratio,
    count_errors,
    evm_rms,
    gmi,
    ngmi,
    passes_threshold,
    q_factor_db,
    snr_from_symbols,
    symbol_error_ratio,
)
from links.signals import constellation, map_bits, random_bits  # noqa: E402


def _awgn(s, snr_db, rng):
    n = (rng.standard_normal(s.shape) + 1j * rng.standard_normal(s.shape)) * math.sqrt(10 ** (-snr_db / 10) / 2)
    return s + n


def _bi_awgn_capacity(snr_per_bit):
    """BPSK capacity in AWGN, 1 − E[log2(1 + e^{−2y/σ²})], y ~ N(1, σ²), by Gauss-Hermite quadrature
    (Ungerboeck / Proakis 5th ed. §6.5): the GMI of Gray QPSK is twice it at half the Es/N0 per dimension."""
    x, w = np.polynomial.hermite_e.hermegauss(80)
    sigma2 = 1 / (2 * snr_per_bit)
    y = 1 + math.sqrt(sigma2) * x
    return 1 - np.sum(w * np.logaddexp(0, -2 * y / sigma2) / math.log(2)) / math.sqrt(2 * math.pi)


def test_gmi_qpsk_equals_two_bpsk_capacities():
    rng = np.random.default_rng(0)
    s = map_bits(random_bits(2 * 200_000, rng=rng), "QPSK")
    for snr_db in (0.0, 5.0, 10.0):
        expected = 2 * _bi_awgn_capacity(10 ** (snr_db / 10) / 2)
        assert gmi(_awgn(s, snr_db, rng), s, "QPSK") == pytest.approx(expected, abs=0.01)


def test_gmi_16qam_against_numerical_integration():
    # GMI = m − Σ_j E[log2(1 + e^{−(1−2b)λ_j})], evaluated by 2-D Gauss-Hermite quadrature over the noise
    # for every constellation point (Alvarado et al., JLT 36, 424 (2018), eq. 30) — independent of the
    # Monte-Carlo path in links.metrics.gmi
    snr_db = 12.0
    pts = constellation("16QAM")
    var = 10 ** (-snr_db / 10)
    x, w = np.polynomial.hermite_e.hermegauss(40)
    nr, ni = np.meshgrid(x, x)
    ww = np.outer(w, w) / (2 * math.pi)
    labels = np.arange(16)
    loss = 0.0
    for lab, p in zip(labels, pts, strict=True):
        y = p + math.sqrt(var / 2) * (nr + 1j * ni)
        metric = -np.abs(y[..., None] - pts) ** 2 / var
        for j in range(4):
            bit = (labels >> (3 - j)) & 1
            lam = np.logaddexp.reduce(metric[..., bit == 0], -1) - np.logaddexp.reduce(metric[..., bit == 1], -1)
            b = (lab >> (3 - j)) & 1
            loss += np.sum(ww * np.logaddexp(0, -(1 - 2 * b) * lam)) / math.log(2) / 16
    expected = 4 - loss
    rng = np.random.default_rng(1)
    s = map_bits(random_bits(4 * 100_000, rng=rng), "16QAM")
    assert gmi(_awgn(s, snr_db, rng), s, "16QAM") == pytest.approx(expected, abs=0.015)
    assert 0 < ngmi(_awgn(s, snr_db, rng), s, "16QAM") < 1


def test_snr_evm_ber_ser_from_symbols():
    rng = np.random.default_rng(2)
    s = map_bits(random_bits(4 * 100_000, rng=rng), "16QAM")
    y = 0.7 * np.exp(0.3j) * _awgn(s, 15.0, rng)  # a gain does not change SNR or EVM
    assert snr_from_symbols(y, s) == pytest.approx(15.0, abs=0.05)
    # EVM_rms² = 1/SNR for unit-energy references (Shafik et al., ICECE 2006)
    assert evm_rms(y, s) == pytest.approx(10 ** (-15 / 20), rel=0.01)
    assert count_errors([0, 1, 1, 0], [0, 1, 0, 1]) == 2 and bit_error_ratio([0, 1, 1, 0], [0, 1, 0, 1]) == 0.5
    assert symbol_error_ratio(s[:4], s[:4]) == 0.0
    with pytest.raises(ValueError, match="same shape"):
        bit_error_ratio([0, 1], [0, 1, 1])


def test_q_factor_and_threshold():
    # BER 1e-3 ↔ Q = 3.09 (9.8 dB); BER 1e-9 ↔ Q = 6.0 (15.6 dB) (Agrawal, Fiber-Optic Comm. Systems, §5.4.1)
    assert q_factor_db(1e-3) == pytest.approx(20 * math.log10(3.0902), abs=0.01)
    assert q_factor_db(1e-9) == pytest.approx(20 * math.log10(5.9978), abs=0.01)
    assert q_factor_db(0.0) == math.inf
    assert passes_threshold(1.2e-2, "400ZR") and not passes_threshold(1.3e-2, "400ZR")
    assert passes_threshold(1.9e-2, STANDARDS["800ZR"])
    with pytest.raises(ValueError, match="unknown standard"):
        passes_threshold(1e-3, "1.6T")
