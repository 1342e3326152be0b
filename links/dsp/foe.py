"""Carrier frequency-offset estimation and removal.

- `spectral_frequency_offset`: polarization- and format-independent coarse estimate before the equalizer: the
  centroid of the received power spectrum (summed over polarizations) above the white-noise floor.
- `fourth_power_frequency_offset`: after polarization demultiplexing, the peak of the spectrum of s⁴
  (Leven et al., IEEE Photon. Technol. Lett. 19, 366 (2007)); the 4-fold symmetry of QPSK and square QAM
  leaves a tone at 4Δf. Range |Δf| < baud/8.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import fft as sfft

from optolink.core.validate import check_int, check_positive, check_real

from ..signals import check_field


def _parabolic(y: np.ndarray, i: int) -> float:
    """Sub-bin offset of a peak at index i of a periodic array by parabolic interpolation."""
    a, b, c = y[(i - 1) % y.size], y[i], y[(i + 1) % y.size]
    den = a - 2 * b + c
    return 0.0 if den == 0 else 0.5 * (a - c) / den


def remove_frequency_offset(x, offset: float, sample_rate: float, *, start_sample: int = 0) -> np.ndarray:
    """x·exp(−j2π·offset·n/fs): shifts a signal at +``offset`` (Hz) back to baseband."""
    a = check_field("x", x)
    fs = check_positive("sample_rate", sample_rate)
    off = check_real("offset", offset)
    if not abs(off / fs) <= 0.5:
        raise ValueError(f"offset must be within ±sample_rate/2 (the record's band); got {off:.6g} Hz at {fs:.6g} Sa/s")
    start_sample = check_int("start_sample", start_sample, low=-(2**53), high=2**53)
    n = np.arange(start_sample, start_sample + a.shape[-1])
    return a * np.exp(-2j * math.pi * off * n / fs)


def spectral_frequency_offset(samples, sample_rate: float, baud_rate: float, roll_off: float = 0.2, *,
                              max_offset: float | None = None) -> float:
    """Offset (Hz) of the centre of the received spectrum from baseband zero, for (N,) or (P, N) samples:
    the power-weighted mean frequency of the periodogram (summed over polarizations) inside the signal
    band widened by ``max_offset`` (default baud/10), after subtracting the white-noise floor measured outside
    that window. Unbiased for a symmetric transmitted spectrum; the periodogram's fluctuations leave a
    random error of order baud/√N (tens of MHz for 2^16 samples at 60 GBd) — a coarse estimate."""
    x = check_field("samples", samples)
    fs = check_positive("sample_rate", sample_rate)
    baud = check_positive("baud_rate", baud_rate)
    beta = check_real("roll_off", roll_off, low=0.0, high=1.0)
    f_max = baud / 10 if max_offset is None else check_real("max_offset", max_offset, low=0.0)
    n = x.shape[-1]
    p = np.sum(np.abs(sfft.fft(np.atleast_2d(x), axis=-1)) ** 2, axis=0)
    f = sfft.fftfreq(n, 1.0 / fs)
    inside = np.abs(f) <= 0.5 * (1 + beta) * baud + f_max
    floor = float(np.mean(p[~inside])) if np.any(~inside) else 0.0
    w = np.clip(p[inside] - floor, 0.0, None)
    total = float(w.sum())
    if not total > 0:
        raise ValueError("no signal power above the noise floor: cannot estimate the frequency offset")
    return float(np.sum(f[inside] * w) / total)


def fourth_power_frequency_offset(symbols, symbol_rate: float, *, sample_rate: float | None = None) -> float:
    """Offset (Hz) of QPSK/square-QAM signals (N,) or (P, N): argmax of |FFT(s⁴)|² summed over rows, /4, with
    parabolic refinement on a 4× zero-padded grid. At one sample per symbol (default) the range is
    ±symbol_rate/8; oversampled records (``sample_rate`` > symbol_rate) keep the tone of the 4th power
    (E[a⁴]·Σₖp⁴(t − kT) has a non-zero mean) with the range ±sample_rate/8. Two rows that are not yet
    demultiplexed are also combined as (x + y)/√2 and (x + jy)/√2: for some rotations the tone of x⁴ and y⁴
    cancels (a⁴ + b⁴ = 0), never for all four mixtures."""
    x = check_field("symbols", symbols)
    rs = check_positive("symbol_rate", symbol_rate)
    fs = rs if sample_rate is None else check_positive("sample_rate", sample_rate)
    s = np.atleast_2d(x)
    power = np.mean(np.abs(s) ** 2, axis=-1, keepdims=True)
    if not np.all(power > 0):
        raise ValueError("symbols must carry power (a row is all zeros): no frequency offset to estimate")
    s = s / np.sqrt(power)
    if s.shape[0] == 2:
        s = np.concatenate([s, (s[:1] + s[1:]) / math.sqrt(2), (s[:1] + 1j * s[1:]) / math.sqrt(2)])
    nfft = 4 * sfft.next_fast_len(s.shape[-1])
    spec = np.sum(np.abs(sfft.fft(s**4, nfft, axis=-1)) ** 2, axis=0)
    j = int(np.argmax(spec))
    f = (j + _parabolic(spec, j)) * fs / nfft
    if f > fs / 2:
        f -= fs
    return f / 4
