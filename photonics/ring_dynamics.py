"""Time-domain coupled-mode theory of a microring: the RK4 kernel, its rates and the simulation record.

Dynamics: coupled-mode theory in time (H. A. Haus, "Waves and Fields in Optoelectronics", 1984, ch. 7;
W. D. Sacher and J. K. S. Poon, "Dynamics of microring resonator modulators", Opt. Express 16, 15741
(2008)), in a frame rotating at the laser frequency ω:

    da/dt = (j(ω0(V_j) − ω) − 1/τ(V_j))·a − jμ1·s_in,   s_thru = s_in − jμ1·a,   s_drop = −jμ2·a
    1/τ = 1/τ_i(V_j) + 1/τ_e1 + 1/τ_e2,   μk² = 2/τ_ek,   1/τ_i = −ln(a)/T_rt,  1/τ_ek = −ln(rk)/T_rt
    dV_j/dt = (V_drive − V_j) / ((R_source + R_junction)·C_junction(V_j))

|a|² is the stored energy (J) when s is in √W; the photon (energy) lifetime is τ/2 ≈ Q_loaded/ω0.
T_rt = n_g L/c. The log-form rates reproduce the Airy decay per round trip and agree with the static
transfer function to second order in (1 − r a) (single-mode approximation, valid for high finesse).
The junction voltage follows the drive through the single-pole RC of the doped length (series
resistance and bias-dependent depletion capacitance) with the driver's source impedance; both ODEs are
integrated together by a fixed-step RK4 Numba kernel with the drive linearly interpolated between
samples. ``small_signal_response`` is the exact linearisation of the same equations (shows the
detuning-induced peaking of Sacher & Poon) and ``eo_bandwidth`` its electrical 3-dB point.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = ["CoupledModeParameters", "RingSimulation"]


# ------------------------------------------------------------------------------------------------
# Time-domain coupled-mode kernel
# ------------------------------------------------------------------------------------------------
@njit(cache=True, inline="always")
def _interp_uniform(x, x0, dx, table):
    u = (x - x0) / dx
    n = table.shape[0]
    if u <= 0.0:
        i = 0
    elif u >= n - 1:
        i = n - 2
    else:
        i = int(u)
    f = u - i
    return table[i] + f * (table[i + 1] - table[i])


@njit(cache=True)
def _cmt_rk4_kernel(v_drive, s_in, dt, n_sub, v0_grid, dv_grid, detuning, decay, inv_rc, mu1,
                    v_init, a_init):
    """RK4 integration of dV/dt = (V_d − V)·inv_rc(V), da/dt = (j·det(V) − decay(V))·a − j·mu1·s.

    v_drive (N,) float, s_in (N,) complex: samples at spacing dt, linearly interpolated in between.
    detuning, decay, inv_rc: tables on the uniform voltage grid v0_grid + k·dv_grid.
    Returns (a, v) at the sample times; a[0] = a_init, v[0] = v_init.
    """
    n = v_drive.shape[0]
    a_out = np.empty(n, dtype=np.complex128)
    v_out = np.empty(n, dtype=np.float64)
    a = a_init
    v = v_init
    a_out[0] = a
    v_out[0] = v
    h = dt / n_sub
    for k in range(n - 1):
        vd0 = v_drive[k]
        dvd = v_drive[k + 1] - vd0
        s0 = s_in[k]
        ds = s_in[k + 1] - s0
        for m in range(n_sub):
            f0 = m / n_sub
            fm = (m + 0.5) / n_sub
            f1 = (m + 1.0) / n_sub
            # stage 1
            vd = vd0 + f0 * dvd
            s = s0 + f0 * ds
            kv1 = (vd - v) * _interp_uniform(v, v0_grid, dv_grid, inv_rc)
            ka1 = (1j * _interp_uniform(v, v0_grid, dv_grid, detuning)
                   - _interp_uniform(v, v0_grid, dv_grid, decay)) * a - 1j * mu1 * s
            # stage 2
            vd = vd0 + fm * dvd
            s = s0 + fm * ds
            vv = v + 0.5 * h * kv1
            aa = a + 0.5 * h * ka1
            kv2 = (vd - vv) * _interp_uniform(vv, v0_grid, dv_grid, inv_rc)
            ka2 = (1j * _interp_uniform(vv, v0_grid, dv_grid, detuning)
                   - _interp_uniform(vv, v0_grid, dv_grid, decay)) * aa - 1j * mu1 * s
            # stage 3
            vv = v + 0.5 * h * kv2
            aa = a + 0.5 * h * ka2
            kv3 = (vd - vv) * _interp_uniform(vv, v0_grid, dv_grid, inv_rc)
            ka3 = (1j * _interp_uniform(vv, v0_grid, dv_grid, detuning)
                   - _interp_uniform(vv, v0_grid, dv_grid, decay)) * aa - 1j * mu1 * s
            # stage 4
            vd = vd0 + f1 * dvd
            s = s0 + f1 * ds
            vv = v + h * kv3
            aa = a + h * ka3
            kv4 = (vd - vv) * _interp_uniform(vv, v0_grid, dv_grid, inv_rc)
            ka4 = (1j * _interp_uniform(vv, v0_grid, dv_grid, detuning)
                   - _interp_uniform(vv, v0_grid, dv_grid, decay)) * aa - 1j * mu1 * s
            v = v + h / 6.0 * (kv1 + 2.0 * kv2 + 2.0 * kv3 + kv4)
            a = a + h / 6.0 * (ka1 + 2.0 * ka2 + 2.0 * ka3 + ka4)
        a_out[k + 1] = a
        v_out[k + 1] = v
    return a_out, v_out


# ------------------------------------------------------------------------------------------------
# Results
# ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CoupledModeParameters:
    """Coupled-mode-theory rates of the ring at one junction voltage (all SI).

    omega0: resonance angular frequency (rad/s); decay_intrinsic, decay_bus, decay_drop: field decay
    rates 1/τ_i, 1/τ_e1, 1/τ_e2 (1/s; energy decays at twice these); mu_bus, mu_drop: coupling rates
    μ = √(2/τ_e) (1/√s); round_trip_time: T_rt = n_g L/c (s).
    """

    omega0: float
    decay_intrinsic: float
    decay_bus: float
    decay_drop: float
    mu_bus: float
    mu_drop: float
    round_trip_time: float

    @property
    def decay_total(self) -> float:
        """1/τ (1/s), the total field decay rate."""
        return self.decay_intrinsic + self.decay_bus + self.decay_drop

    @property
    def photon_lifetime(self) -> float:
        """Energy lifetime τ/2 (s) = Q_loaded/ω0."""
        return 0.5 / self.decay_total

    @property
    def q_loaded(self) -> float:
        return self.omega0 * self.photon_lifetime


@dataclass(frozen=True, eq=False)
class RingSimulation:
    """Output of ``RingModulator.simulate``: fields in √W at the sample times (baseband at the laser).

    cavity: mode amplitude (√J; |cavity|² is the stored energy). junction_voltage: V_j(t) (V, reverse).
    drop: drop-port field (None for an all-pass ring).
    """

    sample_rate: float
    wavelength: float
    input_field: np.ndarray
    through: np.ndarray
    drop: np.ndarray | None
    cavity: np.ndarray
    junction_voltage: np.ndarray

    @property
    def time(self) -> np.ndarray:
        return np.arange(self.through.size) / self.sample_rate

    @property
    def through_power(self) -> np.ndarray:
        return np.abs(self.through) ** 2

    @property
    def drop_power(self) -> np.ndarray | None:
        return None if self.drop is None else np.abs(self.drop) ** 2

    @property
    def energy(self) -> np.ndarray:
        """Stored energy (J)."""
        return np.abs(self.cavity) ** 2
