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

import math
from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy.optimize import brentq

from optolink.core.constants import C
from optolink.core.validate import check_array, check_real

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


def rates(ring, v):
    """Vectorised (detuning-free) ω0(V) and total field decay 1/τ(V) (1/s)."""
    t_rt = ring.round_trip_time
    w0 = 2 * math.pi * C / np.asarray(ring.resonance_wavelength(v))
    ext = -math.log(ring.self_coupling * ring.drop_self_coupling) / t_rt
    decay = -np.log(np.asarray(ring.round_trip_amplitude(v))) / t_rt + ext
    return w0, decay

def laser_wavelength(ring, wavelength, v) -> float:
    """The laser wavelength of a simulation (m; default the ring's operating wavelength at ``v``), refused
    beyond FSR/2 of the tracked resonance (single-mode coupled-mode theory)."""
    lam = ring.operating_wavelength(v) if wavelength is None else wavelength
    lam = float(ring._wl(lam))
    fsr = float(ring.fsr(v))
    lam_res = float(ring.resonance_wavelength(v))
    if abs(lam - lam_res) > fsr / 2:
        raise ValueError(f"wavelength must be within FSR/2 of the resonance, in [{lam_res - fsr / 2:g}, "
                         f"{lam_res + fsr / 2:g}] m (single-mode coupled-mode theory); got {lam}")
    return lam


MAX_RK4_STEPS = 5e7  # RK4 steps per simulate call (about a second): beyond, a too-low sample rate, not a job


def simulate(ring, drive_voltage, sample_rate: float, wavelength=None, input_power=1e-3, input_field=None,
             initial: str = "steady", max_step: float | None = None) -> RingSimulation:
    """`RingModulator.simulate` (its docstring has the arguments): the drive tabulated on a voltage grid, then
    the RK4 kernel."""
    vd = check_array("drive_voltage", drive_voltage, low=-1.0, high=30.0)
    if vd.ndim != 1 or vd.size < 2:
        raise ValueError(f"drive_voltage must be a 1-D array of >= 2 samples; got shape {vd.shape}")
    fs = check_real("sample_rate", sample_rate, low=0.0, low_open=True)
    n = vd.size
    if input_field is not None:
        s_in = np.asarray(input_field, dtype=complex)
        if s_in.shape != (n,) or not np.all(np.isfinite(s_in)):
            raise ValueError(f"input_field must be finite complex of shape ({n},)")
    else:
        p = check_array("input_power", input_power, low=0.0)
        if p.ndim and p.shape != (n,):
            raise ValueError(f"input_power must be a scalar or of shape ({n},); got {p.shape}")
        s_in = np.sqrt(np.broadcast_to(p, (n,))).astype(complex)
    if initial not in ("steady", "empty"):
        raise ValueError(f"initial must be 'steady' or 'empty'; got {initial!r}")
    lam = laser_wavelength(ring, wavelength, ring.bias_voltage)
    w_laser = 2 * math.pi * C / lam

    # tables on a uniform voltage grid covering the drive
    v_lo, v_hi = float(vd.min()), float(vd.max())
    span = max(v_hi - v_lo, 0.2)
    grid = np.linspace(v_lo - 0.05 * span, v_hi + 0.05 * span, 513)
    grid = np.clip(grid, -1.0, None)
    grid = np.linspace(grid[0], grid[-1], grid.size)
    w0, decay = rates(ring, grid)
    detuning = np.ascontiguousarray(w0 - w_laser)
    inv_rc = np.ascontiguousarray(1.0 / np.asarray(ring.rc_time_constant(grid)))
    decay = np.ascontiguousarray(decay)
    cmt = ring.coupled_mode_parameters(float(vd[0]))
    mu1, mu2 = cmt.mu_bus, cmt.mu_drop

    fastest = max(float(np.max(np.abs(detuning))), float(np.max(decay)), float(np.max(inv_rc)))
    h_max = 0.05 / fastest if max_step is None else check_real("max_step", max_step, low=0.0, low_open=True)
    dt = 1.0 / fs
    if not dt / h_max * n <= MAX_RK4_STEPS:
        raise ValueError(f"{n} samples at {fs:.3g} Sa/s need {dt / h_max * n:.3g} RK4 steps of <= {h_max:.3g} s (the "
                         f"ring's fastest rate); at most {MAX_RK4_STEPS:.0e} — raise sample_rate or shorten the drive")
    n_sub = max(1, math.ceil(dt / h_max))

    v_init = float(vd[0])
    if initial == "steady":
        c0 = 1j * (cmt.omega0 - w_laser) - cmt.decay_total
        a_init = complex(1j * mu1 * s_in[0] / c0)
    else:
        a_init = 0j
    a, vj = _cmt_rk4_kernel(np.ascontiguousarray(vd), np.ascontiguousarray(s_in), dt, n_sub,
                            float(grid[0]), float(grid[1] - grid[0]), detuning, decay, inv_rc, mu1,
                            v_init, a_init)
    through = s_in - 1j * mu1 * a
    drop = -1j * mu2 * a if ring.is_add_drop else None
    return RingSimulation(fs, lam, s_in, through, drop, a, vj)


