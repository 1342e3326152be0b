"""Nonlinear interference (NLI) of coherent WDM links: the exact GN-model integral and the EGN correction.

GN model (P. Poggiolini et al., "The GN-model of fiber non-linear propagation and its applications",
J. Lightw. Technol. 32(4), 694 (2014), eq. 1; dual polarization), one span, NLI power spectral density at
frequency f::

    G_NLI(f) = (16/27)·γ²·∫∫ G(f1)·G(f2)·G(f1 + f2 − f)·ρ(f1, f2, f) df1 df2
    ρ = |1 − e^{(−α + jΔβ)L}|² / (α² + Δβ²)          (α the *power* attenuation, 1/m)
    Δβ = −4π²(f1 − f)(f2 − f)·[β2 + πβ3(f1 + f2 − 2f_ref)]

with G the launched WDM power spectral density (W/Hz, both polarizations), β2, β3 at the span's reference
frequency f_ref (from D and its slope S: β3 = (λ²/2πc)²(S + 2D/λ), as `links.fiber.Fiber`). N identical
transparent spans add incoherently (N times one span) or, with ``coherence="exact"``, with the phased-array
factor sin²(NΔβL/2)/sin²(ΔβL/2) (Poggiolini 2014, eq. 7). ``coherence="epsilon"`` scales the incoherent sum
by N^ε with ε = (3/10)·ln[1 + (6/L)·L_a / asinh((π²/2)|β2|·L_a·B_WDM²)], L_a = 1/α (Poggiolini 2014,
eq. 23 of the closed-form section).

Numerics (`_gn_kernel`, Numba): the integrand is concentrated on the "ridges" f1 ≈ f and f2 ≈ f, whose width
in f2 at a given offset ν1 = f1 − f is α/(4π²|β2||ν1|). The outer integral over ν1 is split into panels at
every spectral breakpoint (channel edges, roll-off starts, f itself); inside a panel ν1 = s·sinh(t) with t
uniform on Gauss-Legendre nodes (s the ridge width over the whole band), which clusters nodes at the axis and
turns the 1/|ν1| tail into a smooth function of t. At each ν1 the inner integral over ν2 runs over the
intervals where both G(f + ν2) and G(f + ν1 + ν2) are non-zero (a two-pointer sweep over the channel lists),
split at the roll-off breakpoints and at ν2 = 0, each again in ν2 = s2·sinh(t) with s2 the local ridge width.
The channel's NLI power is G_NLI at its centre times its baud rate (``evaluate="center"``, the "locally white"
convention of the closed form and of GNPy) or the integral of G_NLI under the receiver's matched filter (a
raised cosine of unit peak; ``evaluate="matched"``).

EGN correction: `links.egn` (the closed-form XCI correction for the format's excess kurtosis Φ).

Not modelled: inter-channel stimulated Raman scattering (ISRS, the Raman tilt of wide-band plans), frequency-
dependent loss and γ, polarization-mode dispersion.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from optolink.core.constants import C
from optolink.core.units import CARRIER_FREQUENCY, DB_PER_NEPER
from optolink.core.validate import check_array, check_choice, check_int

from .gn_grid import grid_gn_psd, on_grid

__all__ = [
    "FibreParameters",
    "fibre_parameters",
    "gn_psd",
    "gn_eta",
    "coherence_epsilon",
    "nli_eta",
]




# --------------------------------------------------------------------------------------------------------
# fibre parameters
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FibreParameters:
    """What the GN integral needs of a span, SI: α (power, 1/m), L (m), β2 (s²/m), β3 (s³/m) at f_ref (Hz)."""

    alpha: float
    length: float
    beta2: float
    beta3: float
    reference_frequency: float

    @property
    def effective_length(self) -> float:
        return -math.expm1(-self.alpha * self.length) / self.alpha


def fibre_parameters(span) -> FibreParameters:
    """`FibreParameters` of any span-like object with ``length``, ``alpha_db_per_km``, ``dispersion_ps_nm_km``,
    optional ``dispersion_slope_ps_nm2_km`` and ``reference_frequency`` (Hz; default the 1550 nm carrier)."""
    for name in ("length", "alpha_db_per_km", "dispersion_ps_nm_km", "gamma_per_w_km"):
        if not hasattr(span, name):
            raise TypeError(f"spans must have a {name!r} attribute; got {type(span).__name__}")
    f_ref = float(getattr(span, "reference_frequency", None) or CARRIER_FREQUENCY)
    lam = C / f_ref
    d = float(span.dispersion_ps_nm_km) * 1e-6  # s/m²
    s = float(getattr(span, "dispersion_slope_ps_nm2_km", 0.0) or 0.0) * 1e3  # s/m³
    alpha = float(span.alpha_db_per_km) / 1e3 / DB_PER_NEPER
    if not alpha > 0:
        raise ValueError(f"alpha_db_per_km must be > 0 for the GN model; got {span.alpha_db_per_km}")
    beta2 = -(lam**2) * d / (2 * math.pi * C)
    beta3 = (lam**2 / (2 * math.pi * C)) ** 2 * (s + 2 * d / lam)
    return FibreParameters(alpha, float(span.length), beta2, beta3, f_ref)


# --------------------------------------------------------------------------------------------------------
# kernel
# --------------------------------------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _psd_at(x, lo, hi, flo, fhi, peak):  # pragma: no cover - compiled
    """G(x): the (non-overlapping, sorted) channels' raised-cosine spectra, W/Hz."""
    k = np.searchsorted(lo, x, side="right") - 1
    if k < 0 or x >= hi[k]:
        return 0.0
    if x >= flo[k] and x <= fhi[k]:
        return peak[k]
    w = hi[k] - fhi[k]  # roll-off width β·R
    d = (flo[k] - x) if x < flo[k] else (x - fhi[k])
    return peak[k] * 0.5 * (1.0 + math.cos(math.pi * d / w))


