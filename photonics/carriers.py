"""2-D nonlinear Poisson solver for a doped silicon rib under reverse bias (carrier maps, C(V), series R).

The cross-section: a rib (``width`` × ``height``) on a slab (``slab_height``) reaching ohmic contacts at
x = ±``contact_x``, in oxide (ε 3.9) ``oxide_margin`` above and below, so that the fringe field through the
oxide is part of the solution. Finite volumes on a tensor grid (nodes; silicon/oxide per cell), Newton
iteration on ψ/V_T with the update clipped to ±2 V_T, bias continuation.

Statistics: Boltzmann, n = n_i·exp((ψ − φ_n)/V_T), p = n_i·exp((φ_p − ψ)/V_T), with the quasi-Fermi levels
flat and set by the contacts, φ_p = 0 (P contact) and φ_n = V_R (N contact). That is the reverse-bias
quasi-equilibrium of a junction that carries no current (S. M. Sze and K. K. Ng, "Physics of Semiconductor
Devices", 3rd ed., §2.2-2.3); **reverse bias only** (forward bias needs the continuity equations).
Capacitance per length: C = dQ_N/dV, Q_N the net charge on the N side (donor-dominated silicon), from the
exact small-signal solve dψ/dV = −J⁻¹·∂F/∂V (fringe charges on the silicon surfaces included). Series
resistance × length: the charging current dQ/dV·dV/dt enters where the charge changes and flows through the
conductivity map σ = q(μ_n n + μ_p p) (Masetti mobilities) to the contacts: R·L = ∫s·φ / (∫_N s)², with
∇·(σ∇φ) = −s, φ = 0 at the contacts (contact resistance not included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from scipy.interpolate import RegularGridInterpolator
from scipy.sparse.linalg import LinearOperator, cg, splu
from scipy.special import erf

from optolink.core.constants import EPS0, Q, thermal_voltage
from optolink.core.validate import check_array, check_choice, check_real

from .materials import EPS_SI, EPS_SIO2, intrinsic_carrier_density, silicon_mobility

SPECIES = ("acceptor", "donor")


@dataclass(frozen=True)
class UniformDoping:
    """``concentration`` (m⁻³) of ``species`` in silicon with x0 ≤ x < x1 and y0 ≤ y < y1 (m)."""

    species: str
    concentration: float
    x0: float
    x1: float
    y0: float = -1.0
    y1: float = 1.0

    def __post_init__(self):
        check_choice("species", self.species, SPECIES)
        check_real("concentration", self.concentration, low=1e18, high=1e27)
        if not self.x1 > self.x0:
            raise ValueError(f"x1 must exceed x0 (an empty doping region); got x0={self.x0}, x1={self.x1}")
        if not self.y1 > self.y0:
            raise ValueError(f"y1 must exceed y0 (an empty doping region); got y0={self.y0}, y1={self.y1}")

    def density(self, x, y, surface):
        return np.where((x >= self.x0) & (x < self.x1) & (y >= self.y0) & (y < self.y1), self.concentration, 0.0)


@dataclass(frozen=True)
class Implant:
    """Ion implant through a mask window [x0, x1] (m): Gaussian in depth from the local silicon surface
    (``dose`` m⁻², ``projected_range`` R_p and ``straggle`` ΔR_p, m) and erf-blurred laterally
    (``lateral_straggle`` ΔR_⊥, m): N = dose/(√(2π)ΔR_p)·exp(−(d − R_p)²/2ΔR_p²)·½[erf((x−x0)/√2ΔR_⊥) −
    erf((x−x1)/√2ΔR_⊥)] (J. D. Plummer, M. Deal, P. Griffin, "Silicon VLSI Technology", §8.2)."""

    species: str
    dose: float
    projected_range: float
    straggle: float
    lateral_straggle: float
    x0: float
    x1: float

    def __post_init__(self):
        check_choice("species", self.species, SPECIES)
        check_real("dose", self.dose, low=1e14, high=1e21)
        check_real("projected_range", self.projected_range, low=0.0, high=2e-6)
        check_real("straggle", self.straggle, low=1e-10, high=1e-6)
        check_real("lateral_straggle", self.lateral_straggle, low=0.0, high=1e-6)
        if not self.x1 > self.x0:
            raise ValueError(f"x1 must exceed x0 (an empty implant window); got x0={self.x0}, x1={self.x1}")

    def density(self, x, y, surface):
        depth = surface - y
        vert = self.dose / (math.sqrt(2 * math.pi) * self.straggle) * np.exp(
            -((depth - self.projected_range) ** 2) / (2 * self.straggle**2))
        if self.lateral_straggle > 0:
            s = math.sqrt(2) * self.lateral_straggle
            lat = 0.5 * (erf((x - self.x0) / s) - erf((x - self.x1) / s))
        else:
            lat = ((x >= self.x0) & (x < self.x1)).astype(float)
        return vert * lat


@dataclass(frozen=True)
class RibJunction:
    """Doped rib cross-section for the carrier solver (m, m⁻³). ``doping``: tuple of UniformDoping/Implant,
    summed per species. Contacts: the slab's ends at ±``contact_x``; ``step``: grid size in silicon
    (the oxide margins are graded to 4× it)."""

    doping: tuple
    width: float = 500e-9
    height: float = 220e-9
    slab_height: float = 90e-9
    contact_x: float = 1.25e-6
    oxide_margin: float = 0.3e-6
    step: float = 5e-9
    temperature: float = 300.0

    def __post_init__(self):
        if not isinstance(self.doping, tuple) or not self.doping:
            raise ValueError("doping must be a non-empty tuple of UniformDoping/Implant regions")
        check_real("width", self.width, low=50e-9, high=5e-6)
        check_real("height", self.height, low=20e-9, high=2e-6)
        check_real("slab_height", self.slab_height, low=0.0, high=self.height)
        check_real("contact_x", self.contact_x, low=self.width / 2, low_open=True, high=20e-6)
        check_real("oxide_margin", self.oxide_margin, low=0.0, high=5e-6)
        check_real("step", self.step, low=0.5e-9, high=50e-9)
        check_real("temperature", self.temperature, low=200.0, high=400.0)
        if self.slab_height > 0 and self.slab_height < 2 * self.step:
            raise ValueError(f"step must be <= slab_height/2 = {self.slab_height / 2 * 1e9:.3g} nm; got "
                             f"{self.step * 1e9:.3g} nm")

    def is_silicon(self, x, y):
        return ((y >= 0) & (y < self.slab_height)) | ((np.abs(x) < self.width / 2) & (y >= 0) & (y < self.height))

    def surface(self, x):
        return np.where(np.abs(x) < self.width / 2, self.height, self.slab_height)


def _axis(edges, lo, hi, step, fine_lo, fine_hi, growth=1.25, ratio=4.0):
    from .modes.geometry import axis_cells

    return axis_cells(edges, lo, hi, fine_lo, fine_hi, step, growth, ratio * step)


@dataclass(frozen=True, eq=False)
class CarrierSolution:
    """Solution at each bias: ``x``, ``y`` node coordinates; ``psi``, ``n``, ``p`` (bias, Nx, Ny) (V, m⁻³);
    ``capacitance`` (F/m) per bias; ``silicon`` mask; ``net_doping`` (m⁻³, > 0 donors)."""

    x: np.ndarray
    y: np.ndarray
    v_reverse: np.ndarray
    psi: np.ndarray
    n: np.ndarray
    p: np.ndarray
    capacitance: np.ndarray
    charge_n_side: np.ndarray
    series_resistance_length: np.ndarray
    silicon: np.ndarray
    net_doping: np.ndarray


def _build(j: RibJunction):
    # ``step`` over the rib and 0.3 µm either side (the depletion region), graded to 4× toward the contacts
    fine = min(j.width / 2 + 0.3e-6, j.contact_x)
    xs = _axis({-j.width / 2, j.width / 2}, -j.contact_x, j.contact_x, j.step, -fine, fine)
    ys = _axis({0.0, j.slab_height, j.height}, -j.oxide_margin, j.height + j.oxide_margin, j.step, 0.0, j.height)
    nx, ny = xs.size, ys.size
    hx, hy = np.diff(xs), np.diff(ys)
    cx, cy = 0.5 * (xs[1:] + xs[:-1]), 0.5 * (ys[1:] + ys[:-1])
    cell_si = j.is_silicon(cx[:, None], cy[None, :])
    eps = np.where(cell_si, EPS_SI, EPS_SIO2) * EPS0
    # node control area in silicon and in total
    qa = 0.25 * hx[:, None] * hy[None, :]
    a_si = np.zeros((nx, ny))
    for di in (0, 1):
        for dj in (0, 1):
            a_si[di:nx - 1 + di, dj:ny - 1 + dj] += qa * cell_si
    # edge coefficients ε·(face length)/(edge length)
    ex = np.zeros((nx - 1, ny))  # between (i, j) and (i+1, j)
    ex[:, :-1] += eps * hy[None, :] / 2
    ex[:, 1:] += eps * hy[None, :] / 2
    ex /= hx[:, None]
    ey = np.zeros((nx, ny - 1))
    ey[:-1, :] += eps * hx[:, None] / 2
    ey[1:, :] += eps * hx[:, None] / 2
    ey /= hy[None, :]
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    si = a_si > 0
    surf = j.surface(X)
    na = np.zeros((nx, ny))
    nd = np.zeros((nx, ny))
    for r in j.doping:
        d = r.density(X, np.minimum(Y, surf), surf) * si
        if not np.any(d > 0):
            raise ValueError(f"doping region {r!r} is empty: it does not overlap the silicon")
        if r.species == "acceptor":
            na += d
        else:
            nd += d
    return xs, ys, a_si, ex, ey, si, na, nd


def _laplacian(ex, ey):
    nx, ny = ey.shape[0], ex.shape[1]
    idx = np.arange(nx * ny).reshape(nx, ny)
    rows, cols, vals = [], [], []
    for a, b, c in ((idx[:-1, :], idx[1:, :], ex), (idx[:, :-1], idx[:, 1:], ey)):
        a, b, c = a.ravel(), b.ravel(), c.ravel()
        rows += [a, b, a, b]
        cols += [b, a, a, b]
        vals += [c, c, -c, -c]
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(nx * ny,) * 2)


class _Factor:
    """Sparse LU of matrices with one sparsity pattern: the fill-reducing ordering (SuperLU's minimum degree on
    AᵀA + A) is computed on the first matrix and reused, and the factorisation runs without pivoting in
    symmetric mode (the matrices are symmetric definite), which keeps that ordering."""

    def __init__(self):
        self.order = None

    def __call__(self, M):
        opts = {"SymmetricMode": True}
        if self.order is None:
            lu = splu(M.tocsc(), permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.0, options=opts)
            self.order = np.argsort(lu.perm_c)
            return lu.solve
        q = self.order
        lu = splu(M[q][:, q].tocsc(), permc_spec="NATURAL", diag_pivot_thresh=0.0, options=opts)

        def solve(b):
            x = np.empty_like(b)
            x[q] = lu.solve(np.ascontiguousarray(b[q]))
            return x
        return solve


def _solve(j: RibJunction, biases: tuple):
    xs, ys, a_si, ex, ey, si, na, nd = _build(j)
    nx, ny = a_si.shape
    vt = thermal_voltage(j.temperature)
    ni = intrinsic_carrier_density(j.temperature)
    net = (nd - na).ravel()
    A = a_si.ravel()
    L = _laplacian(ex, ey)
    contact_p = np.zeros((nx, ny), bool)
    contact_n = np.zeros((nx, ny), bool)
    contact_p[0, :] = si[0, :]
    contact_n[-1, :] = si[-1, :]
    cp, cn = contact_p.ravel(), contact_n.ravel()
    if np.mean(net[cp]) >= 0 or np.mean(net[cn]) <= 0:
        raise ValueError("doping must make the -contact_x end P-type and the +contact_x end N-type")
    dirichlet = cp | cn
    free = np.nonzero(~dirichlet)[0]
    L_ff = (vt * L)[free][:, free].tocsr()
    QA = Q * A
    u_eq = np.arcsinh(net / (2 * ni))  # charge-neutral ψ/V_T
    # initial guess: neutral in silicon, column mean in the oxide
    u = np.where(A > 0, u_eq, 0.0).reshape(nx, ny)
    col = np.array([u[i, si[i]].mean() for i in range(nx)])
    u = np.where(si, u, col[:, None]).ravel()
    coarse = 4 * j.step if j.slab_height == 0 else min(4 * j.step, j.slab_height / 2)
    if coarse >= 2 * j.step:  # fine grid: start from the first bias solved on a grid ≥ 2× coarser
        c = _solve_cached(replace(j, step=coarse), (float(biases[0]),))
        f = RegularGridInterpolator((c.x, c.y), c.psi[0] / vt)
        X, Y = np.meshgrid(xs, ys, indexing="ij")
        u = f(np.stack([X.ravel(), Y.ravel()], axis=-1))
    factor = _Factor()
    out_u, caps, qn, rs = [], [], [], []
    n_side = (net > 0) & (A > 0)
    prev = []  # (v, u, du/dV) of the biases solved
    rfactor = _Factor()
    for v in biases:
        phin = v / vt
        g = np.where(cp, u_eq, np.where(cn, u_eq + phin, 0.0))
        if prev:  # predictor along the bias sweep: the tangent (exact du/dV) of the last solution, plus the
            # curvature that the solution before it implies (Hermite quadratic)
            v1, u1, d1 = prev[-1]
            u = u1 + (v - v1) * d1
            if len(prev) >= 2:
                v0, u0 = prev[-2][:2]
                h = v1 - v0
                u = u + (v - v1) ** 2 * (u0 - u1 + h * d1) / h**2
        u = np.where(dirichlet, g, u)
        u, solve = _newton(u, free, L, L_ff, QA, net, ni, phin, vt, factor, v)
        n = ni * np.exp(u - phin)
        p = ni * np.exp(-u)
        # small signal: J·du/dV = −∂F/∂V, the Dirichlet values move by 1/V_T per volt on the N contact
        dudv = cn / vt
        dudv[free] = _refined_solve(L_ff - sp.diags(QA[free] * (n[free] + p[free])), solve,
                                    -((vt * L @ dudv)[free] + QA[free] * n[free] / vt))
        drho = QA * (-p * dudv - n * (dudv - 1 / vt))  # C/m per V, per node
        drho = np.where(dirichlet, 0.0, drho)
        caps.append(float(np.sum(drho[n_side])))
        qn.append(float(np.sum((QA * (p - n + net))[n_side])))
        rs.append(_series_resistance(j, xs, ys, si, na, nd, n, p, drho, dirichlet, n_side, rfactor))
        out_u.append(u.copy())
        prev = prev[-1:] + [(v, u.copy(), dudv)]
    psi = np.array(out_u).reshape(len(biases), nx, ny) * vt
    vs = np.array(biases)
    nn = ni * np.exp(psi / vt - vs[:, None, None] / vt) * si
    pp = ni * np.exp(-psi / vt) * si
    return CarrierSolution(xs, ys, vs, psi, nn, pp, np.array(caps), np.array(qn), np.array(rs), si, nd - na)


def _refined_solve(M, solve, b):
    """M⁻¹b for the symmetric negative-definite Jacobian M, by conjugate gradients on −M preconditioned with the
    factors ``solve`` of a nearby Newton iterate (a few iterations instead of a new factorisation)."""
    n = b.size
    x, info = cg(LinearOperator((n, n), matvec=lambda v: -(M @ v)), -b, x0=solve(b), rtol=1e-13, maxiter=200,
                 M=LinearOperator((n, n), matvec=lambda r: -solve(r)))
    if info != 0:
        raise RuntimeError("the small-signal solve did not converge")
    return x


def _newton(u, free, L, L_ff, QA, net, ni, phin, vt, factor, v):
    """Newton on the free nodes of F(u) = V_T·L·u + qA(p − n + N) = 0 (u = ψ/V_T, Dirichlet values in place).

    F = −∇E of the strictly convex energy E(u) = ½V_T·uᵀ(−L)u + Σ qA(n + p − N·u), so large steps are damped by
    a backtracking (Armijo) line search on E, and Newton converges from any start. Once the step is below
    0.1 V_T the factors are reused for the remaining (chord) steps. Returns u and the solve with the last factors."""
    def carriers(w):
        return ni * np.exp(np.clip(w - phin, -300, 300)), ni * np.exp(np.clip(-w, -300, 300))

    def energy(w):
        n, p = carriers(w)
        return 0.5 * vt * np.dot(w, -(L @ w)) + np.dot(QA, n + p - net * w)

    solve, chord = None, False
    for _ in range(200):
        n, p = carriers(u)
        F = (vt * (L @ u) + QA * (p - n + net))[free]
        if not chord:
            solve = factor(L_ff - sp.diags(QA[free] * (n[free] + p[free])))
        du = -solve(F)
        step = float(np.max(np.abs(du)))
        t = 1.0
        if step > 1.0:
            e0, slope = energy(u), float(np.dot(-F, du))
            trial = u.copy()
            while True:
                trial[free] = u[free] + t * du
                if energy(trial) <= e0 + 1e-4 * t * slope or t < 1e-3:
                    break
                t *= 0.5
        u = u.copy()
        u[free] += t * du
        if step < 1e-7:
            return u, solve
        chord = step < 0.6
    raise RuntimeError(f"Newton did not converge at v_reverse={v} V")


def _series_resistance(j, xs, ys, si, na, nd, n, p, drho, dirichlet, n_side, factor):
    nx, ny = si.shape
    total = np.maximum(na + nd, 1e20)
    mu_n = silicon_mobility(total, "electron")
    mu_p = silicon_mobility(total, "hole")
    sig = (Q * (mu_n * n.reshape(nx, ny) + mu_p * p.reshape(nx, ny))) * si
    hx, hy = np.diff(xs), np.diff(ys)
    cx, cy = 0.5 * (xs[1:] + xs[:-1]), 0.5 * (ys[1:] + ys[:-1])
    cell_si = j.is_silicon(cx[:, None], cy[None, :])
    # cell conductivity: mean of its silicon nodes (harmonic would over-weight the depleted corners)
    sc = 0.25 * (sig[:-1, :-1] + sig[1:, :-1] + sig[:-1, 1:] + sig[1:, 1:]) * cell_si
    gx = np.zeros((nx - 1, ny))
    gx[:, :-1] += sc * hy[None, :] / 2
    gx[:, 1:] += sc * hy[None, :] / 2
    gx /= hx[:, None]
    gy = np.zeros((nx, ny - 1))
    gy[:-1, :] += sc * hx[:, None] / 2
    gy[1:, :] += sc * hx[:, None] / 2
    gy /= hy[None, :]
    G = -_laplacian(gx, gy)
    active = si.ravel() & ~dirichlet
    idx = np.nonzero(active)[0]
    Gs = G[idx][:, idx] + sp.identity(idx.size) * 1e-30
    s = drho[idx]
    phi = factor(Gs)(s)
    i_n = np.sum(drho[n_side])
    return float(np.sum(s * phi) / i_n**2)


@lru_cache(maxsize=16)
def _solve_cached(j, biases):
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        return _solve(j, biases)


def solve_carriers(junction: RibJunction, v_reverse) -> CarrierSolution:
    """Solve ``junction`` at the reverse biases ``v_reverse`` (V, ≥ 0, solved in increasing order; cached)."""
    if not isinstance(junction, RibJunction):
        raise TypeError(f"junction must be a RibJunction; got {type(junction).__name__}")
    v = np.atleast_1d(check_array("v_reverse", v_reverse, low=0.0, high=20.0))
    if np.any(np.diff(v) <= 0):
        raise ValueError("v_reverse must be strictly increasing (reverse bias only, 0 V and up)")
    return _solve_cached(junction, tuple(float(x) for x in v))


def lateral_pn(na: float, nd: float, *, junction_x: float = 0.0, width=500e-9, height=220e-9, slab_height=90e-9,
               contact_x=1.25e-6, step=5e-9, extra=()) -> RibJunction:
    """A rib with uniform P (x < junction_x) and N (x ≥ junction_x) doping, plus ``extra`` regions."""
    big = 100e-6
    doping = (UniformDoping("acceptor", na, -big, junction_x), UniformDoping("donor", nd, junction_x, big)) \
        + tuple(extra)
    return RibJunction(doping, width, height, slab_height, contact_x, step=step)
