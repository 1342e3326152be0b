"""Batched large-signal simulation of the laser rate equations with Langevin noise (one parallel Numba kernel).

``simulate_lasers`` integrates many lasers at once (one drive and/or one parameter set per laser); the
equations and noise terms are in the ``photonics.lasers`` docstring, the kernel in ``photonics._laser_kernels``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optolink.core.validate import as_rng, check_array, check_bool, check_real

from .laser_params import LaserParams
from .rate_equations import (
    _coefficient_table,
    _column,
    _stable_step_sets,
    _stable_steps,
    _stack,
    _steady_nS,
    _take,
)

__all__ = ["LaserTrace", "simulate_lasers"]


# --------------------------------------------------------------------------------------------------------
# Batched simulation
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LaserTrace:
    """Output of `simulate_lasers`: arrays (samples,) for one laser or (lasers, samples).

    Sample k is the state after current[k] has been applied for one interval:
    ``time[k] = (k + 1)/sample_rate``.
    `carrier_density`, `photon_density` in m⁻³; `phase` (rad, unwrapped, relative to the threshold
    resonance); `power` per facet in W. `field` = √power · exp(jφ) in √W; `frequency` is the instantaneous
    frequency offset (α_H/4π)(Γ v_g a0 (N − N_t) − 1/τp) in Hz — the total (transient + adiabatic) chirp.
    """

    sample_rate: float  # Hz
    carrier_density: np.ndarray
    photon_density: np.ndarray
    phase: np.ndarray
    power: np.ndarray
    chirp_slope: np.ndarray  # per laser, Hz per m⁻³: (α_H/4π) Γ v_g a0
    chirp_offset: np.ndarray  # per laser, Hz

    @property
    def time(self) -> np.ndarray:
        return (np.arange(self.power.shape[-1]) + 1.0) / self.sample_rate

    @property
    def field(self) -> np.ndarray:
        return np.sqrt(self.power) * np.exp(1j * self.phase)

    @property
    def frequency(self) -> np.ndarray:
        return self.chirp_slope * self.carrier_density + self.chirp_offset


def simulate_lasers(params, current, sample_rate, *, n_samples: int | None = None, substeps: int = 1,
                    noise: bool = True, rng=None, initial="steady") -> LaserTrace:
    """Integrate the rate equations with Langevin noise for one or many lasers in one parallel kernel.

    params   `LaserParams` / `RateEquationLaser`, or a sequence of them (one per laser, or length 1).
    current  drive current in A (≥ 0, finite), held constant over each sample interval (zero-order hold):
             scalar (needs `n_samples`), (samples,) waveform (shared by all lasers), or (lasers, samples);
             a (lasers, 1) array with `n_samples` gives each laser a constant current.
    sample_rate  of `current` and of the outputs, Hz; the fixed integration step is 1/(sample_rate·`substeps`).
             A step beyond the RK4 stability limit (see `RateEquationLaser.max_stable_step`) is refused with
             the largest stable value.
    noise    add the Langevin forces (``photonics.lasers`` docstring). Random numbers: one 64-bit seed per
             laser drawn from `rng` (a numpy Generator or an int seed; required with noise), feeding an
             in-kernel xoshiro256** stream (see photonics._laser_kernels) — reproducible for a given rng
             state, independent of threads.
    initial  "steady" (the deterministic steady state at each laser's first current, φ = 0), "off"
             (N = S = φ = 0), or explicit (N, S, φ) as shape (3,) or (lasers, 3).
    Returns a `LaserTrace`; arrays are (samples,) when a single parameter set and a scalar/1-D current
    were given, else (lasers, samples).
    """
    from photonics import _laser_kernels as kern

    single = isinstance(params, LaserParams) or isinstance(getattr(params, "params", None), LaserParams)
    plist = [params] if single else list(params)
    if not plist:
        raise ValueError("params must hold at least one LaserParams")
    plist = [q.params if isinstance(getattr(q, "params", None), LaserParams) else q for q in plist]
    for q in plist:
        if not isinstance(q, LaserParams):
            raise TypeError(f"params must be LaserParams or RateEquationLaser, got {type(q).__name__}")
    dt = 1.0 / check_real("sample_rate", sample_rate, low=1e6, high=1e18)  # a step of at most 1 µs
    if isinstance(substeps, bool) or not isinstance(substeps, int | np.integer) or substeps < 1:
        raise ValueError(f"substeps must be an integer >= 1, got {substeps!r}")
    cur = check_array("current", current, low=0.0, high=10.0)
    if cur.ndim > 2:
        raise ValueError(f"current must be a scalar, (samples,) or (lasers, samples); got shape {cur.shape}")
    n_sets = len(plist)
    if cur.ndim == 2:
        n_lasers = max(cur.shape[0], n_sets)
        if cur.shape[0] not in (1, n_lasers) or n_sets not in (1, n_lasers):
            raise ValueError(f"current has {cur.shape[0]} rows but {n_sets} parameter sets were given; "
                             "use one row per laser (or 1) and one parameter set per laser (or 1)")
    else:
        n_lasers = n_sets
    cur2 = np.ascontiguousarray(cur.reshape((1, -1)) if cur.ndim < 2 else cur)
    mc = cur2.shape[1]
    if n_samples is None:
        if cur.ndim == 0 or (cur.ndim == 2 and mc == 1):
            raise ValueError("n_samples is required when current is constant (scalar or (lasers, 1))")
        n_samples = mc
    if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer) or n_samples < 1:
        raise ValueError(f"n_samples must be an integer >= 1, got {n_samples!r}")
    n_samples = int(n_samples)
    if mc not in (1, n_samples):
        raise ValueError(f"current has {mc} samples but n_samples = {n_samples}")
    check_bool("noise", noise)
    if 32 * n_lasers * n_samples > 2**32:  # memory estimate before allocation: N, S, φ and power, float64
        raise ValueError(f"n_samples = {n_samples} for {n_lasers} laser(s) needs "
                         f"{32 * n_lasers * n_samples / 2**30:.3g} GiB of output arrays (at most 4 GiB); "
                         "simulate shorter records")
    if n_lasers * n_samples * substeps > 2**31:
        raise ValueError(f"{n_lasers} laser(s) × n_samples {n_samples} × substeps {substeps} integration steps is "
                         "over the cap of 2^31; use fewer substeps or shorter records")
    squeeze = single and cur.ndim < 2

    set_index = np.zeros(n_lasers, dtype=np.int64) if n_sets == 1 else np.arange(n_lasers, dtype=np.int64)
    ns = _stack(plist)
    per_laser = _take(ns, set_index)
    # initial state
    if isinstance(initial, str):
        if initial not in ("steady", "off"):
            raise ValueError(f"initial must be 'steady', 'off' or (N, S, phi); got {initial!r}")
        y0 = np.zeros((n_lasers, 3))
        if initial == "steady":
            first = np.broadcast_to(cur2[:, 0], (n_lasers,))
            y0[:, 0], y0[:, 1] = _steady_nS(per_laser, first)
    else:
        y0 = check_array("initial", initial)
        if y0.shape == (3,):
            y0 = np.tile(y0, (n_lasers, 1))
        if y0.shape != (n_lasers, 3):
            raise ValueError(f"initial must have shape (3,) or ({n_lasers}, 3), got {y0.shape}")
        if np.any(y0[:, :2] < 0):
            raise ValueError("initial carrier and photon densities must be >= 0")
        y0 = np.ascontiguousarray(y0, dtype=float)
    # stability of the fixed step, per parameter set (current range of its lasers) and per initial state
    h = dt / substeps
    if cur2.shape[0] == 1 or n_sets == 1:
        i_lo = np.full(n_sets, cur2.min())
        i_hi = np.full(n_sets, cur2.max())
    else:
        i_lo, i_hi = cur2.min(axis=1), cur2.max(axis=1)
    h_max = _stable_step_sets(ns, i_lo, i_hi, isinstance(initial, str) and initial == "off")
    if not isinstance(initial, str):
        h_init = _stable_steps(_column(per_laser), y0[:, 0:1], y0[:, 1:2])
        h_set = np.full(n_sets, np.inf)
        np.minimum.at(h_set, set_index, h_init)
        h_max = np.minimum(h_max, h_set)
    worst = int(np.argmin(h_max))
    if h > h_max[worst]:
        hm = float(h_max[worst])
        raise ValueError(
            f"time step 1/(sample_rate·substeps) = {h:.4g} s is too large for stability (parameter set "
            f"{worst}): the largest stable RK4 step for these currents is {hm:.4g} s; use sample_rate >= "
            f"{1.0 / hm:.4g} Hz or substeps >= {math.ceil(dt / hm)}")
    if noise:
        seeds = as_rng(rng).integers(0, 2**64, size=n_lasers, dtype=np.uint64)
    else:
        seeds = np.zeros(n_lasers, dtype=np.uint64)
    coef = _coefficient_table(plist)
    out_n = np.empty((n_lasers, n_samples))
    out_s = np.empty((n_lasers, n_samples))
    out_phi = np.empty((n_lasers, n_samples))
    kern.simulate_kernel(cur2, set_index, coef, float(dt), int(substeps), bool(noise), seeds, y0,
                         out_n, out_s, out_phi)
    pf = np.array([q.power_per_photon_density for q in plist])[set_index][:, None]
    a = np.array([q.alpha_h / (4 * math.pi) * q.confinement * q.group_velocity * q.gain_slope
                  for q in plist])[set_index][:, None]
    b = np.array([-q.alpha_h / (4 * math.pi) * (q.confinement * q.group_velocity * q.gain_slope
                                                * q.n_transparency + 1.0 / q.tau_p)
                  for q in plist])[set_index][:, None]
    power = out_s * pf
    if squeeze:
        out_n, out_s, out_phi, power, a, b = (x[0] for x in (out_n, out_s, out_phi, power, a, b))
    return LaserTrace(sample_rate=float(sample_rate), carrier_density=out_n, photon_density=out_s, phase=out_phi,
                      power=power, chirp_slope=a, chirp_offset=b)