@njit(cache=True, inline="always")
def _rho(n1, n2, f, a, length, b2, b3, fref, emal, n_coh):  # pragma: no cover - compiled
    """|1 − e^{(−α + jΔβ)L}|²/(α² + Δβ²), times the phased-array factor of n_coh identical spans."""
    db = -4.0 * math.pi * math.pi * n1 * n2 * (b2 + math.pi * b3 * (2.0 * (f - fref) + n1 + n2))
    ph = db * length
    r = (1.0 - 2.0 * emal * math.cos(ph) + emal * emal) / (a * a + db * db)
    if n_coh > 1:
        s = math.sin(0.5 * ph)
        if abs(s) < 1e-12:
            r *= n_coh * n_coh
        else:
            sn = math.sin(0.5 * n_coh * ph)
            r *= sn * sn / (s * s)
    return r


@njit(cache=True)
def _inner(nu1, f, lo, hi, flo, fhi, peak, a, length, b2, b3, fref, emal, n_coh, k0, xg, wg, far_xg, far_wg,
           far):  # pragma: no cover - compiled
    """∫ ρ(ν1, ν2)·G(f + ν2)·G(f + ν1 + ν2) dν2 at one ν1."""
    n = lo.size
    total = 0.0
    s2 = a / (k0 * max(abs(nu1), 1e3))  # ridge half-width in ν2
    pts = np.empty(7)
    ib = 0
    ic = 0
    while ib < n and ic < n:
        u = max(lo[ib], lo[ic] - nu1)
        v = min(hi[ib], hi[ic] - nu1)
        if u < v:
            # split at the roll-off breakpoints of both spectra and at ν2 = 0
            m = 0
            pts[m] = u
            m += 1
            for c in (flo[ib], fhi[ib], flo[ic] - nu1, fhi[ic] - nu1, f):
                if u < c < v:
                    pts[m] = c
                    m += 1
            pts[m] = v
            m += 1
            pts[:m].sort()
            for q in range(m - 1):
                x0 = pts[q] - f
                x1 = pts[q + 1] - f
                if x1 - x0 <= 0.0:
                    continue
                dist = abs(nu1) * min(abs(x0), abs(x1)) * k0 / a if x0 * x1 >= 0.0 else 0.0
                if dist > far:
                    nodes = far_xg
                    weights = far_wg
                else:
                    nodes = xg
                    weights = wg
                t0 = math.asinh(x0 / s2)
                t1 = math.asinh(x1 / s2)
                h = 0.5 * (t1 - t0)
                mid = 0.5 * (t1 + t0)
                acc = 0.0
                for g in range(nodes.size):
                    t = mid + h * nodes[g]
                    nu2 = s2 * math.sinh(t)
                    jac = s2 * math.cosh(t)
                    g2 = _psd_at(f + nu2, lo, hi, flo, fhi, peak)
                    g3 = _psd_at(f + nu1 + nu2, lo, hi, flo, fhi, peak)
                    if g2 != 0.0 and g3 != 0.0:
                        acc += weights[g] * jac * g2 * g3 * _rho(nu1, nu2, f, a, length, b2, b3, fref, emal, n_coh)
                total += h * acc
        if hi[ib] < hi[ic] - nu1:
            ib += 1
        else:
            ic += 1
    return total


