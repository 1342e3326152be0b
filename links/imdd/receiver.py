"""IM-DD PAM4 receiver: the chip's PIN photodiode and TIA, a practical FFE/DFE, decisions and SER.

Decisions use thresholds midway between the four levels estimated from the equalised samples; the SER counts
symbol decisions against the transmitted pattern (aligned by cross-correlation).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import erfc

from optolink.core.validate import check_int, check_real

from ..signals import check_record


def detect(power, sample_rate: float, photodiode, tia=None, *, rng, noise: bool = True) -> np.ndarray:
    """Photocurrent (A) or TIA voltage (V) of an optical power waveform through
    :class:`photonics.detectors.PinPhotodiode` (shot, thermal/TIA noise, transit and RC bandwidth)."""
    check_real("sample_rate", sample_rate, low=1e3, high=1e15)
    field = np.sqrt(np.clip(_samples("power", power, 2), 0.0, None)).astype(complex)
    return photodiode.detect(field, sample_rate, rng=rng, noise=noise, tia=tia)


def _samples(name: str, value, min_size: int) -> np.ndarray:
    """A finite, real 1-D record of at least ``min_size`` values."""
    x = check_record(name, value, dtype=float)
    if x.ndim != 1 or x.size < min_size:
        raise ValueError(f"{name} must be 1-D with at least {min_size} values; got shape {x.shape}")
    return x


def sample_symbols(waveform, sps: int, phase: int | None = None) -> np.ndarray:
    """Symbol-rate samples; ``phase`` (0..sps−1) defaults to the one of the largest variance (eye opening)."""
    x = _samples("waveform", waveform, 1)
    sps = check_int("sps", sps, low=1, high=x.size)
    m = x[: x.size // sps * sps].reshape(-1, sps)
    if phase is None:
        phase = int(np.argmax(m.var(axis=0)))
    phase = check_int("phase", phase, low=0, high=sps - 1)
    return m[:, phase]


def ffe_dfe(samples, reference, *, n_ffe: int = 9, n_dfe: int = 1, train: int | None = None):
    """Least-squares FFE (``n_ffe`` T-spaced taps, centred) + DFE (``n_dfe`` taps on the reference symbols'
    levels during training, on decisions after), trained on the first ``train`` symbols against ``reference``
    (the transmitted levels, aligned). Returns the equalised samples."""
    y = _samples("samples", samples, 2)
    d = _samples("reference", reference, 2)
    if d.shape != y.shape:
        raise ValueError(f"reference must have the shape of samples {y.shape}; got {d.shape}")
    n_ffe = check_int("n_ffe", n_ffe, low=1, high=min(255, y.size))
    n_dfe = check_int("n_dfe", n_dfe, low=0, high=16)
    n = y.size
    train = n if train is None else check_int("train", train, low=n_ffe + n_dfe + 16, high=n)
    c = n_ffe // 2
    cols = [np.roll(y, c - k) for k in range(n_ffe)] + [np.roll(d, k + 1) for k in range(n_dfe)] + [np.ones(n)]
    a = np.stack(cols, axis=1)
    w, *_ = np.linalg.lstsq(a[:train], d[:train], rcond=None)
    ff = a[:, :n_ffe] @ w[:n_ffe] + w[-1]
    if n_dfe == 0:
        return ff
    levels = np.unique(d)
    out = np.empty(n)
    past = [d[-k - 1] for k in range(n_dfe)]
    for i in range(n):
        v = ff[i] + sum(w[n_ffe + k] * past[k] for k in range(n_dfe))
        out[i] = v
        dec = levels[np.argmin(np.abs(levels - v))] if i >= train else d[i]
        past = [dec] + past[:-1]
    return out


def pam4_decide(samples) -> tuple[np.ndarray, np.ndarray]:
    """(decisions 0..3, thresholds) from 1-D 4-means of the samples."""
    y = _samples("samples", samples, 4)
    c = np.quantile(y, [0.125, 0.375, 0.625, 0.875])
    for _ in range(30):
        th = 0.5 * (c[1:] + c[:-1])
        d = np.searchsorted(th, y)
        c = np.array([y[d == i].mean() if np.any(d == i) else c[i] for i in range(4)])
    th = 0.5 * (c[1:] + c[:-1])
    return np.searchsorted(th, y), th


def align(decisions, symbols) -> int:
    """Circular shift s maximising the match of np.roll(symbols, s) to ``decisions`` (FFT correlation)."""
    a = _samples("decisions", decisions, 2) - 1.5
    b = _samples("symbols", symbols, a.size)[: a.size] - 1.5
    xc = np.fft.irfft(np.fft.rfft(a) * np.conj(np.fft.rfft(b)), a.size)
    return int(np.argmax(xc))


def symbol_error_ratio(samples, symbols) -> float:
    """SER of 4-means decisions of ``samples`` against the transmitted ``symbols`` (aligned circularly)."""
    dec, _ = pam4_decide(samples)
    sym = _samples("symbols", symbols, dec.size)
    ref = np.roll(sym[: dec.size], align(dec, sym))
    return float(np.mean(dec != ref))


def pam4_ser_theory(snr_db: float) -> float:
    """Gaussian-noise SER of equiprobable, equally spaced PAM4, SNR the ratio of the mean signal power (levels
    ±d, ±3d: 5d²) to the noise variance: SER = 2(M−1)/M·Q(sqrt(6·SNR/(M²−1))) = 1.5·Q(d/σ) =
    0.75·erfc(sqrt(SNR/10)) (Proakis, Digital Communications, 5th ed., §4.3, M = 4)."""
    snr = 10 ** (check_real("snr_db", snr_db, low=-300.0, high=300.0) / 10)
    return float(0.75 * erfc(math.sqrt(snr / 10.0)))


def snr_for_ser(ser: float) -> float:
    """Inverse of :func:`pam4_ser_theory` (dB)."""
    from scipy.special import erfcinv
    check_real("ser", ser, low=0.0, high=0.75, low_open=True, high_open=True)
    return float(10 * math.log10(10 * erfcinv(ser / 0.75) ** 2))
