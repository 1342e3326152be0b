"""The rate equations' algebra on stacked parameter sets: steady state, Jacobian, noise diffusion, RK4 stability.

Pure functions of ``LaserParams`` (stacked into arrays by ``stack``) shared by the analytic laser
(``photonics.lasers``) and the batched simulation (``photonics.laser_simulation``); the equations are in the
``photonics.lasers`` docstring.
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Sequence

import numpy as np

from optolink.core.constants import Q

from .laser_params import LaserParams


def _stack(params: Sequence[LaserParams]) -> types.SimpleNamespace:
    """Parameter sets → a namespace with the same attribute names holding (P,) arrays (broadcastable)."""
    fields = [f.name for f in dataclasses.fields(LaserParams)]
    return types.SimpleNamespace(**{k: np.array([getattr(p, k) for p in params], dtype=float)
                                    for k in fields})


def _coefficient_table(params: Sequence[LaserParams]) -> np.ndarray:
    """(P, N_COEF) table of kernel coefficients (layout in photonics._laser_kernels)."""
    from photonics import _laser_kernels as k

    out = np.empty((len(params), k.N_COEF))
    for i, p in enumerate(params):
        g = p.group_velocity * p.gain_slope
        out[i, k.C_INV_QV] = 1.0 / (Q * p.volume)
        out[i, k.C_INV_TAUN] = 1.0 / p.tau_n
        out[i, k.C_VGA] = g
        out[i, k.C_VGA_NT] = g * p.n_transparency
        out[i, k.C_EPS] = p.epsilon
        out[i, k.C_GAMMA] = p.confinement
        out[i, k.C_INV_TAUP] = 1.0 / p.tau_p
        out[i, k.C_BGT] = p.beta_sp * p.confinement / p.tau_n
        out[i, k.C_PHI_SLOPE] = 0.5 * p.alpha_h * p.confinement * g
        out[i, k.C_PHI_OFFSET] = 0.5 * p.alpha_h * (p.confinement * g * p.n_transparency + 1.0 / p.tau_p)
        out[i, k.C_INV_V] = 1.0 / p.volume
        out[i, k.C_S_FLOOR] = p.confinement / p.volume
    return out


# --------------------------------------------------------------------------------------------------------
# Pure physics on (possibly array-valued) parameter namespaces
# --------------------------------------------------------------------------------------------------------
def _steady_nS(p, current):
    """Exact steady state (N, S) for currents ≥ 0 (arrays broadcast with the parameters).

    Eliminating the gain term between the two equations gives S = Γτp [I/(qV) − (1 − β) N/τn]; put into
    the photon equation times (1 + εS) this is a quadratic A(N) = −p₂N² + a₁N − r = 0 with A(0) ≤ 0 ≤
    A(N_max) on [0, N_max = Iτn/((1 − β) qV)], so exactly one root is physical (S ≥ 0): the smaller one,
    taken in the cancellation-free form 2r / (a₁ + √(a₁² − 4p₂r)) and polished by a Newton step.
    """
    i = np.asarray(current, dtype=float)
    g = p.group_velocity * p.gain_slope
    gam, tp, tn, b, eps, nt = p.confinement, p.tau_p, p.tau_n, p.beta_sp, p.epsilon, p.n_transparency
    j = i / (Q * p.volume)
    s0 = gam * tp * j
    s1 = gam * tp * (1.0 - b) / tn
    p2 = gam * g * s1 + eps * s1 * s1 / tp + b * gam * eps * s1 / tn
    a1 = gam * g * (s0 + nt * s1) + s1 * (1.0 + 2.0 * eps * s0) / tp + b * gam * (1.0 + eps * s0) / tn
    r = gam * g * nt * s0 + s0 * (1.0 + eps * s0) / tp
    n = 2.0 * r / (a1 + np.sqrt(np.maximum(a1 * a1 - 4.0 * p2 * r, 0.0)))
    f = (a1 - p2 * n) * n - r
    df = a1 - 2.0 * p2 * n
    with np.errstate(divide="ignore", invalid="ignore"):
        step = np.where(np.abs(df) > 1e-3 * np.abs(a1), f / df, 0.0)
    n = n - step
    with np.errstate(divide="ignore"):
        n_max = np.where(s1 > 0, s0 / np.where(s1 > 0, s1, 1.0), np.inf)
    n = np.clip(n, 0.0, n_max)
    s = np.maximum(s0 - s1 * n, 0.0)
    return n, s


def _jacobian(p, n, s):
    """Entries (a11, a12, a21, a22) of ∂(dN/dt, dS/dt)/∂(N, S) at the state (N, S)."""
    g = p.group_velocity * p.gain_slope
    inv = 1.0 / (1.0 + p.epsilon * s)
    gain = g * (n - p.n_transparency) * inv  # compressed v_g g, 1/s
    a11 = -1.0 / p.tau_n - g * inv * s
    a12 = -gain * inv
    a21 = p.confinement * g * inv * s + p.beta_sp * p.confinement / p.tau_n
    a22 = p.confinement * gain * inv - 1.0 / p.tau_p
    return a11, a12, a21, a22


def _diffusion(p, n, s):
    """Langevin diffusion coefficients (D_NN, D_NS, D_SS, D_φφ) in density units (module docstring)."""
    r_sp = p.beta_sp * p.confinement * n / p.tau_n
    d_ss = r_sp * s
    d_ns = -r_sp * s / p.confinement
    d_nn = r_sp * s / p.confinement**2 + n / (p.volume * p.tau_n)
    d_pp = r_sp / (4.0 * np.maximum(s, p.confinement / p.volume))
    return d_nn, d_ns, d_ss, d_pp


_RK4_T = np.linspace(0.0, 3.0, 151)[1:]  # |z| grid; RK4's region lies within |z| < 2.9


def _rk4_amp(z):
    return np.abs(1.0 + z * (1.0 + z * (0.5 + z * (1.0 / 6.0 + z / 24.0))))


def _rk4_stable_step(lam):
    """Largest h with |R(hλ)| ≤ 1 on (0, h] for RK4, R(z) = 1 + z + z²/2 + z³/6 + z⁴/24, per eigenvalue λ
    (array); inf where Re λ > 0 (a growing mode needs no damping) or λ = 0. Grid scan then bisection."""
    lam = np.asarray(lam, dtype=complex).ravel()
    out = np.full(lam.shape, np.inf)
    mag = np.abs(lam)
    unresolved = np.nonzero((mag > 0) & (lam.real <= 0))[0]
    for a in range(0, unresolved.size, 4096):
        idx = unresolved[a:a + 4096]
        unit = lam[idx] / mag[idx]
        bad = _rk4_amp(_RK4_T[:, None] * unit[None, :]) > 1.0 + 1e-12
        has = bad.any(axis=0)
        first = np.argmax(bad, axis=0)
        hi = _RK4_T[first]
        lo = np.where(first > 0, _RK4_T[np.maximum(first - 1, 0)], 0.0)
        for _ in range(32):
            mid = 0.5 * (lo + hi)
            unstable = _rk4_amp(mid * unit) > 1.0 + 1e-12
            hi = np.where(unstable, mid, hi)
            lo = np.where(unstable, lo, mid)
        out[idx] = np.where(has, lo / mag[idx], np.inf)
    return out


def _eigenvalues(a11, a12, a21, a22):
    tr = a11 + a22
    det = a11 * a22 - a12 * a21
    root = np.sqrt((tr * tr - 4.0 * det).astype(complex))
    return 0.5 * (tr + root), 0.5 * (tr - root)


def _stable_steps(p, n, s):
    """Largest stable RK4 step for each state: (N, S) arrays broadcast with the parameter namespace;
    the minimum is taken over the last axis."""
    l1, l2 = _eigenvalues(*_jacobian(p, np.asarray(n, float), np.asarray(s, float)))
    shape = np.broadcast(l1, l2).shape
    h = np.minimum(_rk4_stable_step(np.broadcast_to(l1, shape)).reshape(shape),
                   _rk4_stable_step(np.broadcast_to(l2, shape)).reshape(shape))
    return h.min(axis=-1)


def _take(ns: types.SimpleNamespace, index) -> types.SimpleNamespace:
    return types.SimpleNamespace(**{k: v[index] for k, v in vars(ns).items()})


def _column(ns: types.SimpleNamespace) -> types.SimpleNamespace:
    return types.SimpleNamespace(**{k: np.asarray(v)[..., None] for k, v in vars(ns).items()})


def _stable_step_sets(ns, i_lo, i_hi, from_off: bool):
    """Per parameter set (namespace of (P,) arrays): the largest stable RK4 step over the steady states at
    i_lo and i_hi (P,), a 3× photon-density overshoot at i_hi and, with `from_off`, N = S = 0."""
    n_lo, s_lo = _steady_nS(ns, i_lo)
    n_hi, s_hi = _steady_nS(ns, i_hi)
    n = [n_lo, n_hi, n_hi]
    s = [s_lo, s_hi, 3.0 * s_hi]
    if from_off:
        n.append(np.zeros_like(n_lo))
        s.append(np.zeros_like(s_lo))
    return _stable_steps(_column(ns), np.stack(n, axis=-1), np.stack(s, axis=-1))
