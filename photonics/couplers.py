"""Directional couplers of silicon waveguides: coupling coefficient vs gap and the bus-ring coupler.

Coupling vs gap (documented model, computed from the waveguide): the bus is taken identical to the
ring waveguide; the lateral effective-index slab of the rib (``RibWaveguide.mode.lateral``: core index
n1, cladding index n2 = the slab's effective index, width w, TM boundary conditions) gives the
coupling coefficient of two parallel guides at edge gap g. Two methods:

- ``"weak"`` (default): weak-coupling limit of the exact supermode splitting of two identical slabs,
  κ(g) = 2ρ·h²·p·e^{−pg} / (β·[w(h² + ρ²p²) + 2ρ(h² + p²)/p]),  ρ = (n1/n2)² for TM, 1 for TE,
  with h the transverse wavenumber in the core, p the decay constant outside and β = k0·n_eff.
  For ρ = 1 this is Yariv's / Marcuse's coupled-mode result κ = 2h²p·e^{−pg}/(β(w + 2/p)(h² + p²))
  (A. Yariv, "Optical Electronics in Modern Communications", 5th ed., §13.8; D. Marcuse, "Theory of
  Dielectric Optical Waveguides", 2nd ed., §6.5). The ρ-form follows from expanding the TM supermode
  dispersion relation for e^{−pg} ≪ 1 (derivation in ``slab_coupling_coefficient``).
- ``"supermode"``: κ(g) = (β_even − β_odd)/2 of the two-guide structure solved exactly (within EIM).

Along the ring the gap grows as g(z) = g + R − √(R² − z²) ≈ g + z²/(2R); the accumulated coupling
phase Φ = κ(g)·L_c + ∫ κ(g(z)) dz is integrated numerically over the circular arc (for the weak model
and the parabolic gap it is the closed form κ(g)·√(2πR/p), B. E. Little et al., J. Lightwave
Technol. 15, 998 (1997)); power cross-coupling K = sin²Φ, self-coupling r = cos Φ (lossless,
phase-matched coupler). Approximate: EIM (the lateral decay constant is that of a slab of the rib's
slab-film index), local-parallel-guide (adiabatic) coupling along the bend, phase mismatch between the
curved and the straight guide and coupler excess loss neglected. ``CouplingModel.kappa_scale``
calibrates κ against a full-vector solver or measurement.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from optolink.core.display import displayed
from optolink.core.validate import check_array, check_int, check_real

from .waveguides import SlabMode

__all__ = ["CouplingModel", "coupled_phase", "slab_coupling_coefficient", "supermode_indices"]


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


def coupled_phase(mode: SlabMode, gap: float, radius: float, wavelength: float,
                  coupling_length: float = 0.0, method: str = "weak", kappa_scale: float = 1.0,
                  n_nodes: int = 96) -> float:
    """Accumulated coupling phase Φ = ∫κ dz (rad) of a ring of ``radius`` (m) beside a straight bus.

    Φ = κ(g)·coupling_length + ∫ κ(g + R(1 − cos θ)) R cos θ dθ over the arc (θ ∈ [−π/2, π/2], truncated
    where the extra gap exceeds 40 decay lengths), by Gauss-Legendre quadrature. Power coupling K = sin²Φ.
    """
    g = check_real("gap", gap, low=0.0, low_open=True)
    R = check_real("radius", radius, low=0.0, low_open=True)
    if R > 1.0:
        raise ValueError(f"radius must be <= 1 m; got {R}")
    lc = check_real("coupling_length", coupling_length, low=0.0, high=1.0)
    check_real("wavelength", wavelength, low=1e-7, high=1e-4)
    n_nodes = check_int("n_nodes", n_nodes, low=2, high=10_000)
    p = mode.gamma
    theta_max = math.pi / 2 if 40.0 / p >= R else math.acos(1.0 - 40.0 / (p * R))
    x, wts = _gauss_legendre(n_nodes)
    theta = theta_max * x
    gaps = g + R * (1.0 - np.cos(theta))
    kappa = np.asarray(slab_coupling_coefficient(mode, gaps, wavelength, method))
    arc = theta_max * float(np.sum(wts * kappa * R * np.cos(theta)))
    straight = float(slab_coupling_coefficient(mode, g, wavelength, method)) * lc
    return kappa_scale * (arc + straight)


@displayed("method", "gap_min=min_gap:m", "gap_max=max_gap:m", "Lc=coupling_length:m", "κ_scale=kappa_scale")
@dataclass(frozen=True)
class CouplingModel:
    """Bus-ring coupler: method for κ(gap), manufacturable gap range and racetrack straight length.

    method: ``"weak"`` (closed-form weak-coupling κ, default) or ``"supermode"`` (exact two-guide
    supermode splitting, slower). min_gap / max_gap: accepted edge-to-edge gaps (m); the minimum is a
    lithography limit (100 nm is typical of 193-nm DUV silicon-photonics processes).
    coupling_length: straight parallel section of a racetrack coupler (m; adds 2× to the round trip).
    kappa_scale: multiplies κ (calibration against a full-vector simulation or measurement).
    """

    method: str = "weak"
    min_gap: float = 100e-9
    max_gap: float = 2e-6
    coupling_length: float = 0.0
    kappa_scale: float = 1.0

    def __post_init__(self):
        if self.method not in ("weak", "supermode"):
            raise ValueError(f"method must be 'weak' or 'supermode'; got {self.method!r}")
        check_real("min_gap", self.min_gap, low=20e-9, high=2e-6)
        check_real("max_gap", self.max_gap, low=self.min_gap, high=5e-6, low_open=True)
        check_real("coupling_length", self.coupling_length, low=0.0, high=1e-3)
        check_real("kappa_scale", self.kappa_scale, low=0.0, low_open=True, high=10.0)
