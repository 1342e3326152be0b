"""The closed-form incoherent GN model of fibre nonlinear interference (NLI) of a WDM channel plan.

P. Poggiolini, "The GN model of non-linear propagation in uncompensated coherent optical systems",
J. Lightw. Technol. 30(24), 3857 (2012) [arXiv:1209.0394, eq. 120], and P. Poggiolini et al., "The GN-model of
fiber non-linear propagation and its applications", J. Lightw. Technol. 32(4), 694 (2014). For channel i
(bandwidth B_i, power P_i) and each channel j, with L_eff = (1 − e^{−αL})/α, L_eff,a = 1/α (α the *power*
attenuation, 1/m)::

    P_NLI,i = (16/27) γ² L_eff² P_i Σ_j (2 − δ_ij) P_j² ψ_ij / B_j²
    ψ_ij = [asinh(π²|β2|L_eff,a B_i (Δf_ij + B_j/2)) − asinh(π²|β2|L_eff,a B_i (Δf_ij − B_j/2))]
           / (4π |β2| L_eff,a)

β2 for a pair is taken at the pair's mid frequency (β2 + πβ3(f_i + f_j − 2f_0), the β3 extension of the closed
form in Poggiolini et al. 2014), from D(λ) = D + S·(λ − λ_ref). The model needs a lossy (α > 0), dispersive
fibre. See `links.budget` for the approximations and how spans add.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numba import njit, prange

from optolink.core.constants import C
from optolink.core.validate import check_array, check_real

from .fiber import Fiber

__all__ = ["nli_coefficients", "psi_matrices", "span_scale", "fiber_types", "check_dispersive", "closed_form_nli",
           "closed_form_types"]


def _fiber_key(span: Fiber) -> tuple:
    """What ψ depends on: loss and dispersion (not length or γ, which only scale η)."""
    return (span.alpha_db_per_km, span.dispersion_ps_nm_km, span.dispersion_slope_ps_nm2_km,
            span.reference_frequency)


@njit(cache=True, inline="always")
def _t_of(v):  # pragma: no cover - compiled
    """e^{asinh v} = v + √(v² + 1), written as 1/(√(v² + 1) − v) for v < 0 (no cancellation)."""
    r = math.sqrt(v * v + 1.0)
    return v + r if v >= 0.0 else 1.0 / (r - v)


def _psi_loops(f, b, d0, slope, lref, la, symmetric, out):  # pragma: no cover - compiled
    """out[k,i,j] = (16/27)(2 − δ_ij) ψ_ij / B_j² for fibre type k (compiled on first call, not at import).

    asinh(u) − asinh(w) = log(t(u)/t(w)) with t = e^{asinh}: one log instead of two asinh. For equal
    bandwidths ψ is symmetric (the asinh difference is even in Δf), so only j ≥ i is computed.
    """
    n = f.size
    for kr in prange(d0.size * n):
        k = kr // n
        i = kr % n
        for j in range(i if symmetric else 0, n):
            lam = 2.0 * C / (f[i] + f[j])  # β2 of the pair at its mid frequency
            d = (d0[k] + slope[k] * (lam - lref[k]) * 1e9) * 1e-6
            beta2 = abs(lam * lam * d / (2.0 * math.pi * C))
            x = math.pi * math.pi * beta2 * la[k] * b[i]
            df = f[j] - f[i]
            psi = math.log(_t_of(x * (df + 0.5 * b[j])) / _t_of(x * (df - 0.5 * b[j]))) / (
                4.0 * math.pi * beta2 * la[k])
            w = 1.0 if i == j else 2.0
            out[k, i, j] = 16.0 / 27.0 * w * psi / (b[j] * b[j])
            if symmetric:
                out[k, j, i] = out[k, i, j]


# serial for a budget's few thousand pairs (a thread pool costs more than the work), parallel for networks
_psi_kernel = njit(cache=True, parallel=True)(_psi_loops)
_psi_kernel_serial = njit(cache=True)(_psi_loops)
_PARALLEL_PAIRS = 200_000


def psi_matrices(f: np.ndarray, b: np.ndarray, fibers: Sequence[Fiber]) -> np.ndarray:
    """(16/27)·(2 − δ_ij)·ψ_ij/B_j² per fibre type, shape (F, n, n): η = γ²·L_eff² times this.

    A Numba kernel, parallel over fibre types × channels (checked against a NumPy reference in the tests).
    """
    if any(s.alpha_db_per_km <= 0 for s in fibers):
        raise ValueError("the GN model needs lossy spans (alpha_db_per_km > 0): its asymptotic effective length "
                         "is 1/α")
    d0, slope, lref = check_dispersive(f, fibers)
    la = 1.0 / np.array([s.alpha for s in fibers], dtype=float)  # asymptotic effective length, m
    out = np.empty((len(fibers), f.size, f.size))
    symmetric = bool(np.all(b == b[0]))
    kernel = _psi_kernel if len(fibers) * f.size**2 > _PARALLEL_PAIRS else _psi_kernel_serial
    kernel(np.ascontiguousarray(f, dtype=float), np.ascontiguousarray(b, dtype=float), d0, slope, lref, la,
           symmetric, out)
    return out


_FOUR_PI = 4.0 * math.pi
_INV_TWO_PI_C = 1.0 / (2.0 * math.pi * C)


def _sum_loops(f, b, g, d0, slope, lref, c4la, wk, out):  # pragma: no cover - compiled
    """out[i] += Σ_k wk[k]·Σ_j (2 − δ_ij)·ψ_kij·g[j], g = (16/27)·P²/B² (W²/Hz²): the closed form's sum,
    the ψ of `_psi_loops` without storing it (c4la[k] = 4π·L_eff,a of fibre type k).

    asinh(u) − asinh(w) = log(t(u)/t(w)) as in `_psi_loops`; on the diagonal it is 2·asinh(x·B/2). A comb
    (equal bandwidths, ascending, spaced ≥ B/2: ψ symmetric and u, w ≥ 0 for j > i) visits j > i once for both
    rows, in two passes per row: the ratios t(u)/t(w) and weights (branch-free, so they vectorise), then the logs.
    Anything else takes the plain loop over every pair.
    """
    n = f.size
    nk = d0.size
    comb = True
    for i in range(n):
        comb = comb and b[i] == b[0] and (i == 0 or f[i] - f[i - 1] >= 0.5 * b[0])
    if not comb:
        for i in range(n):
            for j in range(n):
                lam = 2.0 * C / (f[i] + f[j])  # β2 of the pair at its mid frequency
                df = f[j] - f[i]
                hb = 0.5 * b[j]
                acc = 0.0
                for k in range(nk):
                    q = abs(lam * lam * ((d0[k] + slope[k] * (lam - lref[k]) * 1e9) * 1e-6) * _INV_TWO_PI_C) * c4la[k]
                    x = 0.25 * math.pi * q * b[i]  # π²·|β2|·L_eff,a·B_i
                    if i == j:
                        lg = 2.0 * math.asinh(x * hb)
                    else:
                        lg = math.log(_t_of(x * (df + hb)) / _t_of(x * (df - hb)))
                    acc += wk[k] * lg / q
                out[i] += (1.0 if i == j else 2.0) * acc * g[j]
        return
    ratio = np.empty(n)
    weight = np.empty(n)
    for i in range(n):
        xb = 0.25 * math.pi * b[i]
        for k in range(nk):
            lam = C / f[i]
            q = abs(lam * lam * ((d0[k] + slope[k] * (lam - lref[k]) * 1e9) * 1e-6) * _INV_TWO_PI_C) * c4la[k]
            out[i] += wk[k] * 2.0 * math.asinh(xb * q * 0.5 * b[i]) / q * g[i]
            dk, sk, lk, ck, wkk = d0[k], slope[k], lref[k], c4la[k], wk[k]
            for j in range(i + 1, n):
                lam = 2.0 * C / (f[i] + f[j])
                q = abs(lam * lam * ((dk + sk * (lam - lk) * 1e9) * 1e-6) * _INV_TWO_PI_C) * ck
                x = xb * q
                df = f[j] - f[i]
                hb = 0.5 * b[j]
                u = x * (df + hb)
                w = x * (df - hb)
                ratio[j] = (u + math.sqrt(u * u + 1.0)) / (w + math.sqrt(w * w + 1.0))
                weight[j] = 2.0 * wkk / q
            acc = 0.0
            for j in range(i + 1, n):
                a = math.log(ratio[j]) * weight[j]
                out[j] += a * g[i]
                acc += a * g[j]
            out[i] += acc


_sum_kernel = njit(cache=True)(_sum_loops)


def _sum_reference(f, b, g, d0, slope, lref, c4la, wk) -> np.ndarray:
    """NumPy reference of `_sum_kernel` (its test): ψ from its formula on the full pair grid, summed."""
    lam = 2.0 * C / (f[:, None] + f[None, :])
    out = np.zeros(f.size)
    for k in range(d0.size):
        beta2 = np.abs(lam**2 * (d0[k] + slope[k] * (lam - lref[k]) * 1e9) * 1e-6 / (2 * math.pi * C))
        la = c4la[k] / (4 * math.pi)
        x = math.pi**2 * beta2 * la * b[:, None]
        df = f[None, :] - f[:, None]
        psi = (np.arcsinh(x * (df + b[None, :] / 2)) - np.arcsinh(x * (df - b[None, :] / 2))) / (4 * math.pi * beta2
                                                                                               * la)
        w = 2.0 - np.eye(f.size)
        out += wk[k] * (w * psi) @ g
    return out


def channel_arrays(frequency, bandwidth, power):
    """Per-channel ``frequency``, ``bandwidth`` (Hz) and ``power`` (W) as contiguous float arrays, 1-D of one length."""
    f = np.ascontiguousarray(frequency, dtype=float)
    b = np.ascontiguousarray(bandwidth, dtype=float)
    p = np.ascontiguousarray(power, dtype=float)
    if f.ndim != 1 or b.shape != f.shape or p.shape != f.shape:
        raise ValueError(f"frequency, bandwidth and power must be 1-D arrays of one length; got shapes {f.shape}, "
                         f"{b.shape}, {p.shape}")
    return f, b, p


def closed_form_nli(frequency: np.ndarray, bandwidth: np.ndarray, power: np.ndarray, spans: Sequence[Fiber],
                    weight) -> np.ndarray:
    """P_NLI,i = P_i·Σ_k w_k·γ_k²·L_eff,k²·Σ_j (16/27)(2 − δ_ij)·ψ_ij·P_j²/B_j² (W, in channel i's bandwidth):
    the closed-form incoherent GN sum (Poggiolini 2012 eq. 120 with the β3 extension) over ``spans`` with a
    per-span weight ``weight`` (e.g. the squared power scale at the span input; 1 for the launch powers).

    ``frequency``, ``bandwidth`` (Hz) and ``power`` (W) per channel, 1-D of one length. ψ is evaluated once per
    fibre type (loss and dispersion) and never stored: the span factors are summed per type first. Equals
    ``Σ_k weight[k]·(nli_coefficients(...)[k] @ power²)·power`` (tested).
    """
    f, b, p = channel_arrays(frequency, bandwidth, power)
    types: dict = {}  # fibre key → type index
    seen: dict = {}  # id(span) → (type index, γ²·L_eff²): repeated span objects are looked at once
    reps: list = []
    wk: list = []
    for s, w in zip(spans, np.asarray(weight, dtype=float).tolist(), strict=True):
        hit = seen.get(id(s))
        if hit is None:
            key = _fiber_key(s)
            t = types.get(key)
            if t is None:
                t = types[key] = len(reps)
                reps.append(s)
                wk.append(0.0)
            hit = seen[id(s)] = (t, span_scale(s))
        wk[hit[0]] += hit[1] * w
    if not reps:
        raise ValueError("spans must not be empty")
    table = _type_table(float(np.min(f)), float(np.max(f)), reps)
    g = (16.0 / 27.0) * p * p / (b * b)
    out = np.zeros(f.size)
    _sum_kernel(f, b, g, *(np.ascontiguousarray(table[:, q]) for q in range(4)), np.array(wk), out)
    return p * out


def closed_form_types(f_low: float, f_high: float, fibers: Sequence[Fiber]) -> np.ndarray:
    """The closed-form sum's per-fibre-type table, shape (T, 4): D (ps/(nm·km)), slope (ps/(nm²·km)), λ_ref (m)
    and 4π·L_eff,a = 4π/α (m) per fibre, for a plan within [``f_low``, ``f_high``] (Hz). ValueError for a
    lossless fibre (L_eff,a = 1/α needs α > 0) or one not dispersive over the plan (`check_dispersive`)."""
    f_low = check_real("f_low", f_low, low=100e12, high=400e12)
    f_high = check_real("f_high", f_high, low=f_low, high=400e12)
    return _type_table(f_low, f_high, fibers)


def _type_table(f_low: float, f_high: float, fibers: Sequence[Fiber]) -> np.ndarray:
    """`closed_form_types` of validated plan edges (the budget's frequencies are)."""
    if any(s.alpha_db_per_km <= 0 for s in fibers):
        raise ValueError("the GN model needs lossy spans (alpha_db_per_km > 0): its asymptotic effective length "
                         "is 1/α")
    d0, slope, lref = _dispersive_lists(f_low, f_high, fibers)
    return np.array([(d0[k], slope[k], lref[k], _FOUR_PI / s.alpha) for k, s in enumerate(fibers)]).reshape(-1, 4)


def check_dispersive(f: np.ndarray, fibers: Sequence[Fiber]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(D, slope, λ_ref) per fibre; ValueError when a fibre's D(λ) reaches |D| < 0.1 ps/(nm·km) (or changes
    sign) inside the channel plan ``f`` (Hz): the GN model (closed form and integral) needs a dispersive fibre."""
    d0, slope, lref = _dispersive_lists(float(np.min(f)), float(np.max(f)), fibers)
    return np.array(d0), np.array(slope), np.array(lref)


def _dispersive_lists(f_low: float, f_high: float, fibers: Sequence[Fiber]) -> tuple[list, list, list]:
    """`check_dispersive` on the plan's edge frequencies (Hz), as lists of Python floats."""
    d0 = [float(s.dispersion_ps_nm_km) for s in fibers]
    slope = [float(s.dispersion_slope_ps_nm2_km) for s in fibers]
    lref = [float(s.reference_wavelength) for s in fibers]
    edges = (C / f_low, C / f_high)  # D is linear in λ: its extremes are at the band edges
    for k in range(len(fibers)):  # Python floats: a budget has a few fibre types, numpy calls cost more
        lo, hi = (d0[k] + slope[k] * (e - lref[k]) * 1e9 for e in edges)
        if abs(lo) < 0.1 or abs(hi) < 0.1 or (lo > 0) != (hi > 0):
            raise ValueError(f"a span's dispersion reaches |D| < 0.1 ps/(nm·km) inside the channel plan (fibre with "
                             f"D = {d0[k]:g} ps/(nm·km), slope {slope[k]:g}); the GN model needs a dispersive fibre")
    return d0, slope, lref


def span_scale(span: Fiber) -> float:
    """γ²·L_eff² (1/W²): the span factor of η."""
    return (span.gamma_per_w_km / 1e3) ** 2 * span.effective_length**2


def nli_coefficients(frequency, bandwidth, spans: Sequence[Fiber]) -> np.ndarray:
    """GN-model NLI coefficients η[k, i, j] (1/W²) of each span: P_NLI,i = Σ_j η[k,i,j]·P_i·P_j² at the
    span input, in channel i's bandwidth (closed-form incoherent GN model, Poggiolini 2012 eq. 120).

    ``frequency`` and ``bandwidth`` (Hz) per channel; each channel pair uses β2 at its mid frequency.
    ψ is computed once per fibre type (loss and dispersion), vectorised over types × channels × channels;
    length and γ enter as the factor γ²·L_eff².
    """
    f = check_array("frequency", frequency, low=100e12, high=400e12)
    b = check_array("bandwidth", bandwidth, low=0.0, low_open=True)
    if f.ndim != 1 or b.shape != f.shape:
        raise ValueError("frequency and bandwidth must be 1-D arrays of the same length")
    spans = list(spans)
    if not spans:
        raise ValueError("spans must not be empty")
    fibers, idx = fiber_types(spans)
    psi = psi_matrices(f, b, fibers)
    return np.array([span_scale(s) for s in spans])[:, None, None] * psi[idx]


def fiber_types(spans: Sequence[Fiber]) -> tuple[list[Fiber], np.ndarray]:
    """The distinct fibre types of ``spans`` (loss and dispersion; first-seen order, one representative span
    each) and the index of each span's type: ψ is computed once per type."""
    keys, idx = _unique([_fiber_key(s) for s in spans])
    return [spans[int(np.argmax(idx == u))] for u in range(len(keys))], idx


def _unique(items: Sequence) -> tuple[list, np.ndarray]:
    """Unique hashable items (first-seen order) and the index of each item into them."""
    seen: dict = {}
    idx = np.array([seen.setdefault(it, len(seen)) for it in items], dtype=int)
    return list(seen), idx

