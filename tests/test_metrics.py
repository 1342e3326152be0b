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
