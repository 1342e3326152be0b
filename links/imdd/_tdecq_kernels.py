"""Numba kernels of the TDECQ measurement: equalised vertical histograms and the SER → σ_G solve.

Plain arrays in, plain arrays out; inputs are validated by `links.imdd.tdecq`. Each kernel has a NumPy reference
(`*_reference`) used by the tests.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from scipy.special import erfc


@njit(cache=True)
def equalised_histograms(samples, pad, taps, main, lo, bin_width, n_bins):
    """Histogram the T-spaced FFE output of every row of ``samples``.

    ``samples`` is ``(n_windows, n_phases, pad + n_symbols + pad)``: symbol-rate samples of the reference-receiver
    output, one row per sampling phase inside a window, each row extended by ``pad`` ≥ number of taps samples of
    wrap-around on both sides (the pattern is periodic). The FFE output is ``e[n] = Σ_k taps[k]·y[n + main − k]``.
    Returns ``(n_windows, n_bins)`` counts of bins ``[lo + i·w, lo + (i+1)·w)``; values outside the range land in
    the first or last bin.
    """
    n_windows, n_phases, n_ext = samples.shape
    n = n_ext - 2 * pad
    n_taps = taps.shape[0]
    counts = np.zeros((n_windows, n_bins))
    inv = 1.0 / bin_width
    for w in range(n_windows):
        for p in range(n_phases):
            row = samples[w, p]
            for i in range(n):
                acc = 0.0
                base = i + pad + main
                for k in range(n_taps):
                    acc += taps[k] * row[base - k]
                b = int(math.floor((acc - lo) * inv))
                if b < 0:
                    b = 0
                elif b >= n_bins:
                    b = n_bins - 1
                counts[w, b] += 1.0
    return counts


def equalised_histograms_reference(samples, pad, taps, main, lo, bin_width, n_bins):
    """NumPy reference of :func:`equalised_histograms` (circular convolution of the un-padded rows)."""
    n_windows, n_phases, n_ext = samples.shape
    counts = np.zeros((n_windows, n_bins))
    for w in range(n_windows):
        for p in range(n_phases):
            row = samples[w, p, pad: n_ext - pad]
            e = np.zeros(row.size)
            for k, c in enumerate(taps):
                e += c * np.roll(row, k - main)
            b = np.clip(np.floor((e - lo) / bin_width).astype(int), 0, n_bins - 1)
            counts[w] += np.bincount(b, minlength=n_bins)
    return counts


@njit(cache=True)
def _ser(counts, centers, th1, th2, th3, sigma):
    """SER of one histogram with Gaussian noise σ added (IEEE 802.3 clause 121.8.5.3 sums)."""
    total = 0.0
    err = 0.0
    s = 1.0 / (sigma * math.sqrt(2.0))
    for i in range(counts.shape[0]):
        h = counts[i]
        if h == 0.0:
            continue
        y = centers[i]
        total += h
        if y < th1:
            q = 0.5 * math.erfc((th1 - y) * s)
        elif y < th2:
            q = 0.5 * math.erfc((y - th1) * s) + 0.5 * math.erfc((th2 - y) * s)
        elif y < th3:
            q = 0.5 * math.erfc((y - th2) * s) + 0.5 * math.erfc((th3 - y) * s)
        else:
            q = 0.5 * math.erfc((y - th3) * s)
        err += h * q
    return err / total


@njit(cache=True)
def worst_ser(counts, centers, th1, th2, th3, sigma):
    """The larger SER of the histogram rows (the left and right windows)."""
    worst = 0.0
    for w in range(counts.shape[0]):
        v = _ser(counts[w], centers, th1, th2, th3, sigma)
        if v > worst:
            worst = v
    return worst


@njit(cache=True)
def sigma_for_ser(counts, centers, th1, th2, th3, target, sigma_hi):
    """The largest σ (≤ ``sigma_hi``) with the worse window's SER ≤ ``target``.

    Root of g(u) = ln SER(e^u) − ln target by the Illinois (modified regula falsi) method on [ln σ_hi − 9.2,
    ln σ_hi], to 1e-7 in ln σ. Returns 0 when even σ_hi·1e-4 leaves the SER above the target (an eye closed by
    its own samples), σ_hi when σ_hi keeps it below.
    """
    lt = math.log(target)
    a = math.log(sigma_hi) - 9.2
    b = math.log(sigma_hi)
    sa = worst_ser(counts, centers, th1, th2, th3, math.exp(a))
    if sa > target:
        return 0.0
    sb = worst_ser(counts, centers, th1, th2, th3, math.exp(b))
    if sb <= target:
        return sigma_hi
    fa = (math.log(sa) if sa > 0.0 else -745.0) - lt
    fb = math.log(sb) - lt
    side = 0
    for _ in range(60):
        c = (a * fb - b * fa) / (fb - fa)
        sc = worst_ser(counts, centers, th1, th2, th3, math.exp(c))
        fc = (math.log(sc) if sc > 0.0 else -745.0) - lt
        if fc > 0.0:
            b, fb = c, fc
            if side == -1:
                fa *= 0.5
            side = -1
        else:
            a, fa = c, fc
            if side == 1:
                fb *= 0.5
            side = 1
        if b - a < 1e-7 or abs(fc) < 1e-9:
            break
    return math.exp(a if fc > 0.0 else c)


def worst_ser_reference(counts, centers, th1, th2, th3, sigma):
    """NumPy reference of :func:`worst_ser`."""
    def q(x):
        return 0.5 * erfc(x / (sigma * np.sqrt(2.0)))

    y = centers
    per = np.where(y < th1, q(th1 - y),
                   np.where(y < th2, q(y - th1) + q(th2 - y),
                            np.where(y < th3, q(y - th2) + q(th3 - y), q(y - th3))))
    return float(max((c * per).sum() / c.sum() for c in counts))


@njit(cache=True)
def fractional_samples(x_ext, start, step, h, n):
    """y[i] = Σ_j h[j]·x_ext[start + i·step + j], i < n: the strided FIR behind band-limited resampling."""
    out = np.empty(n)
    m = h.shape[0]
    for i in range(n):
        base = start + i * step
        acc = 0.0
        for j in range(m):
            acc += h[j] * x_ext[base + j]
        out[i] = acc
    return out


def fractional_samples_reference(x_ext, start, step, h, n):
    """NumPy reference of :func:`fractional_samples`."""
    return np.array([np.dot(h, x_ext[start + i * step: start + i * step + h.size]) for i in range(n)])
