"""Estimators on simulated (or measured) laser waveforms: RIN, linewidth and frequency chirp."""

from __future__ import annotations

import math

import numpy as np

from optolink.core.validate import check_array, check_int, check_positive, check_real

__all__ = ["estimate_rin", "estimate_linewidth", "chirp_from_power"]


# --------------------------------------------------------------------------------------------------------
# Estimators on simulated (or measured) waveforms
# --------------------------------------------------------------------------------------------------------
def estimate_rin(power, sample_rate, *, segment_duration: float | None = None):
    """One-sided RIN spectrum (1/Hz) of power waveforms (samples,) or (lasers, samples): Welch PSD (Hann,
    50 % overlap) of P/P̄ − 1 per laser, averaged over lasers. Returns (frequency in Hz, rin).

    `segment_duration` (s) sets the resolution (default: record/8)."""
    x = check_array("power", power, low=0.0)
    fs = check_real("sample_rate", sample_rate, low=1.0, high=1e16)
    x = np.atleast_2d(x)
    mean = x.mean(axis=1, keepdims=True)
    if np.any(mean <= 0):
        raise ValueError("power must have a positive mean for a RIN")
    nper = x.shape[1] // 8 if segment_duration is None else check_positive("segment_duration", segment_duration) * fs
    nper = int(round(min(nper, x.shape[1])))
    nper = max(min(nper, x.shape[1]), 8)
    from scipy.signal import welch

    f, pxx = welch(x / mean - 1.0, fs=fs, window="hann", nperseg=nper, detrend="constant", axis=-1)
    return f, pxx.mean(axis=0)


def estimate_linewidth(phase, sample_rate, *, min_lag: float | None = None, max_lag: float | None = None,
                       n_lags: int = 12) -> float:
    """Lorentzian linewidth (Hz) from the growth of the phase variance, Var[φ(t+τ) − φ(t)] = 2πΔν τ + c.

    `phase`: unwrapped phase (rad), (samples,) or (lasers, samples). Each record is first detrended by its
    end-to-end slope (removing any frequency offset); for a Wiener phase of span T that makes the expected
    increment variance 2πΔν τ (1 − τ/T), so the variance is regressed on τ(1 − τ/T) with a free intercept
    c that absorbs the bounded relaxation-oscillation phase excursion. Lags are geometrically spaced in
    [min_lag, max_lag] (defaults T/200 and T/50); min_lag must exceed a few damping times 1/γ.
    """
    ph = np.atleast_2d(check_array("phase", phase))
    fs = check_real("sample_rate", sample_rate, low=1.0, high=1e16)
    m = ph.shape[1]
    if m < 64:
        raise ValueError(f"phase needs at least 64 samples, got {m}")
    span = (m - 1) / fs
    lo = span / 200 if min_lag is None else check_positive("min_lag", min_lag)
    hi = span / 50 if max_lag is None else check_positive("max_lag", max_lag)
    if not lo < hi < span:
        raise ValueError(f"need min_lag < max_lag < record span {span:.4g} s; got {lo:.4g}, {hi:.4g}")
    n_lags = check_int("n_lags", n_lags, low=2, high=10_000)
    lags = np.unique(np.round(np.geomspace(lo * fs, hi * fs, n_lags)).astype(np.int64))
    lags = lags[lags >= 1]
    if lags.size < 2:
        raise ValueError("need at least two distinct lags; widen [min_lag, max_lag]")
    trend = (ph[:, -1:] - ph[:, :1]) * (np.arange(m) / (m - 1))[None, :]
    ph = ph - trend
    var = np.array([np.mean((ph[:, k:] - ph[:, :-k]) ** 2) for k in lags])
    tau = lags / fs
    x = tau * (1.0 - tau / span)
    slope, _ = np.polyfit(x, var, 1)
    return float(slope / (2.0 * math.pi))


def chirp_from_power(power, sample_rate, alpha_h, kappa):
    """(transient, adiabatic) frequency chirp in Hz of a power waveform (W, last axis = time, at ``sample_rate`` Hz):
    transient = (α_H/4π) d ln P/dt (central differences), adiabatic = (α_H/4π) κ P (Koch & Linke 1986)."""
    p = check_array("power", power, low=0.0)
    dt = 1.0 / check_positive("sample_rate", sample_rate)
    alpha_h = check_real("alpha_h", alpha_h)
    kappa = check_real("kappa", kappa, low=0.0)
    if np.any(p <= 0):
        raise ValueError("power must be > 0 everywhere for d ln P/dt")
    c = alpha_h / (4.0 * math.pi)
    return c * np.gradient(np.log(p), dt, axis=-1), c * kappa * p
