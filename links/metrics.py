"""Link quality metrics: theoretical BER for Gray-coded formats, OSNR ↔ SNR conversions.

Exact Gray-coded BER of square M-QAM and M-PAM in AWGN: K. Cho and D. Yoon, "On the general BER
expression of one- and two-dimensional amplitude modulations", IEEE Trans. Commun. 50(7), 1074 (2002),
eqs. (14)-(16). Square M-QAM is two independent √M-PAM tributaries with the same per-dimension SNR.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc

MODULATIONS = {"QPSK": 4, "16QAM": 16, "64QAM": 64, "PAM4": 4}
OSNR_REFERENCE_BANDWIDTH = 12.5e9  # Hz (0.1 nm at 1550 nm)


def _check_modulation(modulation: str) -> str:
    if modulation not in MODULATIONS:
        raise ValueError(f"modulation must be one of {sorted(MODULATIONS)}; got {modulation!r}")
    return modulation


def _pam_gray_ber(m: int, snr):
    """BER of Gray-coded M-PAM; ``snr`` = mean signal power / noise variance in that dimension."""
    snr = np.asarray(snr, dtype=float)
    nbits = int(round(math.log2(m)))
    arg = np.sqrt(3.0 * snr / (2.0 * (m * m - 1)))
    total = np.zeros_like(snr)
    for k in range(1, nbits + 1):
        pk = np.zeros_like(snr)
        for i in range(int((1 - 2.0**-k) * m)):
            w = (-1) ** math.floor(i * 2 ** (k - 1) / m) * (2 ** (k - 1) - math.floor(i * 2 ** (k - 1) / m + 0.5))
            pk = pk + w * erfc((2 * i + 1) * arg)
        total = total + pk / m
    return total / nbits


def theoretical_ber(modulation: str, snr_db):
    """Exact Gray-coded BER in AWGN.

    QAM (``"QPSK"``, ``"16QAM"``, ``"64QAM"``): ``snr_db`` is Es/N0 in dB. ``"PAM4"``: the ratio of mean
    signal power to the (real) noise variance, in dB. Arrays broadcast.
    """
    _check_modulation(modulation)
    snr_db = np.asarray(snr_db, dtype=float)
    if np.any(np.isnan(snr_db)):
        raise ValueError("snr_db must not be NaN")
    snr = 10.0 ** (snr_db / 10.0)
    m = MODULATIONS[modulation]
    if modulation == "PAM4":
        # a real signal: mean power / σ², the same per-dimension ratio as Es/N0 for each QAM tributary
        ber = _pam_gray_ber(4, snr)
    else:
        ber = _pam_gray_ber(int(round(math.sqrt(m))), snr)
    return ber if ber.ndim else float(ber)


def required_snr_db(modulation: str, ber: float) -> float:
    """SNR (dB, same convention as ``theoretical_ber``) at which the theoretical BER equals ``ber``."""
    from scipy.optimize import brentq

    if not 0 < ber < 0.5:
        raise ValueError(f"ber must be in (0, 0.5); got {ber}")
    def f(s):
        return math.log(max(theoretical_ber(modulation, s), 1e-300)) - math.log(ber)

    return float(brentq(f, -10.0, 35.0, xtol=1e-10))


def snr_from_osnr(osnr_db, baud_rate: float, reference_bandwidth: float = OSNR_REFERENCE_BANDWIDTH):
    """SNR in the signal bandwidth (dB) from OSNR (dB, both polarizations' noise): OSNR + 10·log10(B_ref/baud)."""
    if not baud_rate > 0:
        raise ValueError(f"baud_rate must be > 0; got {baud_rate}")
    return np.asarray(osnr_db, dtype=float) + 10.0 * math.log10(reference_bandwidth / baud_rate)


def osnr_from_snr(snr_db, baud_rate: float, reference_bandwidth: float = OSNR_REFERENCE_BANDWIDTH):
    """OSNR (dB in ``reference_bandwidth``) from the SNR in the signal bandwidth (dB)."""
    if not baud_rate > 0:
        raise ValueError(f"baud_rate must be > 0; got {baud_rate}")
    return np.asarray(snr_db, dtype=float) - 10.0 * math.log10(reference_bandwidth / baud_rate)
