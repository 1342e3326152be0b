"""Link quality metrics: theoretical BER for Gray-coded formats, OSNR ↔ SNR conversions.

Exact Gray-coded BER of square M-QAM and M-PAM in AWGN: K. Cho and D. Yoon, "On the general BER
expression of one- and two-dimensional amplitude modulations", IEEE Trans. Commun. 50(7), 1074 (2002),
eqs. (14)-(16). Square M-QAM is two independent √M-PAM tributaries with the same per-dimension SNR.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc

from optolink.core.units import OSNR_REFERENCE_BANDWIDTH
from optolink.core.validate import check_array, check_positive

from .modulations import BITS_PER_SYMBOL, check_modulation, levels_per_dimension


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
    check_modulation(modulation)
    snr_db = np.asarray(snr_db, dtype=float)
    if np.any(np.isnan(snr_db)):
        raise ValueError("snr_db must not be NaN")
    snr = 10.0 ** (snr_db / 10.0)
    # PAM4, a real signal: mean power / σ², the same per-dimension ratio as Es/N0 for each QAM tributary
    ber = _pam_gray_ber(levels_per_dimension(modulation), snr)
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
    ratio = check_positive("reference_bandwidth", reference_bandwidth) / check_positive("baud_rate", baud_rate)
    return check_array("osnr_db", osnr_db) + 10.0 * math.log10(ratio)


def osnr_from_snr(snr_db, baud_rate: float, reference_bandwidth: float = OSNR_REFERENCE_BANDWIDTH):
    """OSNR (dB in ``reference_bandwidth``) from the SNR in the signal bandwidth (dB)."""
    ratio = check_positive("reference_bandwidth", reference_bandwidth) / check_positive("baud_rate", baud_rate)
    return check_array("snr_db", snr_db) - 10.0 * math.log10(ratio)


# --------------------------------------------------------------------------------------------------------
# measured figures
# --------------------------------------------------------------------------------------------------------
def _pair(name_a, a, name_b, b):
    a, b = np.asarray(a), np.asarray(b)
    for name, v in ((name_a, a), (name_b, b)):
        if v.dtype.kind not in "biufc":
            raise TypeError(f"{name} must be a numeric array; got dtype {v.dtype}")
        if not np.all(np.isfinite(v)):
            raise ValueError(f"{name} must be finite (no NaN or inf)")
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape; got {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError(f"{name_a} is empty")
    return a, b


def count_errors(tx_bits, rx_bits) -> int:
    """Number of differing bits."""
    a, b = _pair("tx_bits", tx_bits, "rx_bits", rx_bits)
    return int(np.count_nonzero(a != b))


def bit_error_ratio(tx_bits, rx_bits) -> float:
    """Errors / bits."""
    a, b = _pair("tx_bits", tx_bits, "rx_bits", rx_bits)
    return count_errors(a, b) / a.size


def symbol_error_ratio(tx_symbols, rx_decisions) -> float:
    """Fraction of symbols whose decision differs from the transmitted point."""
    a, b = _pair("tx_symbols", tx_symbols, "rx_decisions", rx_decisions)
    return float(np.mean(np.abs(a - b) > 1e-6))


def fit_gain(received, reference) -> complex:
    """Least-squares complex gain α minimising Σ|y − α·s|² (α = ⟨y s*⟩ / ⟨|s|²⟩)."""
    y, s = _pair("received", received, "reference", reference)
    power = np.vdot(s, s).real
    if not power > 0 or not np.isfinite(power):
        raise ValueError(f"reference must have a finite, nonzero power; got Σ|s|² = {power:.3g}")
    return complex(np.vdot(s, y) / power)


def snr_from_symbols(received, reference) -> float:
    """Data-aided SNR (dB) of a constellation: |α|²⟨|s|²⟩ / ⟨|y − α·s|²⟩ with the least-squares gain α.

    For QAM at one sample per symbol after a matched filter this is Es/N0 (the ``theoretical_ber`` SNR).
    """
    y, s = _pair("received", received, "reference", reference)
    alpha = fit_gain(y, s)
    noise = np.mean(np.abs(y - alpha * s) ** 2)
    sig = abs(alpha) ** 2 * np.mean(np.abs(s) ** 2)
    return math.inf if noise == 0 else 10 * math.log10(sig / noise)


def evm_rms(received, reference) -> float:
    """RMS error-vector magnitude (fraction, not %) normalised to the reference's RMS, after the LS gain."""
    y, s = _pair("received", received, "reference", reference)
    alpha = fit_gain(y, s)
    if alpha == 0 or not np.isfinite(alpha):
        raise ValueError("received has no component along reference (the least-squares gain is 0): no EVM")
    return float(math.sqrt(np.mean(np.abs(y / alpha - s) ** 2) / np.mean(np.abs(s) ** 2)))


def q_factor_db(ber) -> float:
    """Q-factor 20·log10(√2·erfcinv(2·BER)) in dB (the Gaussian equivalent of a BER; inf at BER 0)."""
    from scipy.special import erfcinv

    b = float(ber)
    if not 0 <= b <= 0.5 or math.isnan(b):
        raise ValueError(f"ber must be in [0, 0.5]; got {ber}")
    if b == 0:
        return math.inf
    q = math.sqrt(2) * float(erfcinv(2 * b))
    return 20 * math.log10(q) if q > 0 else -math.inf


def gmi(received, tx_symbols, modulation: str, *, noise_variance: float | None = None) -> float:
    """Generalised mutual information (bits per complex symbol) of a bit-interleaved receiver.

    GMI = m − (1/N)·Σₖ Σⱼ log2(1 + exp(−(1 − 2bₖⱼ)·λₖⱼ)) with the exact LLRs λ of a circular Gaussian channel
    (Alvarado et al., J. Lightwave Technol. 36, 424 (2018), eq. 30). ``received`` is scaled by the LS gain
    onto ``tx_symbols`` first; ``noise_variance`` (E|n|²) defaults to the data-aided estimate.
    """
    from .signals import decide_labels, labels_to_bits, llr

    y, s = _pair("received", received, "tx_symbols", tx_symbols)
    check_modulation(modulation)
    y = y / fit_gain(y, s)
    var = float(np.mean(np.abs(y - s) ** 2)) if noise_variance is None else float(noise_variance)
    if not var > 1e-30:  # noise-free (to the precision of the LLRs)
        return float(BITS_PER_SYMBOL[modulation])
    bits = labels_to_bits(decide_labels(s, modulation), modulation).astype(float)
    lam = llr(y, modulation, var, method="exact")
    loss = np.logaddexp(0.0, -(1.0 - 2.0 * bits) * lam) / math.log(2)
    return float(BITS_PER_SYMBOL[modulation] - loss.sum() / y.size)


def ngmi(received, tx_symbols, modulation: str, *, noise_variance: float | None = None) -> float:
    """Normalised GMI: GMI / bits per symbol (0…1), the figure soft-decision FEC thresholds use."""
    return gmi(received, tx_symbols, modulation, noise_variance=noise_variance) / BITS_PER_SYMBOL[modulation]


def passes_threshold(ber: float, standard) -> bool:
    """True when ``ber`` is at or below the pre-FEC BER threshold of ``standard`` (a Standard or its name)."""
    from .standards import Standard, get_standard

    std = standard if isinstance(standard, Standard) else get_standard(standard)
    b = float(ber)
    if math.isnan(b):
        raise ValueError("ber must not be NaN")
    return b <= std.pre_fec_ber_threshold