@njit(cache=True, parallel=True)
def _gn_kernel(fe, lo, hi, flo, fhi, peak, a, length, b2, b3, fref, n_coh, xg, wg, far_xg, far_wg, far,
               out):  # pragma: no cover - compiled
    """out[e] = ∫∫ ρ·G(f1)G(f2)G(f1 + f2 − f) df1 df2 at each evaluation frequency fe[e] (one span)."""
    emal = math.exp(-a * length)
    n = lo.size
    band = hi[n - 1] - lo[0]
    k0 = 4.0 * math.pi * math.pi * max(abs(b2), 1e-30)
    s1 = a / (k0 * band)
    for e in prange(fe.size):
        f = fe[e]
        bp = np.empty(4 * n + 1)
        for k in range(n):
            bp[4 * k] = lo[k]
            bp[4 * k + 1] = flo[k]
            bp[4 * k + 2] = fhi[k]
            bp[4 * k + 3] = hi[k]
        bp[4 * n] = f
        bp.sort()
        total = 0.0
        for q in range(bp.size - 1):
            x0 = bp[q] - f
            x1 = bp[q + 1] - f
            if x1 - x0 <= 0.0 or _psd_at(f + 0.5 * (x0 + x1), lo, hi, flo, fhi, peak) == 0.0:
                continue
            t0 = math.asinh(x0 / s1)
            t1 = math.asinh(x1 / s1)
            h = 0.5 * (t1 - t0)
            mid = 0.5 * (t1 + t0)
            acc = 0.0
            for g in range(xg.size):
                t = mid + h * xg[g]
                nu1 = s1 * math.sinh(t)
                g1 = _psd_at(f + nu1, lo, hi, flo, fhi, peak)
                if g1 == 0.0:
                    continue
                acc += wg[g] * s1 * math.cosh(t) * g1 * _inner(nu1, f, lo, hi, flo, fhi, peak, a, length, b2, b3,
                                                               fref, emal, n_coh, k0, xg, wg, far_xg, far_wg, far)
            total += h * acc
        out[e] = total


def _gn_reference(f, lo, hi, flo, fhi, peak, fp: FibreParameters, m: int = 1601) -> float:
    """NumPy reference of the kernel for its test: the same integral on a plain uniform grid (trapezoid)."""
    x = np.linspace(lo[0], hi[-1], m)
    dx = x[1] - x[0]

    def psd(v):
        out = np.zeros_like(v)
        for k in range(lo.size):
            d = np.where(v < flo[k], flo[k] - v, v - fhi[k])
            w = max(hi[k] - fhi[k], 1e-300)
            val = np.where(d <= 0, peak[k], peak[k] * 0.5 * (1 + np.cos(np.pi * np.clip(d, 0, None) / w)))
            out += np.where((v >= lo[k]) & (v < hi[k]), val, 0.0)
        return out

    f1, f2 = x[:, None], x[None, :]
    n1, n2 = f1 - f, f2 - f
    db = -4 * np.pi**2 * n1 * n2 * (fp.beta2 + np.pi * fp.beta3 * (2 * (f - fp.reference_frequency) + n1 + n2))
    e = math.exp(-fp.alpha * fp.length)
    rho = (1 - 2 * e * np.cos(db * fp.length) + e * e) / (fp.alpha**2 + db**2)
    g = psd(x)
    g3 = psd((f1 + f2 - f).ravel()).reshape(f1.size, f2.size)
    wt = np.ones(m)
    wt[0] = wt[-1] = 0.5
    return float(np.einsum("i,j,ij->", wt * g, wt * g, rho * g3) * dx * dx)


