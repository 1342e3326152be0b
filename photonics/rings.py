"""Silicon microring modulators: all-pass and add-drop rings driven by a depletion PN junction.

Static response (W. Bogaerts et al., "Silicon microring resonators", Laser Photonics Rev. 6, 47 (2012),
eqs. 1-6 and §2.2). Round-trip length L = 2πR (+ 2·coupling_length for a racetrack), round-trip field
amplitude a = exp(−ᾱL/2) with ᾱ the circumference-averaged power loss coefficient (the doped
``junction_fraction`` of the ring at the junction voltage, the rest at the waveguide's intrinsic loss,
plus ``excess_loss_db_per_m``), round-trip phase φ = 2π·n_eff(λ, V)·L/λ with first-order dispersion
n_eff(λ) = n_eff0 + Δ(V) − (n_g − n_eff0)(λ − λ0)/λ0, so that FSR = λ²/(n_g L) holds exactly.

    all-pass  T = (a² − 2ra·cos φ + r²)/(1 − 2ar·cos φ + (ra)²)
    add-drop  T_thru = (r2²a² − 2r1r2a·cos φ + r1²)/(1 − 2r1r2a·cos φ + (r1r2a)²)
              T_drop = (1 − r1²)(1 − r2²)·a/(1 − 2r1r2a·cos φ + (r1r2a)²)
    FWHM = (1 − r1r2a)·λ²/(π n_g L √(r1r2a)),  Q_loaded = λ/FWHM,  Q_i = 2π n_g/(λ ᾱ).

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

Not modelled: bend radiation loss (add it through ``excess_loss_db_per_m``), self-heating and
two-photon absorption at high power, pad/wire parasitics, forward-bias injection.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from numba import njit
from scipy.optimize import brentq

from optolink.core.constants import C
from optolink.core.units import alpha_from_db_per_m
from optolink.core.validate import check_array, check_real

from .phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter
from .waveguides import RibWaveguide, SlabMode

__all__ = [
    "CouplingModel",
    "CoupledModeParameters",
    "RingModulator",
    "RingSimulation",
    "coupled_phase",
    "slab_coupling_coefficient",
    "supermode_indices",
]

WAVELENGTH_SPAN = 100e-9  # m: accepted distance of a wavelength from the design wavelength


# ------------------------------------------------------------------------------------------------
# Coupling vs gap
# ------------------------------------------------------------------------------------------------
def _slab_numbers(mode: SlabMode, wavelength: float):
    k0 = 2 * math.pi / wavelength
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
    lc = check_real("coupling_length", coupling_length, low=0.0)
    p = mode.gamma
    theta_max = math.pi / 2 if 40.0 / p >= R else math.acos(1.0 - 40.0 / (p * R))
    x, wts = _gauss_legendre(n_nodes)
    theta = theta_max * x
    gaps = g + R * (1.0 - np.cos(theta))
    kappa = np.asarray(slab_coupling_coefficient(mode, gaps, wavelength, method))
    arc = theta_max * float(np.sum(wts * kappa * R * np.cos(theta)))
    straight = float(slab_coupling_coefficient(mode, g, wavelength, method)) * lc
    return kappa_scale * (arc + straight)


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


# ------------------------------------------------------------------------------------------------
# Ring modulator
# ------------------------------------------------------------------------------------------------
def _default_ring_phase_shifter() -> DepletionPhaseShifter:
    # Ring modulators use heavier doping than MZMs (short junction; bandwidth from overcoupling):
    # 1.5e18 cm⁻³ both sides, junction centred (intrinsic Q ≈ 2e4, ≈ 29 pm/V at 1 V).
    return DepletionPhaseShifter(na=1.5e24, nd=1.5e24)


@dataclass(frozen=True)
class RingModulator:
    """Depletion-mode microring modulator, all-pass (``drop_gap=None``) or add-drop; all SI.

    radius: ring radius to the waveguide centre (m). gap: bus-ring edge gap (m); drop_gap: drop-bus gap
    (m) or None for an all-pass ring. phase_shifter: the ring's doped waveguide (its ``waveguide`` is
    the ring and bus cross-section). junction_fraction: fraction of the circumference with the PN
    junction (the rest is undoped, e.g. at the coupler). bias: DC reverse bias (V) of the operating
    point. heater: thermo-optic heater over the ring (None: no heater); heater_power: its operating
    power (W). coupling_model: κ(gap) model and gap limits. source_impedance: driver output impedance
    (Ω). excess_loss_db_per_m: extra loss around the whole ring (bend radiation, roughness).
    order: azimuthal order m of the tracked resonance (None: the one nearest the design wavelength at
    ``bias`` without heating).

    Defaults: the doping (1.5e18 cm⁻³ each side) is heavier than an MZM's, as is usual for rings; the
    gap (250 nm) puts the default ring over-coupled at 1 V (K ≈ 0.061 against a round-trip loss
    1 − a² ≈ 0.038; ER ≈ 12 dB, Q_loaded ≈ 7.3e3, EO bandwidth ≈ 26 GHz), trading extinction for
    bandwidth; ``critical_gap()`` (≈ 289 nm with the weak-coupling model) gives critical coupling.
    """

    radius: float = 7.5e-6
    gap: float = 250e-9
    drop_gap: float | None = None
    phase_shifter: DepletionPhaseShifter = field(default_factory=_default_ring_phase_shifter)
    junction_fraction: float = 0.8
    bias: float = 1.0
    heater: ThermoOpticPhaseShifter | None = field(default_factory=ThermoOpticPhaseShifter)
    heater_power: float = 0.0
    coupling_model: CouplingModel = field(default_factory=CouplingModel)
    source_impedance: float = 50.0
    excess_loss_db_per_m: float = 0.0
    order: int | None = None

    def __post_init__(self):
        if not isinstance(self.phase_shifter, DepletionPhaseShifter):
            raise TypeError("phase_shifter must be a DepletionPhaseShifter, got "
                            f"{type(self.phase_shifter).__name__}")
        if not isinstance(self.coupling_model, CouplingModel):
            raise TypeError(f"coupling_model must be a CouplingModel, got {type(self.coupling_model).__name__}")
        check_real("radius", self.radius, low=1.5e-6, high=1e-3)
        if self.radius <= self.waveguide.width:
            raise ValueError(f"radius must exceed the waveguide width {self.waveguide.width:g} m; "
                             f"got {self.radius}")
        cm = self.coupling_model
        check_real("gap", self.gap, low=cm.min_gap, high=cm.max_gap)
        if self.drop_gap is not None:
            check_real("drop_gap", self.drop_gap, low=cm.min_gap, high=cm.max_gap)
        check_real("junction_fraction", self.junction_fraction, low=0.0, high=1.0, low_open=True)
        if self.junction_fraction < 1e-9:  # degenerate: 5e-324 underflows to a zero doped length
            raise ValueError(f"junction_fraction must be in (0, 1] and >= 1e-9; got {self.junction_fraction}")
        check_real("bias", self.bias, low=-1.0, high=30.0)
        self.phase_shifter.carrier_index(self.bias)  # refuses forward bias beyond V_bi / punch-through
        if self.heater is not None:
            if not isinstance(self.heater, ThermoOpticPhaseShifter):
                raise TypeError(f"heater must be a ThermoOpticPhaseShifter or None, got "
                                f"{type(self.heater).__name__}")
            if self.heater.waveguide != self.waveguide:
                raise ValueError("heater.waveguide must equal phase_shifter.waveguide (the heater sits on "
                                 "the ring); pass heater=ThermoOpticPhaseShifter(waveguide=...) or None")
        check_real("heater_power", self.heater_power, low=0.0, high=1.0)
        if self.heater is None and self.heater_power > 0:
            raise ValueError(f"heater_power must be 0 without a heater; got {self.heater_power}")
        check_real("source_impedance", self.source_impedance, low=0.0, high=1e4)
        check_real("excess_loss_db_per_m", self.excess_loss_db_per_m, low=0.0, high=1e5)
        if self.order is not None and (isinstance(self.order, bool) or not isinstance(self.order, int | np.integer)
                                       or self.order < 1):
            raise ValueError(f"order must be None or an integer >= 1; got {self.order!r}")

    # --- geometry and waveguide -------------------------------------------------------------------
    @property
    def waveguide(self) -> RibWaveguide:
        return self.phase_shifter.waveguide

    @property
    def design_wavelength(self) -> float:
        """λ0 (m): the waveguide's wavelength, where n_eff, n_g and the carrier effects are evaluated."""
        return self.waveguide.wavelength

    @property
    def is_add_drop(self) -> bool:
        return self.drop_gap is not None

    @property
    def length(self) -> float:
        """Round-trip length L = 2πR + 2·coupling_length (m)."""
        return 2 * math.pi * self.radius + 2 * self.coupling_model.coupling_length

    @property
    def doped_length(self) -> float:
        """Length of the PN junction (m)."""
        return self.junction_fraction * self.length

    @property
    def group_index(self) -> float:
        return self.waveguide.group_index

    @property
    def round_trip_time(self) -> float:
        """T_rt = n_g L/c (s)."""
        return self.group_index * self.length / C

    # --- coupling -----------------------------------------------------------------------------------
    def _coupled_phase(self, gap: float) -> float:
        cm = self.coupling_model
        return coupled_phase(self.waveguide.mode.lateral, gap, self.radius, self.design_wavelength,
                             cm.coupling_length, cm.method, cm.kappa_scale)

    @cached_property
    def power_coupling(self) -> float:
        """Bus-ring power cross-coupling K1 = sin²Φ(gap)."""
        return math.sin(self._coupled_phase(self.gap)) ** 2

    @cached_property
    def drop_power_coupling(self) -> float:
        """Drop-bus power cross-coupling K2 (0 for an all-pass ring)."""
        return 0.0 if self.drop_gap is None else math.sin(self._coupled_phase(self.drop_gap)) ** 2

    @property
    def self_coupling(self) -> float:
        """r1 = √(1 − K1)."""
        return math.sqrt(1.0 - self.power_coupling)

    @property
    def drop_self_coupling(self) -> float:
        """r2 = √(1 − K2) (1 for an all-pass ring)."""
        return math.sqrt(1.0 - self.drop_power_coupling)

    def critical_gap(self, v_reverse=None) -> float:
        """Bus gap (m) giving critical coupling at ``v_reverse`` (r1 = r2·a), on the branch Φ < π/2."""
        a = float(self.round_trip_amplitude(v_reverse))
        target = math.asin(math.sqrt(1.0 - (self.drop_self_coupling * a) ** 2))
        cm = self.coupling_model

        def f(g):
            return self._coupled_phase(g) - target

        lo, hi = cm.min_gap, cm.max_gap
        if f(lo) < 0 or f(hi) > 0:
            raise ValueError(f"no critically coupled gap in [{lo:g}, {hi:g}] m for this ring")
        return brentq(f, lo, hi, xtol=1e-20, rtol=1e-15, maxiter=200)

    def coupling_regime(self, v_reverse=None, tolerance: float = 1e-3) -> str:
        """``"under"``, ``"critical"`` or ``"over"`` coupled (r1 vs r2·a, relative ``tolerance``)."""
        ra = self.drop_self_coupling * float(self.round_trip_amplitude(v_reverse))
        r1 = self.self_coupling
        if abs(r1 - ra) <= tolerance * (1 - ra):
            return "critical"
        return "over" if r1 < ra else "under"

    # --- loss and phase -----------------------------------------------------------------------------
    def _v(self, v_reverse):
        v = self.bias if v_reverse is None else v_reverse
        return check_array("v_reverse", v, low=-1.0, high=30.0)

    def _carriers(self, v: np.ndarray):
        if v.size == 1:  # the figures ask for the same few biases many times: memoise scalars per ring
            memo = self.__dict__.setdefault("_carrier_memo", {})
            key = float(v.ravel()[0])
            if key not in memo:
                memo[key] = self.phase_shifter.carrier_index(key)
            dn, da = memo[key]
            return np.full(v.shape, dn), np.full(v.shape, da)
        flat = np.unique(v.ravel())
        dn, da = self.phase_shifter.carrier_index(flat)
        idx = np.searchsorted(flat, v.ravel())
        return np.asarray(dn)[idx].reshape(v.shape), np.asarray(da)[idx].reshape(v.shape)

    def alpha(self, v_reverse=None):
        """Circumference-averaged power loss coefficient ᾱ (1/m) at reverse bias ``v_reverse`` (V)."""
        v = self._v(v_reverse)
        _, da = self._carriers(v)
        a_wg = float(alpha_from_db_per_m(self.waveguide.intrinsic_loss_db_per_m))
        out = a_wg + self.junction_fraction * da + float(alpha_from_db_per_m(self.excess_loss_db_per_m))
        return out if out.ndim else float(out)

    def round_trip_amplitude(self, v_reverse=None):
        """a = exp(−ᾱL/2): field amplitude left after one round trip."""
        out = np.exp(-np.asarray(self.alpha(v_reverse)) * self.length / 2)
        return out if out.ndim else float(out)

    @property
    def thermal_index_change(self) -> float:
        """Circumference-averaged n_eff change from the heater at ``heater_power``: dn/dT·P/(G'·L)."""
        if self.heater is None or self.heater_power == 0:
            return 0.0
        return self.heater.dneff_dt * self.heater_power / (self.heater.thermal_conductance_per_length
                                                           * self.length)

    def _index_shift(self, v: np.ndarray):
        """Δ(V): average n_eff change from the carriers (vs undoped) and the heater."""
        dn, _ = self._carriers(v)
        return self.junction_fraction * dn + self.thermal_index_change

    def _dispersion_offset(self) -> float:
        """(n_g − n_eff0)·L/λ0, so that λ_m = (n_g + Δ)·L/(m + offset)."""
        return (self.group_index - self.waveguide.neff) * self.length / self.design_wavelength

    def _wl(self, wavelength):
        lam0 = self.design_wavelength
        return check_array("wavelength", wavelength, low=lam0 - WAVELENGTH_SPAN, high=lam0 + WAVELENGTH_SPAN)

    def round_trip_phase(self, wavelength, v_reverse=None):
        """φ = 2π·n_eff(λ, V)·L/λ (rad), n_eff(λ) = n_eff0 + Δ(V) − (n_g − n_eff0)(λ − λ0)/λ0."""
        wl, v = np.broadcast_arrays(self._wl(wavelength), self._v(v_reverse))
        lam0, n0, ng = self.design_wavelength, self.waveguide.neff, self.group_index
        n = n0 + self._index_shift(v) - (ng - n0) * (wl - lam0) / lam0
        out = 2 * math.pi * n * self.length / wl
        return out if out.ndim else float(out)

    # --- transfer functions -------------------------------------------------------------------------
    def field_transfer(self, wavelength, v_reverse=None):
        """Complex field transfer ``(through, drop)`` (drop is zero for an all-pass ring).

        Couplers [[t, −jk], [−jk, t]], propagation e^{−jφ}: through = (r1 − r2·a·e^{−jφ})/(1 − r1r2a·e^{−jφ}),
        drop = −k1k2·√a·e^{−jφ/2}/(1 − r1r2a·e^{−jφ}) (loss and phase split evenly between the halves).
        """
        wl, v = np.broadcast_arrays(self._wl(wavelength), self._v(v_reverse))
        phi = np.asarray(self.round_trip_phase(wl, v))
        a = np.asarray(self.round_trip_amplitude(v))
        r1, r2 = self.self_coupling, self.drop_self_coupling
        k1, k2 = math.sqrt(self.power_coupling), math.sqrt(self.drop_power_coupling)
        e = np.exp(-1j * phi)
        den = 1 - r1 * r2 * a * e
        thru = (r1 - r2 * a * e) / den
        drop = -k1 * k2 * np.sqrt(a) * np.exp(-0.5j * phi) / den
        if thru.ndim == 0:
            return complex(thru), complex(drop)
        return thru, drop

    def _round_trip(self, wavelength, v_reverse):
        """(a, cos φ, r1, r2): round-trip field amplitude and phase cosine, and the self-couplings."""
        wl, v = np.broadcast_arrays(self._wl(wavelength), self._v(v_reverse))
        phi = np.asarray(self.round_trip_phase(wl, v))
        a = np.asarray(self.round_trip_amplitude(v))
        return a, np.cos(phi), self.self_coupling, self.drop_self_coupling

    def transmission(self, wavelength, v_reverse=None):
        """Through-port power transmission (Bogaerts 2012 eqs. 2 and 5); arrays broadcast."""
        a, c, r1, r2 = self._round_trip(wavelength, v_reverse)
        out = ((r2 * a) ** 2 - 2 * r1 * r2 * a * c + r1**2) / (1 - 2 * r1 * r2 * a * c + (r1 * r2 * a) ** 2)
        return out if out.ndim else float(out)

    def drop_transmission(self, wavelength, v_reverse=None):
        """Drop-port power transmission (Bogaerts 2012 eq. 6); zero for an all-pass ring."""
        a, c, r1, r2 = self._round_trip(wavelength, v_reverse)
        out = (1 - r1**2) * (1 - r2**2) * a / (1 - 2 * r1 * r2 * a * c + (r1 * r2 * a) ** 2)
        return out if out.ndim else float(out)

    # --- resonances -----------------------------------------------------------------------------------
    @cached_property
    def resonance_order(self) -> int:
        """Azimuthal order m of the tracked resonance."""
        if self.order is not None:
            return int(self.order)
        delta = float(self.phase_shifter.carrier_index(self.bias)[0]) * self.junction_fraction
        m_real = (self.group_index + delta) * self.length / self.design_wavelength - self._dispersion_offset()
        return max(1, int(round(m_real)))

    def resonance_wavelength(self, v_reverse=None, order=None):
        """Resonance wavelength (m) of ``order`` (default: the tracked one) at ``v_reverse``.

        λ_m = (n_g + Δ(V))·L/(m + (n_g − n_eff0)·L/λ0), the root of φ(λ) = 2πm.
        """
        v = self._v(v_reverse)
        m = self.resonance_order if order is None else order
        lam = (self.group_index + self._index_shift(v)) * self.length / (m + self._dispersion_offset())
        lam = np.asarray(lam)
        lam0 = self.design_wavelength
        if np.any(np.abs(lam - lam0) > WAVELENGTH_SPAN):
            raise ValueError(f"order {m} resonates outside [{lam0 - WAVELENGTH_SPAN:g}, "
                             f"{lam0 + WAVELENGTH_SPAN:g}] m, where the dispersion model holds")
        return lam if lam.ndim else float(lam)

    def fsr(self, v_reverse=None):
        """Free spectral range λ²/(n_g L) (m) at the tracked resonance."""
        lam = np.asarray(self.resonance_wavelength(v_reverse))
        out = lam**2 / (self.group_index * self.length)
        return out if out.ndim else float(out)

    def fsr_frequency(self) -> float:
        """FSR in frequency c/(n_g L) (Hz)."""
        return C / (self.group_index * self.length)

    def fwhm(self, v_reverse=None):
        """Full width at half maximum (m): (1 − r1r2a)λ²/(π n_g L √(r1r2a)) (Bogaerts 2012 eq. 7)."""
        lam = np.asarray(self.resonance_wavelength(v_reverse))
        x = self.self_coupling * self.drop_self_coupling * np.asarray(self.round_trip_amplitude(v_reverse))
        out = (1 - x) * lam**2 / (math.pi * self.group_index * self.length * np.sqrt(x))
        return out if out.ndim else float(out)

    def q_loaded(self, v_reverse=None):
        """Loaded Q = λ_res/FWHM."""
        out = np.asarray(self.resonance_wavelength(v_reverse)) / np.asarray(self.fwhm(v_reverse))
        return out if out.ndim else float(out)

    def q_intrinsic(self, v_reverse=None):
        """Intrinsic Q from the loss only: 2π n_g/(λ ᾱ)."""
        out = (2 * math.pi * self.group_index
               / (np.asarray(self.resonance_wavelength(v_reverse)) * np.asarray(self.alpha(v_reverse))))
        return out if out.ndim else float(out)

    def q_coupling(self, v_reverse=None):
        """Coupling (external) Q of both buses: 2π n_g L/(λ·(−2 ln(r1 r2))); 1/Q_L ≈ 1/Q_i + 1/Q_c."""
        lam = np.asarray(self.resonance_wavelength(v_reverse))
        x = -2 * math.log(self.self_coupling * self.drop_self_coupling)
        out = 2 * math.pi * self.group_index * self.length / (lam * x)
        return out if out.ndim else float(out)

    def finesse(self, v_reverse=None):
        out = np.asarray(self.fsr(v_reverse)) / np.asarray(self.fwhm(v_reverse))
        return out if out.ndim else float(out)

    def resonance_transmission(self, v_reverse=None):
        """Through-port transmission at resonance: (r1 − r2a)²/(1 − r1r2a)²."""
        a = np.asarray(self.round_trip_amplitude(v_reverse))
        r1, r2 = self.self_coupling, self.drop_self_coupling
        out = (r1 - r2 * a) ** 2 / (1 - r1 * r2 * a) ** 2
        return out if out.ndim else float(out)

    def drop_peak_transmission(self, v_reverse=None):
        """Drop-port transmission at resonance: (1 − r1²)(1 − r2²)a/(1 − r1r2a)²."""
        a = np.asarray(self.round_trip_amplitude(v_reverse))
        r1, r2 = self.self_coupling, self.drop_self_coupling
        out = (1 - r1**2) * (1 - r2**2) * a / (1 - r1 * r2 * a) ** 2
        return out if out.ndim else float(out)

    def extinction_ratio_db(self, v_reverse=None):
        """Through-port extinction 10·log10(T_max/T_min) (dB): off resonance vs on resonance.

        T_max = (r1 + r2a)²/(1 + r1r2a)² (anti-resonance). Infinite at exact critical coupling.
        """
        a = np.asarray(self.round_trip_amplitude(v_reverse))
        r1, r2 = self.self_coupling, self.drop_self_coupling
        t_max = (r1 + r2 * a) ** 2 / (1 + r1 * r2 * a) ** 2
        t_min = np.asarray(self.resonance_transmission(v_reverse))
        with np.errstate(divide="ignore"):
            out = 10 * np.log10(t_max / t_min)
        return out if out.ndim else float(out)

    def resonance_shift_per_volt(self, v_reverse=None):
        """dλ_res/dV (m/V) at ``v_reverse`` (central difference, 1 mV): ≈ f·(dΔn_eff/dV)·λ/n_g."""
        v = self._v(v_reverse)
        h = 1e-3
        out = (np.asarray(self.resonance_wavelength(v + h)) - np.asarray(self.resonance_wavelength(v - h))) / (2 * h)
        return out if out.ndim else float(out)

    def operating_wavelength(self, v_reverse=None, side: str = "blue") -> float:
        """Laser wavelength of steepest through-port slope next to the resonance: λ_res ∓ FWHM/(2√3).

        (Lorentzian dip; ``side="blue"`` puts the laser at shorter wavelength, so reverse bias, which
        red-shifts the resonance, raises the transmission.)
        """
        if side not in ("blue", "red"):
            raise ValueError(f"side must be 'blue' or 'red'; got {side!r}")
        v = float(check_real("v_reverse", self.bias if v_reverse is None else v_reverse, low=-1.0, high=30.0))
        d = float(self.fwhm(v)) / (2 * math.sqrt(3))
        return float(self.resonance_wavelength(v)) + (-d if side == "blue" else d)

    def modulation(self, wavelength=None, v_low: float = 0.0, v_high: float = 2.0,
                   input_power: float = 1e-3) -> dict:
        """Static modulation figures at laser ``wavelength`` (default: ``operating_wavelength()`` at the
        mid-swing voltage) between reverse biases ``v_low`` and ``v_high`` (V), through port.

        Keys: transmission_v_low, transmission_v_high, extinction_ratio_db (level ratio),
        insertion_loss_db (of the brighter level), oma_w (|ΔT|·input_power), oma_penalty_db
        (−10·log10|ΔT|: OMA below the laser power).
        """
        vl = check_real("v_low", v_low, low=-1.0, high=30.0)
        vh = check_real("v_high", v_high, low=-1.0, high=30.0)
        p_in = check_real("input_power", input_power, low=0.0, low_open=True)
        if wavelength is None:
            wavelength = self.operating_wavelength(0.5 * (vl + vh))
        wl = float(check_real("wavelength", wavelength))
        t_l, t_h = self.transmission(wl, vl), self.transmission(wl, vh)
        hi, lo, d = max(t_l, t_h), min(t_l, t_h), abs(t_h - t_l)
        return {
            "wavelength_m": wl,
            "transmission_v_low": t_l,
            "transmission_v_high": t_h,
            "extinction_ratio_db": 10 * math.log10(hi / lo) if lo > 0 else math.inf,
            "insertion_loss_db": -10 * math.log10(hi),
            "oma_w": d * p_in,
            "oma_penalty_db": -10 * math.log10(d) if d > 0 else math.inf,
        }

    # --- thermal tuning ---------------------------------------------------------------------------
    def _require_heater(self) -> ThermoOpticPhaseShifter:
        if self.heater is None:
            raise ValueError("heater is None: this ring has no heater for thermal tuning")
        return self.heater

    def thermal_tuning_efficiency(self, v_reverse=None) -> float:
        """dλ_res/dP_heater (m/W) = λ·(dn_eff/dT)/((n_g + Δ)·G'·L); independent of the heater's coverage."""
        h = self._require_heater()
        lam = float(self.resonance_wavelength(v_reverse))
        ng_eff = self.group_index + float(self._index_shift(self._v(v_reverse)))
        return lam * h.dneff_dt / (ng_eff * h.thermal_conductance_per_length * self.length)

    def _tuning(self, wavelength, v_reverse=None) -> tuple[float, int]:
        h = self._require_heater()
        lt = float(self._wl(wavelength))
        v = self._v(v_reverse)
        cold = float(self.junction_fraction * self._carriers(v)[0])  # Δ without the heater
        off = self._dispersion_offset()
        m = math.ceil((self.group_index + cold) * self.length / lt - off - 1e-12)
        needed = lt * (m + off) / self.length - self.group_index
        power = (needed - cold) * h.thermal_conductance_per_length * self.length / h.dneff_dt
        return max(power, 0.0), m

    def heater_power_for(self, wavelength, v_reverse=None) -> float:
        """Heater power (W) that red-shifts the nearest resonance (from the blue side) onto ``wavelength``."""
        return self._tuning(wavelength, v_reverse)[0]

    def tuned(self, wavelength, v_reverse=None, detuning: float = 0.0) -> RingModulator:
        """A copy with ``heater_power`` and ``order`` set so that λ_res(v_reverse) = wavelength − detuning.

        E.g. ``detuning = -fwhm/(2√3)`` puts the laser at the blue max-slope point.
        """
        d = check_real("detuning", detuning, low=-WAVELENGTH_SPAN / 2, high=WAVELENGTH_SPAN / 2)
        target = float(check_real("wavelength", wavelength)) - d
        p, m = self._tuning(target, v_reverse)
        if p > 1.0:
            raise ValueError(f"tuning needs {p:g} W of heater power (> 1 W)")
        return replace(self, heater_power=p, order=m)

    # --- electrical -----------------------------------------------------------------------------------
    @property
    def series_resistance(self) -> float:
        """Junction series resistance (Ω) of the doped length."""
        return self.phase_shifter.series_resistance_length / self.doped_length

    def capacitance(self, v_reverse=None):
        """Junction capacitance (F) of the doped length at ``v_reverse``."""
        v = self._v(v_reverse)
        out = np.asarray(self.phase_shifter.capacitance_per_length(v)) * self.doped_length
        return out if out.ndim else float(out)

    def rc_time_constant(self, v_reverse=None):
        """(R_source + R_junction)·C_junction (s)."""
        out = (self.source_impedance + self.series_resistance) * np.asarray(self.capacitance(v_reverse))
        return out if out.ndim else float(out)

    def rc_bandwidth(self, v_reverse=None):
        """1/(2π·RC) (Hz)."""
        out = 1.0 / (2 * math.pi * np.asarray(self.rc_time_constant(v_reverse)))
        return out if out.ndim else float(out)

    # --- coupled-mode theory ----------------------------------------------------------------------
    def coupled_mode_parameters(self, v_reverse=None) -> CoupledModeParameters:
        """CMT rates at ``v_reverse`` from the static ring: 1/τ_x = −ln(x)/T_rt for x = a, r1, r2."""
        v = float(check_real("v_reverse", self.bias if v_reverse is None else v_reverse, low=-1.0, high=30.0))
        t_rt = self.round_trip_time
        di = -math.log(float(self.round_trip_amplitude(v))) / t_rt
        d1 = -math.log(self.self_coupling) / t_rt
        d2 = -math.log(self.drop_self_coupling) / t_rt if self.is_add_drop else 0.0
        w0 = 2 * math.pi * C / float(self.resonance_wavelength(v))
        return CoupledModeParameters(w0, di, d1, d2, math.sqrt(2 * d1), math.sqrt(2 * d2), t_rt)

    def photon_lifetime(self, v_reverse=None) -> float:
        """Energy lifetime of the loaded ring τ_ph = 1/(2/τ) ≈ Q_loaded/ω0 (s)."""
        return self.coupled_mode_parameters(v_reverse).photon_lifetime

    def _rates(self, v):
        """Vectorised (detuning-free) ω0(V) and total field decay 1/τ(V) (1/s)."""
        t_rt = self.round_trip_time
        w0 = 2 * math.pi * C / np.asarray(self.resonance_wavelength(v))
        ext = -math.log(self.self_coupling * self.drop_self_coupling) / t_rt
        decay = -np.log(np.asarray(self.round_trip_amplitude(v))) / t_rt + ext
        return w0, decay

    def _laser(self, wavelength, v):
        lam = self.operating_wavelength(v) if wavelength is None else wavelength
        lam = float(self._wl(lam))
        fsr = float(self.fsr(v))
        lam_res = float(self.resonance_wavelength(v))
        if abs(lam - lam_res) > fsr / 2:
            raise ValueError(f"wavelength must be within FSR/2 of the resonance, in [{lam_res - fsr / 2:g}, "
                             f"{lam_res + fsr / 2:g}] m (single-mode coupled-mode theory); got {lam}")
        return lam

    def simulate(self, drive_voltage, sample_rate: float, wavelength=None, input_power=1e-3,
                 input_field=None, initial: str = "steady", max_step: float | None = None) -> RingSimulation:
        """Time-domain response to a reverse-bias drive (V, sampled at ``sample_rate`` Hz).

        wavelength: laser wavelength (m; default ``operating_wavelength()`` at ``bias``), within FSR/2
        of the tracked resonance. input_power: laser power (W), scalar or one value per sample;
        input_field: complex field (√W) per sample instead (baseband at ``wavelength``).
        initial: ``"steady"`` (junction and ring in steady state at the first samples) or ``"empty"``
        (junction at the first drive sample, no light in the ring). max_step: largest RK4 step (s;
        default 1/20 of the fastest rate of the problem).
        """
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
        lam = self._laser(wavelength, self.bias)
        w_laser = 2 * math.pi * C / lam

        # tables on a uniform voltage grid covering the drive
        v_lo, v_hi = float(vd.min()), float(vd.max())
        span = max(v_hi - v_lo, 0.2)
        grid = np.linspace(v_lo - 0.05 * span, v_hi + 0.05 * span, 513)
        grid = np.clip(grid, -1.0, None)
        grid = np.linspace(grid[0], grid[-1], grid.size)
        w0, decay = self._rates(grid)
        detuning = np.ascontiguousarray(w0 - w_laser)
        inv_rc = np.ascontiguousarray(1.0 / np.asarray(self.rc_time_constant(grid)))
        decay = np.ascontiguousarray(decay)
        cmt = self.coupled_mode_parameters(float(vd[0]))
        mu1, mu2 = cmt.mu_bus, cmt.mu_drop

        fastest = max(float(np.max(np.abs(detuning))), float(np.max(decay)), float(np.max(inv_rc)))
        h_max = 0.05 / fastest if max_step is None else check_real("max_step", max_step, low=0.0, low_open=True)
        dt = 1.0 / fs
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
        drop = -1j * mu2 * a if self.is_add_drop else None
        return RingSimulation(fs, lam, s_in, through, drop, a, vj)

    def _small_signal(self, wavelength, v_reverse, port: str, include_rc: bool, input_power: float,
                      normalized: bool):
        """(P̂(f), P̂(0)): the linearised CMT + RC response as a function of frequency (Hz), in W per V of
        drive, and its low-frequency value; validates once, so that ``eo_bandwidth`` can evaluate it many
        times. ``normalized``: refuse a laser on the resonance, where P̂(0) = 0."""
        if port not in ("through", "drop"):
            raise ValueError(f"port must be 'through' or 'drop'; got {port!r}")
        if port == "drop" and not self.is_add_drop:
            raise ValueError("port 'drop' needs an add-drop ring (drop_gap is None)")
        v = float(check_real("v_reverse", self.bias if v_reverse is None else v_reverse, low=-1.0, high=30.0))
        lam = self._laser(wavelength, v)
        p_in = check_real("input_power", input_power, low=0.0, low_open=True)
        w_laser = 2 * math.pi * C / lam
        hv = 1e-3
        w0, dec = self._rates(np.array([v - hv, v, v + hv]))
        c0 = 1j * (w0[1] - w_laser) - dec[1]
        cp = 1j * (w0[2] - w0[0]) / (2 * hv) - (dec[2] - dec[0]) / (2 * hv)
        cmt = self.coupled_mode_parameters(v)
        s = math.sqrt(p_in)
        a0 = 1j * cmt.mu_bus * s / c0
        if port == "through":
            d = -1j * cmt.mu_bus
            so = s + d * a0
        else:
            d = -1j * cmt.mu_drop
            so = d * a0
        rc = float(self.rc_time_constant(v)) if include_rc else 0.0

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

    def small_signal_response(self, frequencies, wavelength=None, v_reverse=None, port: str = "through",
                              include_rc: bool = True, normalize: bool = True, input_power: float = 1.0):
        """Small-signal optical modulation response P̂(f) of the linearised CMT + RC equations.

        For a drive V = V_b + Re(V̂ e^{jΩt}), the output power is P_0 + Re(P̂ e^{jΩt}) with
        P̂ = 2(s0*·d·a₊ + s0·d*·a₋*), a₊ = c'V̂_j a0/(2(jΩ − c0)), a₋ = c'V̂_j* a0/(2(−jΩ − c0)),
        c0 = j(ω0 − ω) − 1/τ, c' = j·dω0/dV − d(1/τ)/dV, V̂_j = V̂/(1 + jΩ·RC), d = −jμ of the port
        (Sacher & Poon 2008, generalised to loss modulation). ``normalize``: divide by P̂(0) (complex);
        otherwise W per volt of drive amplitude at ``input_power`` (W).
        """
        f = check_array("frequencies", frequencies, low=0.0)
        response, p0 = self._small_signal(wavelength, v_reverse, port, include_rc, input_power, normalize)
        out = response(f)
        if normalize:
            out = out / p0
        return out if out.ndim else complex(out)

    def eo_bandwidth(self, wavelength=None, v_reverse=None, port: str = "through",
                     include_rc: bool = True) -> float:
        """Electro-optic 3-dB bandwidth (Hz): first frequency where |P̂(f)/P̂(0)| = 1/√2 (−3 dB electrical)."""
        response, p0 = self._small_signal(wavelength, v_reverse, port, include_rc, 1.0, True)
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

    # --- summary --------------------------------------------------------------------------------------
    def figures(self, v_reverse=None, v_swing: float = 2.0) -> dict:
        """Headline figures at ``v_reverse`` (default ``bias``), SI with units in the keys.

        Modulation figures are for a swing of ``v_swing`` (V, peak-to-peak) centred on ``v_reverse``
        with the laser at the blue max-slope point.
        """
        v = float(check_real("v_reverse", self.bias if v_reverse is None else v_reverse, low=-1.0, high=30.0))
        sw = check_real("v_swing", v_swing, low=0.0, low_open=True, high=20.0)
        lam_op = self.operating_wavelength(v)
        mod = self.modulation(lam_op, v - sw / 2, v + sw / 2)
        out = {
            "v_reverse_v": v,
            "radius_m": self.radius,
            "gap_m": self.gap,
            "round_trip_length_m": self.length,
            "resonance_wavelength_m": float(self.resonance_wavelength(v)),
            "fsr_m": float(self.fsr(v)),
            "fsr_hz": self.fsr_frequency(),
            "fwhm_m": float(self.fwhm(v)),
            "q_loaded": float(self.q_loaded(v)),
            "q_intrinsic": float(self.q_intrinsic(v)),
            "q_coupling": float(self.q_coupling(v)),
            "power_coupling": self.power_coupling,
            "round_trip_amplitude": float(self.round_trip_amplitude(v)),
            "loss_db_per_m": float(self.alpha(v)) * 10 * math.log10(math.e),
            "extinction_ratio_db": float(self.extinction_ratio_db(v)),
            "photon_lifetime_s": self.photon_lifetime(v),
            "resonance_shift_m_per_v": float(self.resonance_shift_per_volt(v)),
            "capacitance_f": float(self.capacitance(v)),
            "series_resistance_ohm": self.series_resistance,
            "rc_bandwidth_hz": float(self.rc_bandwidth(v)),
            "operating_wavelength_m": lam_op,
            "eo_bandwidth_hz": self.eo_bandwidth(lam_op, v),
            "optical_bandwidth_hz": self.eo_bandwidth(lam_op, v, include_rc=False),
            "modulation_extinction_ratio_db": mod["extinction_ratio_db"],
            "modulation_insertion_loss_db": mod["insertion_loss_db"],
            "oma_penalty_db": mod["oma_penalty_db"],
            "v_swing_v": sw,
        }
        if self.is_add_drop:
            out["drop_gap_m"] = self.drop_gap
            out["drop_power_coupling"] = self.drop_power_coupling
            out["drop_peak_transmission"] = float(self.drop_peak_transmission(v))
        if self.heater is not None:
            out["thermal_tuning_m_per_w"] = self.thermal_tuning_efficiency(v)
            out["heater_power_w"] = self.heater_power
        return out