def small_signal(ring, wavelength, bias_voltage, port: str, include_rc: bool, input_power: float,
                  normalized: bool):
    """(P̂(f), P̂(0)): the linearised CMT + RC response as a function of frequency (Hz), in W per V of
    drive, and its low-frequency value; validates once, so that ``eo_bandwidth`` can evaluate it many
    times. ``normalized``: refuse a laser on the resonance, where P̂(0) = 0."""
    if port not in ("through", "drop"):
        raise ValueError(f"port must be 'through' or 'drop'; got {port!r}")
    if port == "drop" and not ring.is_add_drop:
        raise ValueError("port 'drop' needs an add-drop ring (drop_gap is None)")
    v = ring._scalar_v(bias_voltage)
    lam = laser_wavelength(ring, wavelength, v)
    p_in = check_real("input_power", input_power, low=0.0, low_open=True)
    w_laser = 2 * math.pi * C / lam
    hv = 1e-3
    w0, dec = rates(ring, np.array([v - hv, v, v + hv]))
    c0 = 1j * (w0[1] - w_laser) - dec[1]
    cp = 1j * (w0[2] - w0[0]) / (2 * hv) - (dec[2] - dec[0]) / (2 * hv)
    cmt = ring.coupled_mode_parameters(v)
    s = math.sqrt(p_in)
    a0 = 1j * cmt.mu_bus * s / c0
    if port == "through":
        d = -1j * cmt.mu_bus
        so = s + d * a0
    else:
        d = -1j * cmt.mu_drop
        so = d * a0
    rc = float(ring.rc_time_constant(v)) if include_rc else 0.0

    def response(freq):
        om = 2 * np.pi * np.asarray(freq, dtype=float)
        vj = 1.0 / (1 + 1j * om * rc)
        ap = cp * vj * a0 / (2 * (1j * om - c0))
        am = cp * np.conj(vj) * a0 / (2 * (-1j * om - c0))
        return 2 * (np.conj(so) * d * ap + so * np.conj(d) * np.conj(am))

    p0 = complex(response(0.0))
    if normalized and abs(p0) < 1e-9 * p_in:
        raise ValueError("no first-order modulation at this wavelength (laser on the resonance); "
                         "detune the laser")
    return response, p0


def bandwidth_3db(response, p0: complex) -> float:
    """First frequency (Hz) where |response(f)/p0| = 1/√2 (−3 dB electrical): a log grid from 10 MHz to 10 THz,
    then Brent's method in the bracketing interval; inf when the response never falls that low."""
    f = np.logspace(7, 13, 601)
    h = np.abs(response(f) / p0)
    below = np.nonzero(h < 1 / math.sqrt(2))[0]
    if below.size == 0:
        return math.inf
    i = int(below[0])
    if i == 0:
        return float(f[0])

    def g(x):
        return abs(complex(response(x)) / p0) - 1 / math.sqrt(2)

    return brentq(g, f[i - 1], f[i], xtol=1e-3, rtol=1e-10)