_ORDERS = {"fast": (6, 3, 30.0), "normal": (10, 4, 60.0), "fine": (16, 8, 300.0), "reference": (32, 16, 1e9)}


def _spectra(frequency, baud, power, roll_off):
    order = np.argsort(frequency)
    f = frequency[order]
    r = baud[order]
    b = roll_off[order]
    p = power[order]
    lo = f - (1 + b) * r / 2
    hi = f + (1 + b) * r / 2
    if np.any(hi[:-1] > lo[1:] * (1 + 1e-15)):
        raise ValueError("channel spectra overlap: the spacing must be >= (1 + roll_off)·baud_rate between "
                         "neighbours")
    flo = f - (1 - b) * r / 2
    fhi = f + (1 - b) * r / 2
    peak = p / r
    return order, f, r, b, lo, hi, flo, fhi, peak


def _evaluation_points(f, r, b, evaluate, m_eval):
    """Evaluation frequencies and weights per channel: P_NLI,i = Σ w·G_NLI(f)."""
    if evaluate == "center":
        return f.copy(), r.copy()[:, None], 1
    x, w = np.polynomial.legendre.leggauss(m_eval)
    pts, wts = [], []
    for fi, ri, bi in zip(f, r, b, strict=True):
        # raised cosine of unit peak, integrated by panels: roll-off low, flat, roll-off high
        edges = [fi - (1 + bi) * ri / 2, fi - (1 - bi) * ri / 2, fi + (1 - bi) * ri / 2, fi + (1 + bi) * ri / 2]
        p_i, w_i = [], []
        for u, v in zip(edges[:-1], edges[1:], strict=True):
            if v - u <= 0:
                continue
            z = 0.5 * (u + v) + 0.5 * (v - u) * x
            d = np.where(z < edges[1], edges[1] - z, z - edges[2])
            rc = np.where(d <= 0, 1.0, 0.5 * (1 + np.cos(np.pi * np.clip(d, 0, None) / max(bi * ri, 1e-300))))
            p_i.append(z)
            w_i.append(0.5 * (v - u) * w * rc)
        pts.append(np.concatenate(p_i))
        wts.append(np.concatenate(w_i))
    size = max(len(p) for p in pts)
    pts = np.array([np.pad(p, (0, size - p.size), constant_values=p[-1]) for p in pts])
    wts = np.array([np.pad(w_, (0, size - w_.size)) for w_ in wts])
    return pts.ravel(), wts, size


def _check_plan(frequency, bandwidth, power, roll_off):
    f = check_array("frequency", frequency, low=100e12, high=400e12)
    r = check_array("bandwidth", bandwidth, low=1e6, high=2e12)
    if f.ndim != 1 or r.shape != f.shape:
        raise ValueError("frequency and bandwidth must be 1-D arrays of the same length")
    p = np.ones_like(f) if power is None else check_array("power", power, low=0.0, low_open=True, high=10.0)
    b = check_array("roll_off", roll_off, low=0.0, high=1.0)
    p = np.broadcast_to(p, f.shape).astype(float)
    b = np.broadcast_to(b, f.shape).astype(float)
    return f, r, p, b


def gn_psd(frequency, bandwidth, power, span, eval_frequency, *, roll_off=0.0, n_coherent: int = 1,
           accuracy: str = "normal") -> np.ndarray:
    """G_NLI (W/Hz) at ``eval_frequency`` (Hz) after one span (or ``n_coherent`` identical transparent spans
    with the exact phased-array factor), for channels at ``frequency`` with baud rates ``bandwidth`` (Hz),
    launch powers ``power`` (W) and raised-cosine ``roll_off`` (0: rectangular spectra)."""
    f, r, p, b = _check_plan(frequency, bandwidth, power, roll_off)
    check_choice("accuracy", accuracy, tuple(_ORDERS))
    n_coh = check_int("n_coherent", n_coherent, low=1, high=100_000)
    fp = fibre_parameters(span)
    _, _, _, _, lo, hi, flo, fhi, peak = _spectra(f, r, p, b)
    fe = np.atleast_1d(check_array("eval_frequency", eval_frequency))
    out = np.empty(fe.size)
    _run_kernel(fe, lo, hi, flo, fhi, peak, fp, n_coh, accuracy, out)
    return (16.0 / 27.0) * (float(span.gamma_per_w_km) / 1e3) ** 2 * out


