"""The exact GN integral on a channel grid, fast: a 1-D analytic inner integral and per-offset tables.

For rectangular spectra (the GN model's Nyquist-equivalent channels, baud wide) on a common grid (spacing Δ,
any subset of the grid lit, per-channel powers) the GN double integral (`links.gn`, Poggiolini et al.,
J. Lightw. Technol. 32(4), 694 (2014), eq. 1) at channel i's centre splits over channel triples::

    G_NLI(f_i) = (16/27)·γ²·Σ_{j,k,d} (P_j P_k P_{j+k−i+d} / B³)·I(j − i, k − i, d)

with I(m1, m2, d) the integral of ρ over the region ν1 ∈ channel m1, ν2 ∈ channel m2, ν1 + ν2 ∈ channel
m1 + m2 + d (ν = f − f_i; d ∈ {−1, 0, 1}, the |d| = 1 regions exist only for Δ < 1.5·B). With β3 = 0 the table
I depends on the offsets only, so one table serves every channel and every span of the fibre type.

Inner integral, analytic: with y = Δβ/α, ρ = ρ̃(y)/α², ρ̃(y) = (1 + e² − 2e·cos(a·y))/(1 + y²), a = αL,
e = e^{−a}, and at fixed ν1 the variable y = κ·ν1·ν2/α (κ = 4π²|β2,eff|) is linear in ν2, so::

    ∫_u^v ρ dν2 = [Q(κν1v/α) − Q(κν1u/α)] / (α·κ·ν1),     Q(Y) = ∫_0^Y ρ̃(y) dy

a universal function of αL, tabulated once per αL (cubic Hermite with the exact derivative ρ̃, beyond Y_c the
asymptotic series of ∫ cos(ay)/(1+y²)). The ridges of the integrand (ν2 = 0 inside the inner integral, ν1 = 0
in the outer one) are thereby exact or clustered (ν1 = s·sinh t on Gauss-Legendre nodes for the m1 = 0
regions); the other regions are smooth in ν1 (a few Gauss nodes).

β3: β2,eff = β2 + πβ3(2(f_i − f_ref) + ν1 + ν2); inside a table ν1 + ν2 enters exactly in ν1 and at the inner
interval's centre in ν2 (a relative error in κ of πβ3·B/(2β2) ~ 1e-4), and the channel's own frequency enters
through a few tables at Chebyshev values of β2 + 2πβ3(f_i − f_ref) across the band, interpolated per channel.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numba import njit

__all__ = ["on_grid", "grid_gn_psd"]

# outer Gauss nodes per panel: (ridge panels of the m1 = 0 regions, regions next to a ridge, the others)
GRID_ORDERS = {"fast": (12, 4, 2), "normal": (20, 6, 3), "fine": (32, 10, 6), "reference": (64, 20, 20)}

N_BETA2_NODES = 2  # tables across the band's β2 (β3 ≠ 0), interpolated log-log in β2 + 2πβ3(f_i − f_ref)
_Q_CACHE: dict = {}
_TABLE_CACHE: dict = {}  # region tables by fibre, grid and β2 node (the budget's second pass, spans, paths)
_TABLE_CACHE_BYTES = 64 << 20


def _remember(key, table: np.ndarray) -> None:
    while _TABLE_CACHE and sum(t.nbytes for t in _TABLE_CACHE.values()) + table.nbytes > _TABLE_CACHE_BYTES:
        _TABLE_CACHE.pop(next(iter(_TABLE_CACHE)))  # oldest first
    _TABLE_CACHE[key] = table


# --------------------------------------------------------------------------------------------------------
# Q(Y) = ∫_0^Y (1 + e² − 2e·cos(a·y))/(1 + y²) dy
# --------------------------------------------------------------------------------------------------------
def _rho_t(y, a):
    e = math.exp(-a)
    return (1 + e * e - 2 * e * np.cos(a * y)) / (1 + y * y)


@functools.lru_cache(maxsize=32)
def _gauss(m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(m)


def q_table(a: float) -> tuple[float, float, np.ndarray, np.ndarray]:
    """(h, Y_c, Q on the grid 0, h, …, Y_c, ρ̃ there) for αL = ``a``; cached. The asymptotic tail beyond Y_c
    drops terms below 1e-9 (|g'''|/a⁴ of the integration-by-parts series)."""
    key = round(float(a), 12)
    hit = _Q_CACHE.get(key)
    if hit is not None:
        return hit
    e = math.exp(-a)
    yc = min(max((2 * e * 24 / (a**4 * 1e-9)) ** 0.2, 20.0), 2e4)
    h = min(0.05, 0.25 / a)
    n = int(math.ceil(yc / h))
    yc = n * h
    xg, wg = np.polynomial.legendre.leggauss(6)
    y0 = np.arange(n) * h
    pts = y0[:, None] + 0.5 * h * (1 + xg[None, :])
    cells = 0.5 * h * (_rho_t(pts, a) @ wg)
    q = np.concatenate([[0.0], np.cumsum(cells)])
    d = _rho_t(np.arange(n + 1) * h, a)
    out = (h, yc, q, d)
    if len(_Q_CACHE) > 64:
        _Q_CACHE.clear()
    _Q_CACHE[key] = out
    return out


@njit(cache=True, inline="always")
def _q_at(y, a, e, h, yc, ybig, qv, dv):  # pragma: no cover - compiled
    """Q(Y) (odd in Y): cubic Hermite on the table, the asymptotic series beyond Y_c."""
    s = 1.0
    if y < 0.0:
        y = -y
        s = -1.0
    if y < yc:
        u = y / h
        j = int(u)
        if j >= qv.size - 1:
            j = qv.size - 2
        t = u - j
        t2 = t * t
        t3 = t2 * t
        return s * ((2 * t3 - 3 * t2 + 1) * qv[j] + (t3 - 2 * t2 + t) * h * dv[j]
                    + (-2 * t3 + 3 * t2) * qv[j + 1] + (t3 - t2) * h * dv[j + 1])
    if y > ybig:  # the oscillating tail is below 1e-10: Q(∞) − (1 + e²)(1/Y − 1/(3Y³))
        iy = 1.0 / y
        return s * ((1.0 + e * e) * (0.5 * math.pi - iy + iy * iy * iy / 3.0) - math.pi * e * e)
    # ∫_0^Y cos(ay)/(1+y²) = (π/2)e^{−a} − T(Y), T = −g sin/a − g' cos/a² + g'' sin/a³ (by parts)
    g = 1.0 / (1.0 + y * y)
    g1 = -2.0 * y * g * g
    g2 = (6.0 * y * y - 2.0) * g * g * g
    sn = math.sin(a * y)
    cs = math.cos(a * y)
    tail = -g * sn / a - g1 * cs / (a * a) + g2 * sn / (a * a * a)
    c = 0.5 * math.pi * e - tail
    return s * ((1.0 + e * e) * math.atan(y) - 2.0 * e * c)


@njit(cache=True, inline="always")
def _rho_tilde(y, a, e):  # pragma: no cover - compiled
    return (1.0 + e * e - 2.0 * e * math.cos(a * y)) / (1.0 + y * y)


# --------------------------------------------------------------------------------------------------------
# per-offset region integrals
# --------------------------------------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _inner(nu1, x, m2, d, spacing, half, c, b3, alpha, a, e, h, yc, ybig, qv, dv):  # pragma: no cover - compiled
    """∫ ρ dν2 over ν2 ∈ channel m2 with ν1 + ν2 ∈ channel m1 + m2 + d, at ν1 = m1Δ + x."""
    lo = max(-half, d * spacing - half - x)
    hi = min(half, d * spacing + half - x)
    if hi <= lo:
        return 0.0
    u = m2 * spacing + lo
    v = m2 * spacing + hi
    kappa = 4.0 * math.pi * math.pi * abs(c + math.pi * b3 * (nu1 + 0.5 * (u + v)))
    k = kappa * nu1 / alpha
    yu = k * u
    yv = k * v
    if abs(yv - yu) < 1e-4:
        return _rho_tilde(0.5 * (yu + yv), a, e) * (v - u) / (alpha * alpha)
    return (_q_at(yv, a, e, h, yc, ybig, qv, dv) - _q_at(yu, a, e, h, yc, ybig, qv, dv)) / (alpha * alpha * k)


@njit(cache=True)
def _region_table(m_max, spacing, width, c, b3, alpha, a, h, yc, qv, dv, xr, wr, xf, wf, xs, ws,
                  n_d, out):  # pragma: no cover - compiled
    """out[m1 + M, m2 + M, d + n_d] = I(m1, m2, d) for |m1|, |m2|, |m1 + m2 + d| ≤ M (symmetric in m1, m2)."""
    e = math.exp(-a)
    ybig = max(100.0, math.sqrt(2.0 * e / (a * 1e-10)))
    half = 0.5 * width
    bp = np.empty(4)
    for p in range(-m_max, m_max + 1):
        for r in range(p, m_max + 1):
            # the outer integral runs over the channel of interest when it is one of the pair (the ν1 = 0 ridge
            # is then clustered, the ν2 = 0 one is inside the analytic inner integral)
            m1, m2 = (r, p) if r == 0 else (p, r)
            for d in range(-n_d, n_d + 1):
                m3 = m1 + m2 + d
                if m3 < -m_max or m3 > m_max:
                    out[m1 + m_max, m2 + m_max, d + n_d] = 0.0
                    out[m2 + m_max, m1 + m_max, d + n_d] = 0.0
                    continue
                x0 = max(-half, d * spacing - width)
                x1 = min(half, d * spacing + width)
                if x1 <= x0:
                    out[m1 + m_max, m2 + m_max, d + n_d] = 0.0
                    out[m2 + m_max, m1 + m_max, d + n_d] = 0.0
                    continue
                # panels: split at x = dΔ (a kink of the inner limits) and, for m1 = 0, at the ridge x = 0
                nb = 1
                bp[0] = x0
                c1 = d * spacing
                c2 = 0.0 if m1 == 0 else c1
                if c2 < c1:
                    c1, c2 = c2, c1
                if x0 < c1 < x1:
                    bp[nb] = c1
                    nb += 1
                if c2 > c1 and x0 < c2 < x1:
                    bp[nb] = c2
                    nb += 1
                bp[nb] = x1
                nb += 1
                total = 0.0
                for q in range(nb - 1):
                    xa = bp[q]
                    xb = bp[q + 1]
                    if xb - xa <= 0.0:
                        continue
                    if m1 == 0:  # the ν1 = 0 ridge: ν1 = s·sinh(t), s the ridge width at the largest |ν2|
                        kap = 4.0 * math.pi * math.pi * max(abs(c), 1e-30)
                        s = alpha / (kap * (abs(m2) * spacing + width))
                        t0 = math.asinh(xa / s)
                        t1 = math.asinh(xb / s)
                        hh = 0.5 * (t1 - t0)
                        mid = 0.5 * (t1 + t0)
                        acc = 0.0
                        for g in range(xr.size):
                            t = mid + hh * xr[g]
                            x = s * math.sinh(t)
                            acc += wr[g] * s * math.cosh(t) * _inner(x, x, m2, d, spacing, half, c, b3, alpha,
                                                                      a, e, h, yc, ybig, qv, dv)
                        total += hh * acc
                    else:  # smooth in ν1: the channels next to the ridges get more nodes than the far ones
                        nodes, wts = (xf, wf) if min(abs(m1), abs(m2)) <= 1 else (xs, ws)
                        hh = 0.5 * (xb - xa)
                        mid = 0.5 * (xb + xa)
                        acc = 0.0
                        for g in range(nodes.size):
                            x = mid + hh * nodes[g]
                            acc += wts[g] * _inner(m1 * spacing + x, x, m2, d, spacing, half, c, b3, alpha, a, e,
                                                  h, yc, ybig, qv, dv)
                        total += hh * acc
                out[m1 + m_max, m2 + m_max, d + n_d] = total
                out[m2 + m_max, m1 + m_max, d + n_d] = total


@njit(cache=True)
def _combine(table, peak, m_max, n_d, out):  # pragma: no cover - compiled
    """out[i] = Σ_{j,k,d} peak_j peak_k peak_{j+k−i+d} I(j − i, k − i, d) over the grid slots (unlit: 0)."""
    n = peak.size
    for i in range(n):
        if peak[i] == 0.0:
            out[i] = 0.0
            continue
        acc = 0.0
        for j in range(n):
            pj = peak[j]
            if pj == 0.0:
                continue
            mj = j - i + m_max
            for dd in range(2 * n_d + 1):
                off = j - i + dd - n_d  # l = k + off
                k0 = max(0, -off)
                k1 = min(n, n - off)
                row = 0.0
                for k in range(k0, k1):
                    row += peak[k] * peak[k + off] * table[mj, k - i + m_max, dd]
                acc += pj * row
        out[i] = acc


# --------------------------------------------------------------------------------------------------------
# entry points
# --------------------------------------------------------------------------------------------------------
def on_grid(frequency: np.ndarray, bandwidth: np.ndarray, roll_off: np.ndarray, *, max_slots: int = 1024):
    """(slot index per channel, grid spacing) when the channels are rectangular (roll-off 0), of one width, and
    sit on a common grid of spacing ≥ that width (any subset of the slots); None otherwise."""
    if frequency.size == 0 or np.any(roll_off != 0.0) or np.any(bandwidth != bandwidth[0]):
        return None
    if frequency.size == 1:
        return np.zeros(1, dtype=int), float(2 * bandwidth[0])
    f = np.sort(frequency)
    gaps = np.diff(f)
    spacing = float(gaps.min())
    if spacing < bandwidth[0] * (1 - 1e-12):
        return None
    k = (frequency - f[0]) / spacing
    idx = np.rint(k).astype(int)
    if np.any(np.abs(k - idx) > 1e-6) or idx.max() + 1 > max_slots:
        return None
    return idx, spacing


def grid_gn_psd(frequency, bandwidth, power, fp, idx, spacing, *, accuracy: str = "normal") -> np.ndarray:
    """∫∫ ρ·G·G·G at each channel's centre (W³/Hz³·Hz², the `links.gn` kernel's quantity) for channels on a
    grid (`on_grid`'s ``idx``, ``spacing``); ``fp`` a `links.gn.FibreParameters`."""
    width = float(bandwidth[0])
    n_slots = int(idx.max()) + 1
    peak = np.zeros(n_slots)
    peak[idx] = np.asarray(power, dtype=float) / width
    fslot = np.full(n_slots, np.nan)
    fslot[idx] = frequency
    m_max = n_slots - 1
    n_d = 1 if spacing < 1.5 * width * (1 - 1e-12) else 0
    a = fp.alpha * fp.length
    h, yc, qv, dv = q_table(a)
    (xr, wr), (xf, wf), (xs, ws) = (_gauss(m) for m in GRID_ORDERS[accuracy])
    c_ch = fp.beta2 + 2 * math.pi * fp.beta3 * (frequency - fp.reference_frequency)
    c_lo, c_hi = float(c_ch.min()), float(c_ch.max())
    if c_hi - c_lo <= 1e-6 * max(abs(c_lo), abs(c_hi)):
        nodes = np.array([0.5 * (c_lo + c_hi)])
    else:  # Chebyshev nodes over the band's β2, Lagrange interpolation per channel
        k = np.arange(N_BETA2_NODES)
        nodes = 0.5 * (c_lo + c_hi) + 0.5 * (c_hi - c_lo) * np.cos(np.pi * (k + 0.5) / N_BETA2_NODES)
    g = np.empty((nodes.size, n_slots))
    for q, c in enumerate(nodes):
        key = (float(c), fp.beta3, fp.alpha, fp.length, float(spacing), width, m_max, n_d, accuracy)
        table = _TABLE_CACHE.get(key)
        if table is None:
            table = np.empty((2 * m_max + 1, 2 * m_max + 1, 2 * n_d + 1))
            _region_table(m_max, float(spacing), width, float(c), fp.beta3, fp.alpha, a, h, yc, qv, dv, xr, wr, xf,
                          wf, xs, ws, n_d, table)
            _remember(key, table)
        _combine(table, peak, m_max, n_d, g[q])
    c_slot = np.where(np.isnan(fslot), 0.0, fp.beta2 + 2 * math.pi * fp.beta3 * (np.nan_to_num(fslot)
                                                                                 - fp.reference_frequency))
    if nodes.size == 1:
        res = g[0]
    else:  # Lagrange weights in log|c| per slot, on log G (G ~ |c|^p: the interpolation is near exact)
        lc = np.log(np.abs(c_slot) + 1e-300)
        ln = np.log(np.abs(nodes))
        lag = np.ones((nodes.size, n_slots))
        for q in range(nodes.size):
            for r in range(nodes.size):
                if r != q:
                    lag[q] *= (lc - ln[r]) / (ln[q] - ln[r])
        with np.errstate(divide="ignore"):
            res = np.exp(np.sum(lag * np.log(np.where(g > 0, g, 1e-300)), axis=0))
    return res[idx]
