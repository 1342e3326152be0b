"""2×2 fractionally spaced MIMO (butterfly) equalizer, time domain, updated once per symbol.

Outputs yₒ(k) = Σₚ Σₜ wₒₚ[t]·xₚ[k·sps + t − c], c = n_taps // 2. Stochastic-gradient updates
wₒₚ[t] += μ·eₒ·conj(xₚ[k·sps + t − c]) with
- CMA: e = y·(R₂ − |y|²), R₂ = E|s|⁴/E|s|² (Godard, IEEE Trans. Commun. 28, 1867 (1980));
- RDE: e = y·(Rᵢ² − |y|²) with Rᵢ the constellation radius nearest |y| (Fatadin, Ives & Savory, IEEE Photon.
  Technol. Lett. 21, 1467 (2009));
- DD-LMS: e = d·e^{jθ} − y, d the decision on y·e^{−jθ} and θ a second-order decision-directed phase tracker
  inside the loop (so it can run before carrier recovery).
Pre-convergence: ``n_pre`` symbols of CMA from centre-spike taps; half-way the Y taps are re-initialised as
the orthogonal partner of the X taps, w_yx[t] = −conj(w_xy[t]), w_yy[t] = conj(w_xx[t]), which prevents both
outputs converging to the same polarization (after Kikuchi, Opt. Express 16, 1000 (2008)). It is exact for a
polarization rotation times a common filter with a real impulse response (the Tx and Rx electronics act on
real I/Q tributaries); the adaptation that follows corrects what differs (PMD, residual frequency offset).
The record is then equalised from its start with the pre-converged taps. Records are periodic (indices wrap).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from optolink.core.validate import check_int, check_real

from ..signals import check_field, check_modulation, constellation

ALGORITHMS = ("cma", "rde", "lms")
_ALG = {"cma": 0, "rde": 1, "lms": 2}
DEFAULT_STEP = {"cma": 3e-4, "rde": 5e-4, "lms": 5e-4}  # tuned on matched-filtered 16QAM, 15 taps


@njit(cache=True, fastmath=True)
def _slice(v, levels):  # pragma: no cover - compiled
    """Nearest of the equally spaced real ``levels``."""
    n = levels.size
    step = levels[1] - levels[0]
    i = int(round((v - levels[0]) / step))
    if i < 0:
        i = 0
    elif i > n - 1:
        i = n - 1
    return levels[i]


@njit(cache=True, fastmath=True)
def _eq_kernel(x, w, sps, n_sym, start, alg, mu, r2, radii, levels, pll_k1, pll_k2, orth_at):  # pragma: no cover
    """Run the butterfly over symbols start … start + n_sym − 1 (indices wrap); w (2, 2, T) updated in place.

    Returns the (2, n_sym) outputs (for DD-LMS: de-rotated by the tracked phase).
    """
    n = x.shape[1]
    n_taps = w.shape[2]
    c = n_taps // 2
    out = np.empty((2, n_sym), np.complex128)
    xw = np.empty((2, n_taps), np.complex128)
    theta = np.zeros(2)
    nu = np.zeros(2)
    for k in range(n_sym):
        base = (start + k) * sps - c
        for t in range(n_taps):
            j = (base + t) % n
            xw[0, t] = x[0, j]
            xw[1, t] = x[1, j]
        for o in range(2):
            y = 0j
            for t in range(n_taps):
                y += w[o, 0, t] * xw[0, t] + w[o, 1, t] * xw[1, t]
            a2 = y.real * y.real + y.imag * y.imag
            if alg == 0:
                e = y * (r2 - a2)
                out[o, k] = y
            elif alg == 1:
                a = math.sqrt(a2)
                best = radii[0]
                for r in radii:
                    if abs(r - a) < abs(best - a):
                        best = r
                e = y * (best * best - a2)
                out[o, k] = y
            else:
                rot = complex(math.cos(theta[o]), -math.sin(theta[o]))
                z = y * rot
                d = complex(_slice(z.real, levels), _slice(z.imag, levels))
                e = d * rot.conjugate() - y
                out[o, k] = z
                perr = z.imag * d.real - z.real * d.imag  # Im(z·conj(d)) > 0: z leads d
                nu[o] += pll_k2 * perr
                theta[o] += pll_k1 * perr + nu[o]
            me = mu * e
            for t in range(n_taps):
                w[o, 0, t] += me * xw[0, t].conjugate()
                w[o, 1, t] += me * xw[1, t].conjugate()
        if k == orth_at:
            for t in range(n_taps):
                w[1, 0, t] = -w[0, 1, t].conjugate()
                w[1, 1, t] = w[0, 0, t].conjugate()
    return out


def _equalizer_reference(x, w, sps, n_sym, r2, mu, radii=None):
    """Plain NumPy CMA (or, with ``radii``, RDE) butterfly: the reference of `_eq_kernel` in the tests;
    returns outputs and taps."""
    w = w.copy()
    n = x.shape[1]
    t_n = w.shape[2]
    c = t_n // 2
    out = np.empty((2, n_sym), complex)
    for k in range(n_sym):
        idx = (k * sps - c + np.arange(t_n)) % n
        xw = x[:, idx]
        y = np.array([np.sum(w[o] * xw) for o in range(2)])
        if radii is None:
            e = y * (r2 - np.abs(y) ** 2)
        else:
            nearest = radii[np.argmin(np.abs(np.abs(y)[:, None] - radii[None, :]), axis=1)]
            e = y * (nearest**2 - np.abs(y) ** 2)
        w += mu * e[:, None, None] * xw.conj()[None, :, :]
        out[:, k] = y
    return out, w


def _singular(y: np.ndarray, n_taps: int) -> bool:
    """True when the two output streams carry the same polarization: their normalised cross-correlation
    exceeds 0.5 at some lag within ±n_taps symbols."""
    if y.shape[1] < 4 * n_taps:
        return False
    a = y[0] - y[0].mean()
    b = y[1] - y[1].mean()
    norm = math.sqrt(float(np.vdot(a, a).real * np.vdot(b, b).real))
    if norm == 0:
        return True
    n = a.size
    c = np.fft.ifft(np.fft.fft(a) * np.conj(np.fft.fft(b)))
    lags = np.r_[0:n_taps + 1, n - n_taps:n]
    return float(np.max(np.abs(c[lags]))) / norm > 0.5


def center_spike(n_taps: int) -> np.ndarray:
    """Identity butterfly taps (2, 2, n_taps) with a unit centre tap on the diagonal."""
    n_taps = check_int("n_taps", n_taps, low=1, high=1025)
    w = np.zeros((2, 2, n_taps), complex)
    w[0, 0, n_taps // 2] = w[1, 1, n_taps // 2] = 1.0
    return w


def mimo_equalizer(samples, sps: int = 2, n_taps: int = 15, algorithm: str = "rde", step_size: float | None = None,
                   modulation: str = "16QAM", *, n_pre: int | None = None, pre_step_size: float | None = None,
                   pll_bandwidth: float = 2e-2):
    """Equalise dual-polarization ``samples`` (2, N) at ``sps`` samples per symbol → symbols (2, N // sps).

    ``algorithm``: ``"cma"``, ``"rde"`` or ``"lms"`` (decision-directed, with an in-loop phase tracker of
    normalised bandwidth ``pll_bandwidth``), each after ``n_pre`` symbols (default min(N/sps, 20000)) of CMA
    pre-convergence at ``pre_step_size`` (default the CMA default). ``step_size`` defaults per algorithm
    (``DEFAULT_STEP``) for inputs normalised to unit power per polarization (done here); the blind cost
    functions then drive the outputs to the constellation's unit mean energy. `mimo_equalizer_taps` also
    returns the taps.
    """
    return _run(samples, sps, n_taps, algorithm, step_size, modulation, n_pre, pre_step_size, pll_bandwidth)[0]


def mimo_equalizer_taps(samples, sps: int = 2, n_taps: int = 15, algorithm: str = "rde",
                        step_size: float | None = None, modulation: str = "16QAM", *, n_pre: int | None = None,
                        pre_step_size: float | None = None, pll_bandwidth: float = 2e-2):
    """As `mimo_equalizer`, returning ``(symbols, taps)`` with the final taps (2, 2, n_taps)."""
    return _run(samples, sps, n_taps, algorithm, step_size, modulation, n_pre, pre_step_size, pll_bandwidth)


def _run(samples, sps, n_taps, algorithm, step_size, modulation, n_pre, pre_step_size, pll_bandwidth):
    x = check_field("samples", samples, dual_pol=True)
    sps = check_int("sps", sps, low=1, high=16)
    n_taps = check_int("n_taps", n_taps, low=1, high=1025)
    if algorithm not in ALGORITHMS:
        raise ValueError(f"algorithm must be one of {ALGORITHMS}; got {algorithm!r}")
    check_modulation(modulation)
    if modulation == "PAM4":
        raise ValueError("mimo_equalizer handles complex (QAM) formats; got modulation 'PAM4'")
    n_sym = x.shape[1] // sps
    if n_sym < 2 * n_taps:
        raise ValueError(f"samples too short: {n_sym} symbols for {n_taps} taps")
    mu = DEFAULT_STEP[algorithm] if step_size is None else check_real("step_size", step_size, low=0.0, high=1.0)
    mu_pre = 1e-3 if pre_step_size is None else check_real("pre_step_size", pre_step_size,
                                                                          low=0.0, high=1.0)
    n_pre = min(n_sym, 20000) if n_pre is None else check_int("n_pre", n_pre, low=0, high=n_sym)
    bw = check_real("pll_bandwidth", pll_bandwidth, low=0.0, high=0.5)
    pts = constellation(modulation)
    r2 = float(np.mean(np.abs(pts) ** 4) / np.mean(np.abs(pts) ** 2))
    radii = np.unique(np.round(np.abs(pts), 12))
    levels = np.unique(np.round(pts.real, 12))
    power = np.mean(np.abs(x) ** 2, axis=1, keepdims=True)
    if not np.all(power > 0):
        raise ValueError("samples must carry power on both polarizations (a row is all zeros)")
    xn = np.ascontiguousarray(x / np.sqrt(power), dtype=np.complex128)
    w = center_spike(n_taps)
    k1 = 2 * bw
    k2 = bw**2
    if n_pre:
        y_pre = _eq_kernel(xn, w, sps, n_pre, 0, 0, mu_pre, r2, radii, levels, k1, k2, n_pre // 2)
        if _singular(y_pre[:, n_pre // 2:], n_taps):
            # both outputs found the same polarization: restart Y as the partner of the converged X taps
            w[1, 0] = -np.conj(w[0, 1])
            w[1, 1] = np.conj(w[0, 0])
            _eq_kernel(xn, w, sps, n_pre, 0, 0, mu_pre, r2, radii, levels, k1, k2, -1)
    y = _eq_kernel(xn, w, sps, n_sym, 0, _ALG[algorithm], mu, r2, radii, levels, k1, k2, -1)
    if not (np.isfinite(y).all() and np.isfinite(w).all()):
        raise ValueError(f"the {algorithm} equalizer diverged (non-finite taps) with step_size {mu:g}; use a "
                         f"smaller step_size (default {DEFAULT_STEP[algorithm]:g})")
    return y, w