def _run_kernel(fe, lo, hi, flo, fhi, peak, fp, n_coh, accuracy, out):
    m, m_far, far = _ORDERS[accuracy]
    if n_coh > 1:  # the array factor oscillates with Δβ: more nodes
        m, m_far, far = 2 * m, 2 * m_far, far * n_coh
    xg, wg = np.polynomial.legendre.leggauss(m)
    xf, wf = np.polynomial.legendre.leggauss(m_far)
    _gn_kernel(fe, lo, hi, flo, fhi, peak, fp.alpha, fp.length, fp.beta2, fp.beta3, fp.reference_frequency, n_coh,
               xg, wg, xf, wf, far, out)


def _fibre_key(fp: FibreParameters) -> tuple:
    return (fp.alpha, fp.length, fp.beta2, fp.beta3, fp.reference_frequency)


def gn_eta(frequency, bandwidth, spans: Sequence, *, power=None, roll_off=0.0, evaluate: str = "center",
           n_coherent: int = 1, accuracy: str = "normal", m_eval: int = 5, method: str = "auto") -> np.ndarray:
    """Exact incoherent GN model: η[k, i] (1/W²) of each span k, P_NLI,i = η[k, i]·P_i³ at the span input.

    ``frequency``, ``bandwidth`` (baud rates, Hz) and ``power`` (W; default equal) per channel, in any order;
    ``roll_off`` (scalar or per channel) shapes each spectrum as a raised cosine (0: rectangular of width
    baud). The powers set the spectral shape of the comb; η does not change when all are scaled together.
    The integral runs once per distinct fibre (loss, length, dispersion, slope, reference) and evaluation,
    γ² then scales it per span. ``evaluate``: "center" (G_NLI at the channel centre × baud) or "matched"
    (G_NLI integrated under the raised-cosine matched filter, ``m_eval`` Gauss nodes per panel).
    ``n_coherent`` > 1: each span's entry is 1/n_coherent of the NLI of n_coherent identical transparent spans
    with the exact phased-array factor (only meaningful when all spans are that one fibre).

    ``method``: "grid" (`links.gn_grid`: rectangular spectra of one width on a common channel grid, any slots
    lit, evaluated at the centres, incoherent; ~30 ms for 81 channels on one fibre), "general" (the 2-D
    kernel of this module: any plan, ~seconds for 81 channels) or "auto" (grid when it applies).
    """
    f, r, p, b = _check_plan(frequency, bandwidth, power, roll_off)
    check_choice("evaluate", evaluate, ("center", "matched"))
    check_choice("accuracy", accuracy, tuple(_ORDERS))
    check_choice("method", method, ("auto", "grid", "general"))
    n_coh = check_int("n_coherent", n_coherent, low=1, high=100_000)
    spans = list(spans)
    if not spans:
        raise ValueError("spans must not be empty")
    fps = [fibre_parameters(s) for s in spans]
    grid = on_grid(f, r, b) if method != "general" and evaluate == "center" and n_coh == 1 else None
    if method == "grid" and grid is None:
        raise ValueError("method='grid' needs rectangular spectra (roll_off 0) of one bandwidth on a common grid, "
                         "evaluate='center' and n_coherent=1")
    if grid is not None:
        cache: dict = {}
        eta = np.empty((len(spans), f.size))
        for k, (s, fp) in enumerate(zip(spans, fps, strict=True)):
            key = _fibre_key(fp)
            if key not in cache:
                cache[key] = grid_gn_psd(f, r, p, fp, grid[0], grid[1], accuracy=accuracy) * r / p**3
            eta[k] = (16.0 / 27.0) * (float(s.gamma_per_w_km) / 1e3) ** 2 * cache[key]
        return eta
    order, fs, rs, bs, lo, hi, flo, fhi, peak = _spectra(f, r, p, b)
    fe, w, size = _evaluation_points(fs, rs, bs, evaluate, m_eval)
    cache = {}
    eta = np.empty((len(spans), f.size))
    inv = np.empty_like(order)
    inv[order] = np.arange(order.size)
    for k, (s, fp) in enumerate(zip(spans, fps, strict=True)):
        key = _fibre_key(fp)
        if key not in cache:
            out = np.empty(fe.size)
            _run_kernel(fe, lo, hi, flo, fhi, peak, fp, n_coh, accuracy, out)
            cache[key] = (out.reshape(fs.size, size) * w).sum(axis=1) / n_coh  # sorted order
        g = (float(s.gamma_per_w_km) / 1e3) ** 2
        eta[k] = (16.0 / 27.0) * g * cache[key][inv] / p**3
    return eta


