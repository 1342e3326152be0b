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
def equalised_histograms(samples, pad, taps, main, lo, bin_width, n_bins, step=1):
    """Histogram the T-spaced FFE output of every row of ``samples`` (at every ``step``-th symbol).

    ``samples`` is ``(n_windows, n_phases, pad + n_symbols + pad)``: symbol-rate samples of the reference-receiver
    output, one row per sampling phase inside a window, each row extended by ``pad`` ≥ number of taps samples of
    wrap-around on both sides (the pattern is periodic). The FFE output is ``e[n] = Σ_k taps[k]·y[n + main − k]``.
    Only the outputs n = 0, step, 2·step, … are histogrammed (each from its true neighbours). Returns
    ``(n_windows, n_bins)`` counts of bins ``[lo + i·w, lo + (i+1)·w)``; values outside the range land in the
    first or last bin. The filter runs tap by tap over the whole row (a loop the compiler vectorises), then the
    row is binned.
    """
    n_windows, n_phases, n_ext = samples.shape
    n = (n_ext - 2 * pad + step - 1) // step
    n_taps = taps.shape[0]
    counts = np.zeros((n_windows, n_bins), dtype=np.int64)
    inv = 1.0 / bin_width
    e = np.empty(n)
    for w in range(n_windows):
        for p in range(n_phases):
            row = samples[w, p]
            c0 = taps[0]
            off = pad + main
            for i in range(n):
                e[i] = c0 * row[i * step + off]
            for k in range(1, n_taps):
                c = taps[k]
                off = pad + main - k
                for i in range(n):
                    e[i] += c * row[i * step + off]
            for i in range(n):
                x = (e[i] - lo) * inv
                if x < 0.0:
                    b = 0
                elif x >= n_bins:
                    b = n_bins - 1
                else:
                    b = int(x)
                counts[w, b] += 1
    return counts.astype(np.float64)


def equalised_histograms_reference(samples, pad, taps, main, lo, bin_width, n_bins, step=1):
    """NumPy reference of :func:`equalised_histograms` (circular convolution of the un-padded rows)."""
    n_windows, n_phases, n_ext = samples.shape
    counts = np.zeros((n_windows, n_bins))
    for w in range(n_windows):
        for p in range(n_phases):
            row = samples[w, p, pad: n_ext - pad]
            e = np.zeros(row.size)
            for k, c in enumerate(taps):
                e += c * np.roll(row, k - main)
            e = e[::step]
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
def _worst_ser_slope(counts, centers, th1, th2, th3, sigma):
    """(SER, d SER / d ln σ) of the worse histogram row with Gaussian noise σ added.

    Each term 0.5·erfc(x), x = d/(σ√2), has d/d ln σ = x·e^(−x²)/√π.
    """
    s = 1.0 / (sigma * math.sqrt(2.0))
    k = 1.0 / math.sqrt(math.pi)
    worst, worst_slope = -1.0, 0.0
    for w in range(counts.shape[0]):
        total = 0.0
        err = 0.0
        slope = 0.0
        for i in range(counts.shape[1]):
            h = counts[w, i]
            if h == 0.0:
                continue
            y = centers[i]
            total += h
            if y < th1:
                x1 = (th1 - y) * s
                x2 = 40.0
            elif y < th2:
                x1 = (y - th1) * s
                x2 = (th2 - y) * s
            elif y < th3:
                x1 = (y - th2) * s
                x2 = (th3 - y) * s
            else:
                x1 = (y - th3) * s
                x2 = 40.0
            q = 0.5 * math.erfc(x1)
            d = x1 * math.exp(-x1 * x1)
            if x2 < 27.0:
                q += 0.5 * math.erfc(x2)
                d += x2 * math.exp(-x2 * x2)
            err += h * q
            slope += h * d
        err /= total
        if err > worst:
            worst, worst_slope = err, slope * k / total
    return worst, worst_slope


