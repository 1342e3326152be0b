"""Optical amplification and noise: the amplifier (EDFA) with ASE, noise loading to a set OSNR.

ASE of an amplifier of gain G and noise figure NF (signal-spontaneous-beat-limited definition):
one-sided PSD per polarization S = n_sp·hν·(G − 1) with n_sp(G − 1) = (G·NF − 1)/2, so that
NF = (1 + 2n_sp(G − 1))/G (Desurvire, Erbium-Doped Fiber Amplifiers, 1994, eqs. 2.2.36 and 2.2.43; at high
gain NF → 2n_sp). The OSNR after one amplifier is then P_in·G / (2·S·B_ref) ≈ P_in/(NF·hν·B_ref), the
"58 dB rule" OSNR[dB] = 58 + P_in[dBm] − NF[dB] at 1550 nm and B_ref = 12.5 GHz.

OSNR is referenced to ``reference_bandwidth`` (12.5 GHz) and counts the noise of both polarizations.
Noise is white over the simulated bandwidth (the sample rate) and circular complex Gaussian.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optolink.core.constants import H
from optolink.core.display import displayed
from optolink.core.units import CARRIER_FREQUENCY, OSNR_REFERENCE_BANDWIDTH
from optolink.core.validate import as_rng, check_optional_real, check_positive, check_real

from .signals import check_field


def _complex_noise(shape, variance: float, rng: np.random.Generator, dtype) -> np.ndarray:
    """Circular complex Gaussian noise with E|n|² = variance."""
    sigma = math.sqrt(variance / 2)
    return ((rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) * sigma).astype(dtype, copy=False)


def ase_psd(gain_db: float, nf_db: float, frequency: float = CARRIER_FREQUENCY) -> float:
    """One-sided ASE PSD per polarization (W/Hz): n_sp·hν·(G − 1) = hν·(G·NF − 1)/2."""
    g = 10 ** (check_real("gain_db", gain_db, low=0.0, high=60.0) / 10)
    nf = 10 ** (check_real("nf_db", nf_db, low=0.0, high=20.0) / 10)
    nu = check_positive("frequency", frequency)
    if nf < (2 * g - 1) / g * (1 - 1e-12):
        raise ValueError(f"nf_db must be >= 10·log10(2 − 1/G) (quantum limit n_sp >= 1); got nf_db={nf_db} "
                         f"at gain_db={gain_db}")
    return H * nu * (g * nf - 1) / 2


@displayed("G=gain_db:dB", "NF=nf_db:dB", "name")
@dataclass(frozen=True)
class Amplifier:
    """An optical (erbium-doped fibre) amplifier: ``gain_db``, noise figure ``nf_db``, at ``frequency`` (Hz).

    In a link budget an amplifier follows a span: ``gain_db=None`` sets its gain to the preceding span's loss
    (transparent link), a number fixes it (a span loss above it is an error), and ``max_gain_db`` bounds the
    automatic gain. The ASE figures and `amplify` need a gain: give ``gain_db`` for them.
    """

    gain_db: float | None = None
    nf_db: float = 5.0
    max_gain_db: float | None = None
    name: str = ""
    frequency: float = CARRIER_FREQUENCY

    def __post_init__(self):
        check_optional_real("gain_db", self.gain_db, low=0.0, high=60.0)
        check_real("nf_db", self.nf_db, low=0.0, high=20.0)
        check_optional_real("max_gain_db", self.max_gain_db, low=0.0, high=60.0, low_open=True)
        if self.gain_db is not None and self.max_gain_db is not None and self.gain_db > self.max_gain_db:
            raise ValueError(f"gain_db must be <= max_gain_db = {self.max_gain_db}; got {self.gain_db}")
        if not isinstance(self.name, str):
            raise TypeError(f"name must be a string, got {type(self.name).__name__}")
        check_real("frequency", self.frequency, low=1e13, high=1e16)

    def _gain_db(self) -> float:
        if self.gain_db is None:
            raise ValueError("gain_db is None (the amplifier compensates its span in a budget); give gain_db "
                             "for its gain, ASE or to amplify a field")
        return self.gain_db

    @property
    def gain(self) -> float:
        return 10 ** (self._gain_db() / 10)

    @property
    def ase_psd(self) -> float:
        """One-sided ASE PSD per polarization (W/Hz); ValueError below the quantum limit n_sp = 1."""
        return ase_psd(self._gain_db(), self.nf_db, self.frequency)

    def ase_power(self, bandwidth: float = OSNR_REFERENCE_BANDWIDTH) -> float:
        """ASE power in ``bandwidth`` (Hz), both polarizations (W)."""
        return 2 * self.ase_psd * check_positive("bandwidth", bandwidth)

    def output_osnr_db(self, input_power_dbm: float, reference_bandwidth: float = OSNR_REFERENCE_BANDWIDTH) -> float:
        """OSNR (dB in ``reference_bandwidth``) after this amplifier for a noise-free input of ``input_power_dbm``."""
        p = 1e-3 * 10 ** (check_real("input_power_dbm", input_power_dbm, low=-100, high=50) / 10)
        return 10 * math.log10(p * self.gain / self.ase_power(reference_bandwidth))

    def amplify(self, field, sample_rate: float, *, rng, noise: bool = True) -> np.ndarray:
        """√G·field plus ASE white over ``sample_rate`` (S·fs per polarization); a (N,) field gets the noise of
        its own polarization only. ``rng``: Generator or seed. Needs ``gain_db`` (not None)."""
        x = check_field("field", field)
        fs = check_positive("sample_rate", sample_rate)
        y = x * math.sqrt(self.gain)
        if noise:
            y = y + _complex_noise(x.shape, self.ase_psd * fs, as_rng(rng), x.dtype)
        return y


def noise_variance_for_osnr(signal_power: float, osnr_db: float, sample_rate: float, *, polarizations: int = 2,
                            reference_bandwidth: float = OSNR_REFERENCE_BANDWIDTH) -> float:
    """E|n|² per sample and polarization of white noise that sets ``osnr_db`` for ``signal_power`` (W, total).

    Noise PSD per polarization = P/(2·OSNR·B_ref); over the simulated bandwidth fs: P·fs/(2·OSNR·B_ref).
    """
    p = check_real("signal_power", signal_power, low=0.0, low_open=True)
    osnr = check_real("osnr_db", osnr_db, low=-20.0, high=80.0)
    fs = check_positive("sample_rate", sample_rate)
    if polarizations not in (1, 2):
        raise ValueError(f"polarizations must be 1 or 2; got {polarizations}")
    var = p * fs / (2 * 10 ** (osnr / 10) * check_positive("reference_bandwidth", reference_bandwidth))
    if not 1e-250 < var < math.inf:
        raise ValueError(f"the noise variance over- or underflows (signal_power {p:.3g} W, sample_rate {fs:.3g} Sa/s, "
                         f"reference_bandwidth {reference_bandwidth:.3g} Hz)")
    return var


def load_noise(field, sample_rate: float, osnr_db: float, *, rng,
               reference_bandwidth: float = OSNR_REFERENCE_BANDWIDTH) -> np.ndarray:
    """Add white ASE so that the OSNR (both polarizations' noise in ``reference_bandwidth``) is exactly
    ``osnr_db``: the signal power is measured on the record and the drawn noise is rescaled to its exact
    target power. A (N,) field counts as one polarization of a dual-polarization signal of twice its power
    (only the noise of its own polarization is added)."""
    x = check_field("field", field)
    fs = check_positive("sample_rate", sample_rate)
    n_pol = 1 if x.ndim == 1 else 2
    p_sig = float(np.mean(np.abs(x) ** 2)) * n_pol  # total power, W (mean over samples, summed over pols)
    if not p_sig > 0:
        raise ValueError("field has zero power: cannot set an OSNR")
    p_total = p_sig * (2 if n_pol == 1 else 1)  # the dual-pol signal a single-pol record stands for
    var = noise_variance_for_osnr(p_total, osnr_db, fs, reference_bandwidth=reference_bandwidth)
    gen = as_rng(rng)
    n = _complex_noise(x.shape, var, gen, np.complex128)
    n *= np.sqrt(var / np.mean(np.abs(n) ** 2, axis=-1, keepdims=True))  # exact: each polarization at its target
    return (x + n).astype(x.dtype, copy=False)


def measure_osnr_db(signal, noisy, sample_rate: float, *,
                    reference_bandwidth: float = OSNR_REFERENCE_BANDWIDTH) -> float:
    """OSNR (dB) of ``noisy`` = ``signal`` + white noise, from the two records (noise = their difference)."""
    s = check_field("signal", signal)
    y = check_field("noisy", noisy)
    if s.shape != y.shape:
        raise ValueError(f"signal and noisy must have the same shape; got {s.shape} and {y.shape}")
    fs = check_positive("sample_rate", sample_rate)
    b_ref = check_positive("reference_bandwidth", reference_bandwidth)
    n_pol = 1 if s.ndim == 1 else 2
    p_sig = float(np.mean(np.abs(s) ** 2)) * n_pol
    if not p_sig > 0:
        raise ValueError("signal has zero power: no OSNR")
    p_noise_per_pol = float(np.mean(np.abs(y - s) ** 2))  # mean over pols
    psd_per_pol = p_noise_per_pol / fs
    if psd_per_pol * b_ref == 0:
        return math.inf  # noise-free
    return 10 * math.log10(p_sig * (2 if n_pol == 1 else 1) / (2 * psd_per_pol * reference_bandwidth))
