"""Directional couplers of silicon waveguides: coupling coefficient vs gap, the bus-ring coupler and the straight
directional coupler.

Coupling vs gap: the bus is taken identical to the ring waveguide. Three methods for κ(g) of two parallel
guides at edge gap g:

- ``"solver"`` (default of ``CouplingModel``): the full-vector TE supermodes of the actual cross-section pair
  (``photonics.coupler_table``: κ = π(n_even − n_odd)/λ tabulated on a few gaps over [min_gap, max_gap],
  PCHIP in log κ, exponential e^{−pg} beyond the last usable node; cached per cross-section).
- ``"weak"`` (the fast approximation): from the lateral effective-index slab of the rib
  (``RibWaveguide.mode.lateral``: core index n1, cladding index n2 = the slab's effective index, width w,
  TM boundary conditions), the weak-coupling limit of the exact supermode splitting of two identical slabs,
  κ(g) = 2ρ·h²·p·e^{−pg} / (β·[w(h² + ρ²p²) + 2ρ(h² + p²)/p]),  ρ = (n1/n2)² for TM, 1 for TE,
  with h the transverse wavenumber in the core, p the decay constant outside and β = k0·n_eff.
  For ρ = 1 this is Yariv's / Marcuse's coupled-mode result κ = 2h²p·e^{−pg}/(β(w + 2/p)(h² + p²))
  (A. Yariv, "Optical Electronics in Modern Communications", 5th ed., §13.8; D. Marcuse, "Theory of
  Dielectric Optical Waveguides", 2nd ed., §6.5). The ρ-form follows from expanding the TM supermode
  dispersion relation for e^{−pg} ≪ 1 (derivation in ``slab_coupling_coefficient``). For the default
  500 × 220 / 90 nm rib it reads 5-22 % above the solver at 150-400 nm (docs/solvers.md).
- ``"supermode"``: κ(g) = (β_even − β_odd)/2 of the two-slab structure solved exactly (within EIM).

Along the ring the gap grows as g(z) = g + R − √(R² − z²) ≈ g + z²/(2R); the accumulated coupling
phase Φ = κ(g)·L_c + ∫ κ(g(z)) dz is integrated numerically over the circular arc (for the weak model
and the parabolic gap it is the closed form κ(g)·√(2πR/p), B. E. Little et al., J. Lightwave
Technol. 15, 998 (1997)); power cross-coupling K = sin²Φ, self-coupling r = cos Φ (lossless,
phase-matched coupler). A straight directional coupler of length L whose two guides leave on arcs of radius
R_b adds the same integral with the gap growing twice as fast: Φ = κ(g)·L + ∫ κ(g + 2R_b(1 − cos θ)) dz.
Approximate: local-parallel-guide (adiabatic) coupling along the bends (the straight pair's κ at the local
gap), phase mismatch between the curved and the straight guide and coupler excess loss neglected; the EIM
methods also take the lateral decay of a slab of the rib's slab-film index. ``CouplingModel.kappa_scale``
calibrates κ against measurement.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from optolink.core.display import displayed
from optolink.core.validate import check_array, check_int, check_real

from .coupler_table import SOLVER_STEP, kappa_table
from .waveguides import RibWaveguide, SlabMode

__all__ = ["CouplingModel", "METHODS", "coupled_phase", "coupling_coefficient", "directional_coupler",
           "slab_coupling_coefficient", "supermode_indices"]

METHODS = ("solver", "weak", "supermode")
DEFAULT_GAP_RANGE = (100e-9, 2e-6)  # m: CouplingModel's default [min_gap, max_gap]


def _slab_numbers(mode: SlabMode, wavelength: float):
    k0 = 2 * math.pi / check_real("wavelength", wavelength, low=1e-7, high=1e-4)  # 100 nm - 100 µm
    rho = (mode.n_core / mode.n_clad) ** 2 if mode.polarization == "TM" else 1.0
    return k0, k0 * mode.neff, mode.kappa, mode.gamma, rho, mode.thickness


def slab_coupling_coefficient(mode: SlabMode, gap, wavelength: float, method: str = "weak"):
    """Field coupling coefficient κ (1/m) of two identical parallel slab guides at edge gap ``gap`` (m).

    ``mode``: the isolated guide's fundamental mode (e.g. ``RibWaveguide.mode.lateral``).
    ``method="weak"``: κ = 2ρh²p·e^{−pg}/(β[w(h² + ρ²p²) + 2ρ(h² + p²)/p]). Derivation: the even/odd
    supermodes of the two-slab structure satisfy hw = atan(ρp/h) + atan(ρp·T/h) with T = tanh(pg/2)
    (even) or coth(pg/2) (odd); expanding T = 1 ∓ 2e^{−pg} and dividing by d(hw − 2atan(ρp/h))/dβ
    gives β_e − β_o = 2κ with κ as above (ρ = 1: Yariv's TE formula).
    ``method="supermode"``: κ = (β_even − β_odd)/2 from the exact supermode indices (scalar gap only).
    """
    if method not in ("weak", "supermode"):
        raise ValueError(f"method must be 'weak' or 'supermode'; got {method!r}")
    g = check_array("gap", gap, low=0.0, low_open=True)
    k0, beta, h, p, rho, w = _slab_numbers(mode, wavelength)
    if method == "weak":
        k = 2 * rho * h**2 * p * np.exp(-p * g) / (beta * (w * (h**2 + rho**2 * p**2)
                                                          + 2 * rho * (h**2 + p**2) / p))
        return k if k.ndim else float(k)
    out = np.empty(g.shape)
    for idx, gi in np.ndenumerate(g):
        n_e, n_o = supermode_indices(mode, float(gi), wavelength)
        out[idx] = k0 * (n_e - n_o) / 2
    return out if out.ndim else float(out)


def supermode_indices(mode: SlabMode, gap: float, wavelength: float) -> tuple[float, float]:
    """Effective indices (even, odd) of the fundamental supermodes of two identical slabs at ``gap`` (m)."""
    g = check_real("gap", gap, low=0.0, low_open=True)
    k0, _, _, _, rho, w = _slab_numbers(mode, wavelength)
    n1, n2 = mode.n_core, mode.n_clad

    def f(n, odd):
        h = k0 * math.sqrt(max(n1**2 - n**2, 0.0))
        p = k0 * math.sqrt(max(n**2 - n2**2, 0.0))
        t = 1.0 / math.tanh(p * g / 2) if odd else math.tanh(p * g / 2)
        return h * w - math.atan2(rho * p, h) - math.atan2(rho * p * t, h)

    eps = 1e-12
    out = []
    for odd in (False, True):
        lo, hi = n2 + eps, n1 - eps
        if f(lo, odd) <= 0:
            raise ValueError(f"gap {g:g} m: the odd supermode is cut off (coupling too strong for the "
                             "supermode model)")
        out.append(brentq(f, lo, hi, args=(odd,), xtol=1e-15, rtol=1e-15, maxiter=200))
    return out[0], out[1]


@functools.lru_cache(maxsize=8)
def _gauss_legendre(n: int):
    """Nodes and weights of n-point Gauss-Legendre quadrature (read-only; cached: numpy solves an
    eigenproblem for them)."""
    x, w = np.polynomial.legendre.leggauss(n)
    x.flags.writeable = False
    w.flags.writeable = False
    return x, w


def _check_method(method) -> str:
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}; got {method!r}")
    return method


def _kappa_function(guide, wavelength: float, method: str, step: float, gap_range):
    """``(κ(g) callable, asymptotic decay constant p)`` of ``guide`` (RibWaveguide, or SlabMode for the EIM
    methods) by ``method``."""
    _check_method(method)
    if method == "solver":
        if not isinstance(guide, RibWaveguide):
            raise TypeError("guide must be a RibWaveguide for method='solver' (the supermodes need the cross-section); "
                            f"got {type(guide).__name__}")
        table = kappa_table(guide, wavelength, min_gap=gap_range[0], max_gap=gap_range[1], step=step)
        return table, table.decay_constant
    if isinstance(guide, RibWaveguide):
        guide = guide.mode.lateral
    if not isinstance(guide, SlabMode):
        raise TypeError(f"guide must be a RibWaveguide or a SlabMode; got {type(guide).__name__}")
    mode = guide
    return (lambda g: slab_coupling_coefficient(mode, g, wavelength, method)), mode.gamma


def _check_gap_range(gap_range):
    if not isinstance(gap_range, tuple | list) or len(gap_range) != 2:
        raise ValueError(f"gap_range must be a (min_gap, max_gap) pair in m; got {gap_range!r}")
    lo = check_real("gap_range[0]", gap_range[0], low=20e-9, high=2e-6)
    hi = check_real("gap_range[1]", gap_range[1], low=lo, low_open=True, high=5e-6)
    return lo, hi


def _check_gap(g: float, method: str, gap_range) -> float:
    g = check_real("gap", g, low=0.0, low_open=True)
    if method == "solver" and not gap_range[0] <= g <= gap_range[1]:
        raise ValueError(f"gap must be in [{gap_range[0]:g}, {gap_range[1]:g}] m (the coupling table's range, "
                         f"CouplingModel min_gap/max_gap); got {g:g}")
    return g


def _wavelength(guide, wavelength):
    if wavelength is None:
        if not isinstance(guide, RibWaveguide):
            raise ValueError("wavelength must be given for a SlabMode guide")
        return guide.wavelength
    return check_real("wavelength", wavelength, low=1e-7, high=1e-4)


def coupling_coefficient(guide, gap, wavelength: float | None = None, method: str = "solver", *,
                         step: float = SOLVER_STEP, gap_range=DEFAULT_GAP_RANGE):
    """Field coupling coefficient κ (1/m) of two parallel copies of ``guide`` at edge gaps ``gap`` (m).

    ``guide``: a ``RibWaveguide`` (any method) or its lateral ``SlabMode`` (``"weak"``/``"supermode"``).
    ``method="solver"``: the full-vector supermode table of the cross-section on ``gap_range`` (m) with grid
    ``step`` (m); gaps below its minimum raise ValueError, above its maximum follow the fitted e^{−pg}.
    ``wavelength`` (m): default the RibWaveguide's."""
    method = _check_method(method)
    lam = _wavelength(guide, wavelength)
    rng = _check_gap_range(gap_range)
    g = check_array("gap", gap, low=0.0, low_open=True)
    if method == "solver" and np.any(g < rng[0]):
        raise ValueError(f"gap must be >= {rng[0]:g} m (the coupling table's min_gap); got {float(g.min()):g}")
    kfn, _ = _kappa_function(guide, lam, method, step, rng)
    out = np.asarray(kfn(g), dtype=float)
    return out if out.ndim else float(out)


def _arc_phase(kfn, p: float, g: float, radius: float, n_nodes: int, gap_scale: float = 1.0) -> float:
    """∫ κ(g + s·R(1 − cos θ)) R cos θ dθ over θ ∈ [−θm, θm] (s = ``gap_scale``), θm = π/2 or where the extra gap
    reaches 40 decay lengths 1/p (κ is then e^{−40} of its value at g), by Gauss-Legendre quadrature: the one
    integration path of the ring's and the directional coupler's bends."""
    extra = 40.0 / (p * gap_scale)
    theta_max = math.pi / 2 if extra >= radius else math.acos(1.0 - extra / radius)
    x, wts = _gauss_legendre(n_nodes)
    theta = theta_max * x
    gaps = g + gap_scale * radius * (1.0 - np.cos(theta))
    kappa = np.asarray(kfn(gaps))
    return theta_max * float(np.sum(wts * kappa * radius * np.cos(theta)))


def coupled_phase(guide, gap: float, radius: float, wavelength: float | None = None,
                  coupling_length: float = 0.0, method: str = "weak", kappa_scale: float = 1.0,
                  n_nodes: int = 96, *, step: float = SOLVER_STEP, gap_range=DEFAULT_GAP_RANGE) -> float:
    """Accumulated coupling phase Φ = ∫κ dz (rad) of a ring of ``radius`` (m) beside a straight bus.

    ``guide``: the ring's ``RibWaveguide`` (any method; ``"solver"`` needs it) or its lateral ``SlabMode`` (the
    EIM methods ``"weak"``, ``"supermode"``). Φ = κ(g)·coupling_length + ∫ κ(g + R(1 − cos θ)) R cos θ dθ over
    the arc (θ ∈ [−π/2, π/2], truncated where the extra gap exceeds 40 decay lengths), by Gauss-Legendre
    quadrature. Power coupling K = sin²Φ. ``step``, ``gap_range``: the solver table's grid and gaps (m).
    """
    method = _check_method(method)
    rng = _check_gap_range(gap_range)
    g = _check_gap(gap, method, rng)
    R = check_real("radius", radius, low=0.0, low_open=True)
    if R > 1.0:
        raise ValueError(f"radius must be <= 1 m; got {R}")
    lc = check_real("coupling_length", coupling_length, low=0.0, high=1.0)
    lam = _wavelength(guide, wavelength)
    ks = check_real("kappa_scale", kappa_scale, low=0.0, low_open=True, high=10.0)
    n_nodes = check_int("n_nodes", n_nodes, low=2, high=10_000)
    kfn, p = _kappa_function(guide, lam, method, step, rng)
    arc = _arc_phase(kfn, p, g, R, n_nodes)
    straight = float(kfn(g)) * lc
    return ks * (arc + straight)


def directional_coupler(gap: float, length: float, waveguide: RibWaveguide, coupling_model=None, *,
                        bend_radius: float | None = None, n_nodes: int = 96) -> tuple[complex, complex]:
    """``(through, cross)`` field amplitudes of a lossless directional coupler of two ``waveguide`` s at edge
    ``gap`` (m) over a straight ``length`` (m): through = cos Φ, cross = −j·sin Φ (optolink's [[t, −jk], [−jk, t]]),
    power cross-coupling sin²Φ. Φ = κ(gap)·length, plus the two ends when both guides leave on arcs of
    ``bend_radius`` (m; None: abrupt ends), ∫ κ(gap + 2R(1 − cos θ)) dz. κ from ``coupling_model`` (a
    ``CouplingModel``; default ``CouplingModel()``: the solver table of the cross-section), the same κ(g) as
    the ring's coupler; its coupling_length (a ring's racetrack) is not used."""
    cm = CouplingModel() if coupling_model is None else coupling_model
    if not isinstance(cm, CouplingModel):
        raise TypeError(f"coupling_model must be a CouplingModel or None; got {type(cm).__name__}")
    if not isinstance(waveguide, RibWaveguide):
        raise TypeError(f"waveguide must be a RibWaveguide; got {type(waveguide).__name__}")
    g = check_real("gap", gap, low=cm.min_gap, high=cm.max_gap)
    ln = check_real("length", length, low=0.0, high=1e-2)
    n_nodes = check_int("n_nodes", n_nodes, low=2, high=10_000)
    kfn, p = _kappa_function(waveguide, waveguide.wavelength, cm.method, cm.step, (cm.min_gap, cm.max_gap))
    phi = float(kfn(g)) * ln
    if bend_radius is not None:
        rb = check_real("bend_radius", bend_radius, low=1e-6, high=1.0)
        phi += _arc_phase(kfn, p, g, rb, n_nodes, gap_scale=2.0)
    phi *= cm.kappa_scale
    return complex(math.cos(phi)), complex(-1j * math.sin(phi))


@displayed("method", "gap_min=min_gap:m", "gap_max=max_gap:m", "Lc=coupling_length:m", "κ_scale=kappa_scale")
@dataclass(frozen=True)
class CouplingModel:
    """Bus-ring coupler: method for κ(gap), manufacturable gap range and racetrack straight length.

    method: ``"solver"`` (default: the full-vector supermodes of the ring's own cross-section, tabulated over
    [min_gap, max_gap] once per cross-section, ``photonics.coupler_table``), ``"weak"`` (the fast
    approximation: closed-form weak-coupling κ of the EIM lateral slab) or ``"supermode"`` (exact two-slab
    supermode splitting within EIM). min_gap / max_gap: accepted edge-to-edge gaps (m); the minimum is a
    lithography limit (100 nm is typical of 193-nm DUV silicon-photonics processes).
    coupling_length: straight parallel section of a racetrack coupler (m; adds 2× to the round trip).
    kappa_scale: multiplies κ (calibration against measurement). step: the solver's grid (m; <= min_gap/2).
    """

    method: str = "solver"
    MODEL_METHODS = {"solver": "solver", "closed_form": "weak"}  # devices.with_model
    min_gap: float = DEFAULT_GAP_RANGE[0]
    max_gap: float = DEFAULT_GAP_RANGE[1]
    coupling_length: float = 0.0
    kappa_scale: float = 1.0
    step: float = SOLVER_STEP

    def __post_init__(self):
        _check_method(self.method)
        check_real("min_gap", self.min_gap, low=20e-9, high=2e-6)
        check_real("max_gap", self.max_gap, low=self.min_gap, high=5e-6, low_open=True)
        check_real("coupling_length", self.coupling_length, low=0.0, high=1e-3)
        check_real("kappa_scale", self.kappa_scale, low=0.0, low_open=True, high=10.0)
        check_real("step", self.step, low=2e-9, high=50e-9)
        if self.method == "solver" and self.step > self.min_gap / 2:
            raise ValueError(f"step must be <= min_gap/2 = {self.min_gap / 2:g} m for method='solver' (the grid must "
                             f"resolve the narrowest gap); got {self.step:g}")

    def kappa(self, waveguide: RibWaveguide, gap):
        """κ (1/m) of two ``waveguide`` s at edge gaps ``gap`` (m), times ``kappa_scale``."""
        return self.kappa_scale * coupling_coefficient(waveguide, gap, waveguide.wavelength, self.method,
                                                       step=self.step, gap_range=(self.min_gap, self.max_gap))

    def coupled_phase(self, waveguide: RibWaveguide, gap: float, radius: float,
                      wavelength: float | None = None) -> float:
        """Coupling phase Φ (rad) of a ring of ``radius`` (m) and cross-section ``waveguide`` at bus ``gap`` (m)."""
        return coupled_phase(waveguide, gap, radius, wavelength, self.coupling_length, self.method,
                             self.kappa_scale, step=self.step, gap_range=(self.min_gap, self.max_gap))