# --------------------------------------------------------------------------------------------------------
# coherence and EGN correction (closed forms)
# --------------------------------------------------------------------------------------------------------
def coherence_epsilon(frequency, bandwidth, span, *, roll_off=0.0) -> float:
    """ε of the N^{1+ε} coherent accumulation (Poggiolini 2014): (3/10)·ln[1 + (6/L)·L_a/asinh((π²/2)|β2|L_a B²)]
    with B the whole comb's occupied bandwidth and β2 at the comb centre."""
    f, r, _, b = _check_plan(frequency, bandwidth, None, roll_off)
    fp = fibre_parameters(span)
    lo = np.min(f - (1 + b) * r / 2)
    hi = np.max(f + (1 + b) * r / 2)
    b2 = abs(fp.beta2 + math.pi * fp.beta3 * (lo + hi - 2 * fp.reference_frequency))
    la = 1 / fp.alpha
    return 0.3 * math.log(1 + 6 / fp.length * la / math.asinh(math.pi**2 / 2 * b2 * la * (hi - lo) ** 2))


def nli_eta(frequency, bandwidth, spans: Sequence, *, power=None, model: str = "gn", modulation="16QAM",
            coherence: str = "incoherent", roll_off=0.0, evaluate: str = "center",
            accuracy: str = "normal") -> np.ndarray:
    """η[k, i] (1/W²) per span k and channel i for a selectable model: P_NLI,i = Σ_k η[k, i]·P_i,k³ with P_i,k
    channel i's power at span k's input (for a transparent link, Σ_k η[k, i]·P_i³).

    ``model``: "closed_form" (`links.budget.nli_coefficients` contracted with the powers), "gn" (exact
    integral, `gn_eta`) or "egn" (exact GN + the EGN correction, spread over the spans in proportion to their
    GN share). ``coherence``: "incoherent" (spans add in power), "epsilon" (the link total × N^ε, each span
    scaled alike) or "exact" (phased-array factor; needs identical spans).
    """
    check_choice("model", model, ("closed_form", "gn", "egn"))
    check_choice("coherence", coherence, ("incoherent", "epsilon", "exact"))
    f, r, p, b = _check_plan(frequency, bandwidth, power, roll_off)
    spans = list(spans)
    if not spans:
        raise ValueError("spans must not be empty")
    n = len(spans)
    if coherence == "exact":
        keys = {_fibre_key(fibre_parameters(s)) + (float(s.gamma_per_w_km),) for s in spans}
        if len(keys) > 1:
            raise ValueError("coherence='exact' needs identical spans (the phased-array factor of one fibre)")
    if model == "closed_form":
        from .nli import nli_coefficients  # the closed form (pair sum, Poggiolini 2012 eq. 120)

        pair = nli_coefficients(f, r, spans)  # (n_spans, n, n)
        eta = np.einsum("kij,j->ki", pair, p**2) / p**2
    else:
        eta = gn_eta(f, r, spans, power=p, roll_off=b, evaluate=evaluate, accuracy=accuracy,
                     n_coherent=n if coherence == "exact" else 1)
    if coherence == "epsilon" and n > 1:
        eta = eta * n ** coherence_epsilon(f, r, spans[0], roll_off=b)
    if model == "egn":
        from .egn import egn_correction

        corr = egn_correction(f, r, spans, power=p, modulation=modulation, coherent=coherence == "exact")
        total = eta.sum(axis=0)
        eta = eta * (1 + corr / total)[None, :]
    return eta