@njit(cache=True)
def sigma_for_ser(counts, centers, th1, th2, th3, target, sigma_hi, sigma_guess=0.0):
    """The largest σ (≤ ``sigma_hi``) with the worse window's SER ≤ ``target``.

    Root of g(u) = ln SER(e^u) − ln target, u = ln σ, on [ln σ_hi − 9.2, ln σ_hi] by Newton's method with the
    analytic slope, kept inside a shrinking bracket (a step that leaves it bisects), to 1e-9 in g (then σ there)
    or 1e-7 in ln σ (then the bracket's feasible end); ``sigma_guess`` (0: the bracket's upper end) starts it.
    SER rises monotonically with σ, so the root is unique. Returns 0 when even σ_hi·1e-4 leaves the SER above
    the target (an eye closed by its own samples), σ_hi when σ_hi keeps it below.
    """
    lt = math.log(target)
    a = math.log(sigma_hi) - 9.2
    b = math.log(sigma_hi)
    sb, db = _worst_ser_slope(counts, centers, th1, th2, th3, math.exp(b))
    if sb <= target:
        return sigma_hi
    sa, da = _worst_ser_slope(counts, centers, th1, th2, th3, math.exp(a))
    if sa > target:
        return 0.0
    u = b
    su, du = sb, db
    if sigma_guess > 0.0 and a < math.log(sigma_guess) < b:
        u = math.log(sigma_guess)
        su, du = _worst_ser_slope(counts, centers, th1, th2, th3, sigma_guess)
    for _ in range(60):
        g = (math.log(su) if su > 0.0 else -745.0) - lt
        if g > 0.0:
            b = u
        else:
            a = u
        if abs(g) < 1e-9:
            return math.exp(u)
        if b - a < 1e-7:
            break
        nxt = u - g * su / du if su > 0.0 and du > 0.0 else 0.5 * (a + b)
        if not a < nxt < b:
            nxt = 0.5 * (a + b)
        u = nxt
        su, du = _worst_ser_slope(counts, centers, th1, th2, th3, math.exp(u))
    return math.exp(a)


def worst_ser_reference(counts, centers, th1, th2, th3, sigma):
    """NumPy reference of :func:`worst_ser`."""
    def q(x):
        return 0.5 * erfc(x / (sigma * np.sqrt(2.0)))

    y = centers
    per = np.where(y < th1, q(th1 - y),
                   np.where(y < th2, q(y - th1) + q(th2 - y),
                            np.where(y < th3, q(y - th2) + q(th3 - y), q(y - th3))))
    return float(max((c * per).sum() / c.sum() for c in counts))


@njit(cache=True, fastmath={"reassoc", "contract"})
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


@njit(cache=True)
def ffe_normal_equations(rows, targets, step, main, n_taps):
    """Normal equations (G, r) of the least-squares T-spaced FFE: G = AᵀA, r = Aᵀb over the rows of ``rows``
    (``(n_rows, n)``, periodic) at symbols i = 0, step, 2·step, …, with A[i, k] = row[(i + main − k) mod n] and
    b[i] = ``targets[i]`` (a serial kernel: no BLAS thread pool on the measurement's path)."""
    n_rows, n = rows.shape
    g = np.zeros((n_taps, n_taps))
    r = np.zeros(n_taps)
    a = np.empty(n_taps)
    for q in range(n_rows):
        for i in range(0, n, step):
            for k in range(n_taps):
                a[k] = rows[q, (i + main - k) % n]
            t = targets[i]
            for k in range(n_taps):
                r[k] += a[k] * t
                for m in range(n_taps):
                    g[k, m] += a[k] * a[m]
    return g, r


def ffe_normal_equations_reference(rows, targets, step, main, n_taps):
    """NumPy reference of :func:`ffe_normal_equations`."""
    idx = np.arange(0, rows.shape[1], step)
    shifts = (idx[:, None] + main - np.arange(n_taps)[None, :]) % rows.shape[1]
    a = np.concatenate([row[shifts] for row in rows])
    b = np.tile(targets[idx], rows.shape[0])
    return a.T @ a, a.T @ b
