"""Coupling coefficient κ(gap) of two identical parallel rib/strip guides from their full-vector supermodes,
tabulated once per cross-section and interpolated.

κ(g) = π(n_even − n_odd)/λ of the two TE supermodes (``photonics.cross_section_solvers.coupled_supermode_indices``:
the two mirror classes of the coupled pair, each on a half domain) is solved at ``TABLE_SIZE`` gaps spanning
[min_gap, max_gap], denser at small gaps where log κ curves most, and interpolated by PCHIP in log κ (κ is
e^{−pg} asymptotically, so log κ is nearly linear and PCHIP keeps it monotone). Beyond the last usable node
κ is extrapolated with the exponential decay e^{−pg} fitted to the last two usable nodes.

Precision floor: at wide gaps the splitting n_even − n_odd falls to the eigensolver's precision (ARPACK
tol 1e-11 on n_eff² per class); a node whose relative splitting (n_e − n_o)/n_e is below
``SPLITTING_FLOOR`` (1e-7), or where κ stops falling with the gap, is noise and is replaced by the
exponential fit of the smaller gaps.

Tables are cached by (cross-section, wavelength, grid step, gap nodes) in ``photonics.solver_cache`` (memory
and disk); a cold table at the default 20 nm grid costs ~3 s CPU (docs/solvers.md).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.interpolate import PchipInterpolator

from optolink.core.validate import check_array, check_int, check_real

from .solver_cache import cached

__all__ = ["KappaTable", "SOLVER_STEP", "TABLE_SIZE", "SPLITTING_FLOOR", "table_gaps", "kappa_table"]

SOLVER_STEP = 20e-9  # m: κ within ~1 % of the 10 nm grid (docs/solvers.md), ~6× cheaper
TABLE_SIZE = 7  # gap nodes per table: PCHIP in log κ within 0.1 % of direct solves between them
SPLITTING_FLOOR = 1e-7  # relative supermode splitting below which a node is eigensolver noise


def table_gaps(min_gap: float, max_gap: float, n: int = TABLE_SIZE) -> tuple:
    """Gap nodes (m) from ``min_gap`` to ``max_gap``, denser at small gaps (t^1.5 spacing)."""
    lo = check_real("min_gap", min_gap, low=0.0, low_open=True)
    hi = check_real("max_gap", max_gap, low=lo, low_open=True)
    n = check_int("n", n, low=3, high=64)
    t = np.linspace(0.0, 1.0, n) ** 1.5
    # rounded to 0.1 nm: a stable cache key, and a node never a float hair outside [min_gap, max_gap]
    g = np.round((lo + (hi - lo) * t) * 1e10) / 1e10
    g[0], g[-1] = lo, hi
    return tuple(float(x) for x in g)


@dataclass(frozen=True)
class KappaTable:
    """κ(gap) of one cross-section: the solved ``gaps`` (m), ``n_even``/``n_odd`` supermode indices there, the
    ``wavelength`` (m); ``usable`` marks the nodes above the precision floor. Call it with gaps (m) → κ (1/m)."""

    gaps: tuple
    n_even: tuple
    n_odd: tuple
    wavelength: float

    def __post_init__(self):
        n = len(self.gaps) if isinstance(self.gaps, tuple) else -1
        if n < 2:
            raise ValueError(f"gaps must be a tuple of >= 2 gaps (m); got {self.gaps!r}")
        g = check_array("gaps", self.gaps, low=0.0, low_open=True, high=1e-4)
        if np.any(np.diff(g) <= 0):
            raise ValueError(f"gaps must increase strictly; got {self.gaps!r}")
        for name in ("n_even", "n_odd"):
            v = getattr(self, name)
            if not isinstance(v, tuple) or len(v) != n:
                raise ValueError(f"{name} must be a tuple of {n} effective indices (one per gap); got {v!r}")
            check_array(name, v, low=1.0, high=10.0)
        check_real("wavelength", self.wavelength, low=1e-7, high=1e-4)

    @property
    def kappa(self) -> np.ndarray:
        """κ = π(n_e − n_o)/λ (1/m) at the nodes, as solved (noise included at the floor)."""
        return math.pi * (np.array(self.n_even) - np.array(self.n_odd)) / self.wavelength

    @property
    def usable(self) -> np.ndarray:
        """Nodes above the precision floor, up to the first one that is not (κ falling with the gap)."""
        ne, no = np.array(self.n_even), np.array(self.n_odd)
        ok = (ne - no) / ne > SPLITTING_FLOOR
        k = self.kappa
        out = np.zeros(ok.size, bool)
        for i in range(ok.size):
            if not ok[i] or (i > 0 and k[i] >= k[i - 1]):
                break
            out[i] = True
        return out

    @property
    def decay_constant(self) -> float:
        """p (1/m) of κ ∝ e^{−pg} from the last two usable nodes (the extrapolation's slope)."""
        g, lk = self._nodes
        return float(-(lk[-1] - lk[-2]) / (g[-1] - g[-2]))

    @cached_property
    def _nodes(self):
        use = self.usable
        if use.sum() < 3:
            raise ValueError(f"gaps: only {int(use.sum())} of the {use.size} table gaps "
                             f"{[round(g * 1e9) for g in self.gaps]} nm have a supermode splitting above the "
                             f"solver's floor (relative {SPLITTING_FLOOR:g}); lower max_gap")
        return np.array(self.gaps)[use], np.log(self.kappa[use])

    @cached_property
    def _interpolant(self):
        g, lk = self._nodes
        return PchipInterpolator(g, lk, extrapolate=False)

    def __call__(self, gap):
        """κ (1/m) at edge gaps ``gap`` (m, >= the first node): PCHIP in log κ, exponential beyond the last usable
        node."""
        g = check_array("gap", gap, low=self.gaps[0] * (1 - 1e-12))
        nodes, lk = self._nodes
        p = self.decay_constant
        inside = np.clip(g, nodes[0], nodes[-1])
        out = np.where(g <= nodes[-1], self._interpolant(inside), lk[-1] - p * (g - nodes[-1]))
        out = np.exp(out)
        return out if out.ndim else float(out)


def kappa_table(waveguide, wavelength: float | None = None, *, min_gap: float = 100e-9, max_gap: float = 2e-6,
                step: float = SOLVER_STEP, n: int = TABLE_SIZE) -> KappaTable:
    """κ(gap) table of two copies of ``waveguide`` (a ``RibWaveguide``: width, height, slab_height, temperature)
    at ``wavelength`` (m; default the guide's) on ``n`` gaps over [``min_gap``, ``max_gap``] (m), grid ``step``
    (m). Cached (memory and disk) by the cross-section, wavelength, step and gaps."""
    from .waveguides import RibWaveguide

    if not isinstance(waveguide, RibWaveguide):
        raise TypeError(f"waveguide must be a RibWaveguide; got {type(waveguide).__name__}")
    lam = waveguide.wavelength if wavelength is None else check_real("wavelength", wavelength, low=1.2e-6,
                                                                     high=2.0e-6)
    check_real("step", step, low=2e-9, high=50e-9)
    gaps = table_gaps(min_gap, max_gap, n)
    geometry = (float(waveguide.width), float(waveguide.height), float(waveguide.slab_height),
                float(waveguide.temperature))
    step = float(step)

    def compute():
        from .cross_section_solvers import coupled_supermode_indices

        ne, no = coupled_supermode_indices(np.array(gaps), width=geometry[0], height=geometry[1],
                                           slab_height=geometry[2], temperature=geometry[3], wavelength=lam,
                                           step=step)
        return {"n_even": [float(x) for x in ne], "n_odd": [float(x) for x in no]}

    d = cached("coupling_table", (geometry, float(lam), step, gaps), compute)
    return KappaTable(gaps, tuple(d["n_even"]), tuple(d["n_odd"]), float(lam))
