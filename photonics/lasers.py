"""Semiconductor lasers from the single-mode rate equations: static, small-signal and noisy large-signal.

One model, density form (SI; N carrier density and S photon density in m⁻³, φ optical phase in rad)::

    dN/dt = I/(qV) − N/τn − v_g a0 (N − N_t) S / (1 + εS)                          + F_N(t)
    dS/dt = [Γ v_g a0 (N − N_t) / (1 + εS) − 1/τp] S + β Γ N / τn                   + F_S(t)
    dφ/dt = (α_H / 2) [Γ v_g a0 (N − N_t) − 1/τp]                                   + F_φ(t)
    P per facet = S V hν η0 / (2 Γ τp)

(Agrawal & Dutta, *Semiconductor Lasers*, 2nd ed., ch. 6; Coldren, Corzine & Mašanović, *Diode Lasers and
Photonic Integrated Circuits*, 2nd ed., ch. 2 and 5; Agrawal, *Fiber-Optic Communication Systems*, 4th ed.,
§3.5). The phase is the field phase relative to the cold-cavity resonance at the (uncompressed) threshold
gain; ``η0 = α_m / (α_i + α_m)`` is the external differential efficiency of both facets together (the
current term I/(qV) of the contract assumes unit injection efficiency).

Langevin forces, ⟨F_i(t) F_j(t')⟩ = 2 D_ij δ(t − t'), with the spontaneous rate into the mode
r_sp = β Γ N / τn (the density-form R_sp; Agrawal FOCS §3.5 gives D_PP = R_sp P, D_φφ = R_sp / (4P) in
photon numbers, which map to)::

    D_SS = r_sp S,   D_NS = −r_sp S / Γ,   D_NN = r_sp S / Γ² + N / (V τn),   D_φφ = r_sp / (4 S)

Consistently, the modified Schawlow–Townes (Henry 1982) linewidth is Δν = r_sp (1 + α_H²) / (4π S): the
1 term is the direct phase diffusion 2 D_φφ = r_sp / (2S), the α_H² term the carrier fluctuations that
photon-number noise induces through gain clamping. Pump (shot) noise is not included (quiet pumping).

What lives here:
- `LaserParams` (frozen, validated; defaults = a 1550 nm InGaAsP/InP DFB-like laser) and
  `LaserParams.from_cavity` (photon lifetime and η0 from the cavity losses);
- `RateEquationLaser`: threshold, exact steady state (closed-form root, not a time run), L-I-V curve, slope
  and wall-plug efficiency; exact small-signal response, relaxation frequency, damping, K-factor, 3 dB and
  maximum bandwidth next to the textbook approximations; analytic RIN, frequency-noise spectrum, Henry and
  linearised linewidth; adiabatic/transient chirp; turn-on delay; `simulate` (stochastic, batched, Numba);
- `simulate_lasers` for many lasers (one drive per laser and/or one parameter set per laser, in one
  parallel kernel), `LaserTrace`, and the estimators `estimate_rin`, `estimate_linewidth`,
  `chirp_from_power`;
- `PhaseNoiseLaser`: the CW source of the coherent links (Wiener phase, flat RIN, frequency offset).
"""

from __future__ import annotations

import dataclasses
import math
import types
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from optolink.core.constants import K_B, C, H, Q
from optolink.core.units import CARRIER_WAVELENGTH
from optolink.core.validate import check_array, check_bool, check_positive, check_real

__all__ = [
    "LaserParams",
    "SteadyState",
    "LICurve",
    "SmallSignal",
    "LaserTrace",
    "RateEquationLaser",
    "simulate_lasers",
    "estimate_rin",
    "estimate_linewidth",
    "chirp_from_power",
    "PhaseNoiseLaser",
]


# --------------------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LaserParams:
    """Rate-equation parameters (SI) of a single-mode semiconductor laser, plus its diode I-V.

    Defaults: a 1550 nm InGaAsP/InP DFB-like buried-heterostructure laser, with typical values of the kind
    tabulated in Agrawal, *Fiber-Optic Communication Systems* (4th ed., ch. 3, InGaAsP lasers) and
    Agrawal & Dutta ch. 2 and 6 / Coldren & Corzine ch. 2 and 5 — representative, not a fit to one device:
    active region 250 µm × 1.5 µm × 0.2 µm (V = 7.5e-17 m³), Γ = 0.3, group index 3.6, internal loss
    30 /cm, effective (DFB) mirror loss 45 /cm → τp = 1.6 ps and η0 = 0.6 (`from_cavity`), a0 = 2.5e-16 cm²,
    N_t = 1e18 cm⁻³, τn = 2.2 ns (A + BN + CN² at N ≈ 2e18 cm⁻³), ε = 1.5e-17 cm³, β_sp = 1e-5, α_H = 3.
    Resulting figures: I_th ≈ 10.9 mA, 0.24 W/A per facet, f_R ≈ 3.8 GHz at 2 I_th and 6.5 GHz at 4 I_th,
    Henry linewidth ≈ 5 MHz at 2 I_th.

    Diode I-V (for the wall-plug efficiency): V = V_j + I R_s, with the junction voltage of a Shockley diode
    carrying the recombination current, V_j = n_id (kT/q) ln(1 + qVN/(τn I_s)); it pins above threshold
    because N clamps (Coldren & Corzine ch. 2: the junction voltage saturates at threshold). Defaults:
    n_id = 2, I_s = 1 nA (V_j ≈ 0.84 V at threshold, above hν/q = 0.80 V), R_s = 5 Ω.
    """

    volume: float = 250e-6 * 1.5e-6 * 0.2e-6  # active volume V, m³
    tau_n: float = 2.2e-9  # carrier lifetime τn, s
    tau_p: float = 1.6e-12  # photon lifetime τp, s
    gain_slope: float = 2.5e-20  # differential gain a0, m²
    group_velocity: float = C / 3.6  # v_g, m/s
    n_transparency: float = 1.0e24  # N_t, m⁻³
    epsilon: float = 1.5e-23  # gain compression ε, m³
    confinement: float = 0.3  # Γ
    beta_sp: float = 1.0e-5  # spontaneous-emission coupling β
    alpha_h: float = 3.0  # Henry linewidth-enhancement factor α_H
    eta0: float = 0.6  # differential quantum efficiency η0 (both facets)
    wavelength: float = CARRIER_WAVELENGTH  # m
    series_resistance: float = 5.0  # R_s, Ω
    diode_ideality: float = 2.0  # n_id
    saturation_current: float = 1.0e-9  # I_s, A
    temperature: float = 300.0  # K (diode thermal voltage only)

    def __post_init__(self):
        check_real("volume", self.volume, low=1e-24, high=1e-9)
        check_real("tau_n", self.tau_n, low=0.0, high=1e-3, low_open=True)
        check_real("tau_p", self.tau_p, low=0.0, high=1e-6, low_open=True)
        check_real("gain_slope", self.gain_slope, low=0.0, high=1e-15, low_open=True)
        check_real("group_velocity", self.group_velocity, low=0.0, high=C, low_open=True)
        check_real("n_transparency", self.n_transparency, low=0.0, high=1e27)
        check_real("epsilon", self.epsilon, low=0.0, high=1e-18)
        check_real("confinement", self.confinement, low=0.0, high=1.0, low_open=True)
        check_real("beta_sp", self.beta_sp, low=0.0, high=1.0)
        check_real("alpha_h", self.alpha_h, low=-20.0, high=20.0)
        check_real("eta0", self.eta0, low=0.0, high=1.0, low_open=True)
        check_real("wavelength", self.wavelength, low=1e-7, high=1e-4)
        check_real("series_resistance", self.series_resistance, low=0.0, high=1e4)
        check_real("diode_ideality", self.diode_ideality, low=1.0, high=10.0)
        check_real("saturation_current", self.saturation_current, low=0.0, high=1.0, low_open=True)
        check_real("temperature", self.temperature, low=0.0, high=1000.0, low_open=True)

    @classmethod
    def from_cavity(cls, *, length: float, width: float, thickness: float, group_index: float,
                    internal_loss: float, mirror_loss: float | None = None,
                    reflectivities: tuple[float, float] | None = None, **kwargs) -> LaserParams:
        """Parameters from the cavity: V = L·w·d, v_g = c/n_g, τp = 1/(v_g (α_i + α_m)), η0 = α_m/(α_i + α_m).

        Losses are power coefficients in 1/m; give `mirror_loss` (e.g. the effective loss of a DFB grating)
        or the two facet power `reflectivities`, α_m = ln(1/(R1 R2)) / (2L) (Coldren & Corzine ch. 2). The
        remaining fields (`tau_n`, `gain_slope`, ...) pass through `kwargs`.
        """
        length = check_positive("length", length)
        width = check_positive("width", width)
        thickness = check_positive("thickness", thickness)
        group_index = check_real("group_index", group_index, low=1.0)
        internal_loss = check_real("internal_loss", internal_loss, low=0.0)
        if (mirror_loss is None) == (reflectivities is None):
            raise ValueError("give exactly one of mirror_loss (1/m) and reflectivities (R1, R2)")
        if reflectivities is not None:
            r1 = check_real("reflectivities[0]", reflectivities[0], low=0.0, high=1.0, low_open=True,
                            high_open=True)
            r2 = check_real("reflectivities[1]", reflectivities[1], low=0.0, high=1.0, low_open=True,
                            high_open=True)
            mirror_loss = math.log(1.0 / (r1 * r2)) / (2.0 * length)
        mirror_loss = check_positive("mirror_loss", mirror_loss)
        v_g = C / group_index
        total = internal_loss + mirror_loss
        return cls(volume=length * width * thickness, group_velocity=v_g, tau_p=1.0 / (v_g * total),
                   eta0=mirror_loss / total, **kwargs)

    # Derived figures -------------------------------------------------------------------------------------
    @property
    def photon_energy(self) -> float:
        """hν, J."""
        return H * C / self.wavelength

    @property
    def threshold_carrier_density(self) -> float:
        """N_th = N_t + 1/(Γ v_g a0 τp), m⁻³ (gain = loss, S → 0)."""
        return self.n_transparency + 1.0 / (self.confinement * self.group_velocity * self.gain_slope
                                            * self.tau_p)

    @property
    def power_per_photon_density(self) -> float:
        """Facet power per unit photon density, V hν η0 / (2 Γ τp), W·m³."""
        return self.volume * self.photon_energy * self.eta0 / (2.0 * self.confinement * self.tau_p)

    def to_dict(self) -> dict:
        """Field name → value (SI), for manifests and JSON."""
        return dataclasses.asdict(self)


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


# --------------------------------------------------------------------------------------------------------
# Result containers
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SteadyState:
    """Steady state at `current` (A): densities in m⁻³, facet `power` in W (arrays follow `current`)."""

    current: np.ndarray | float
    carrier_density: np.ndarray | float
    photon_density: np.ndarray | float
    power: np.ndarray | float


@dataclass(frozen=True)
class LICurve:
    """L-I-V curve: `current` (A), facet `power` (W), `voltage` (V), `wall_plug_efficiency` (facets given)."""

    current: np.ndarray
    power: np.ndarray
    voltage: np.ndarray
    wall_plug_efficiency: np.ndarray


@dataclass(frozen=True)
class SmallSignal:
    """Small-signal figures at `current` (A), exact linearisation next to the textbook approximations.

    Exact: ``H(f) = ω_R² / (ω_R² − ω² + jωγ)`` with ω_R² = det J and γ = −tr J of the Jacobian J — the
    2×2 linearisation has no zero, so this form is exact. `relaxation_frequency` = ω_R/2π (Hz),
    `damping_rate` γ (1/s), `peak_frequency` of |H| (Hz, 0 if overdamped), `bandwidth_3db` where
    |H|² = 1/2 (Hz), `slope_efficiency` dP/dI per facet (W/A).
    Approximations (Coldren & Corzine ch. 5; Olshansky et al., IEEE JQE 23, 1410 (1987)):
    ω_R² ≈ v_g a0 S/(τp (1 + εS)), γ ≈ K f_R² + γ0 with K = 4π² (τp + ε/(v_g a0)) and
    γ0 = 1/τn + β Γ N/(τn S), f_3dB ≈ √(1 + √2) f_R.
    """

    current: np.ndarray | float
    relaxation_frequency: np.ndarray | float
    damping_rate: np.ndarray | float
    peak_frequency: np.ndarray | float
    bandwidth_3db: np.ndarray | float
    slope_efficiency: np.ndarray | float
    relaxation_frequency_approx: np.ndarray | float
    damping_rate_approx: np.ndarray | float
    bandwidth_3db_approx: np.ndarray | float


def _bandwidth_3db(wr2, gamma):
    """f where ω_R⁴ / ((ω_R² − ω²)² + γ²ω²) = 1/2 (exact for the two-pole response), Hz."""
    b = 2.0 * wr2 - gamma**2
    x = 0.5 * (b + np.sqrt(b * b + 4.0 * wr2 * wr2))
    return np.sqrt(np.maximum(x, 0.0)) / (2.0 * math.pi)


def _maybe_scalar(x, like):
    return float(x) if np.ndim(like) == 0 else np.asarray(x)


# --------------------------------------------------------------------------------------------------------
# The laser
# --------------------------------------------------------------------------------------------------------
class RateEquationLaser:
    """Single-mode semiconductor laser from the rate equations (see the module docstring).

    Methods taking `current` (A, ≥ 0) accept a scalar or an array and return the same shape (a float for a
    scalar); the spectral ones (`modulation_response`, `rin`, `frequency_noise`, `chirp_to_power_ratio`)
    take one bias current and an array of frequencies (Hz).
    """

    def __init__(self, params: LaserParams | None = None):
        params = LaserParams() if params is None else params
        if not isinstance(params, LaserParams):
            raise TypeError(f"params must be a LaserParams, got {type(params).__name__}")
        self.params = params

    def __repr__(self) -> str:
        return f"RateEquationLaser({self.params!r})"

    # ---- static ------------------------------------------------------------------------------------------
    def threshold_current(self) -> float:
        """I_th = q V N_th / τn, A (the S → 0, β → 0 threshold; Coldren & Corzine ch. 2)."""
        p = self.params
        return Q * p.volume * p.threshold_carrier_density / p.tau_n

    def _current(self, current, name="current"):
        return check_array(name, current, low=0.0)

    def steady_state(self, current) -> SteadyState:
        """Steady state solved exactly (closed-form root of the steady-state equations, not a time run)."""
        i = self._current(current)
        n, s = _steady_nS(self.params, i)
        power = s * self.params.power_per_photon_density
        return SteadyState(current=_maybe_scalar(i, i), carrier_density=_maybe_scalar(n, i),
                           photon_density=_maybe_scalar(s, i), power=_maybe_scalar(power, i))

    def ideal_slope_efficiency(self) -> float:
        """Textbook slope per facet η0 hν / (2q), W/A (no compression, β → 0)."""
        p = self.params
        return p.eta0 * p.photon_energy / (2.0 * Q)

    def slope_efficiency(self, current=None):
        """Differential slope dP/dI per facet (W/A) at `current` (default 2 I_th), exact.

        From the steady-state sensitivity ∂(N, S)/∂I = −J⁻¹ (1/(qV), 0): dS/dI = a21 / (det J · qV).
        Gain compression lowers it below η0 hν/(2q) by 1/(1 + (1 − β) ε/(v_g a0 τn)).
        """
        i = 2.0 * self.threshold_current() if current is None else self._current(current)
        p = self.params
        n, s = _steady_nS(p, i)
        a11, a12, a21, a22 = _jacobian(p, n, s)
        det = a11 * a22 - a12 * a21
        return _maybe_scalar(p.power_per_photon_density * a21 / (det * Q * p.volume), i)

    def voltage(self, current):
        """Terminal voltage V = n_id V_T ln(1 + qVN/(τn I_s)) + I R_s in V (V_j pins above I_th)."""
        i = self._current(current)
        p = self.params
        n, _ = _steady_nS(p, i)
        v_t = K_B * p.temperature / Q
        v_j = p.diode_ideality * v_t * np.log1p(Q * p.volume * n / (p.tau_n * p.saturation_current))
        return _maybe_scalar(v_j + i * p.series_resistance, i)

    def wall_plug_efficiency(self, current, *, facets: int = 1):
        """Optical output of `facets` (1 or 2) facets over electrical input I·V; 0 at I = 0."""
        if facets not in (1, 2):
            raise ValueError(f"facets must be 1 or 2, got {facets}")
        i = self._current(current)
        power = facets * np.asarray(self.steady_state(i).power)
        elec = i * np.asarray(self.voltage(i))
        with np.errstate(divide="ignore", invalid="ignore"):
            wpe = np.where(elec > 0, power / np.where(elec > 0, elec, 1.0), 0.0)
        return _maybe_scalar(wpe, i)

    def li_curve(self, currents=None, *, facets: int = 1) -> LICurve:
        """L-I-V curve on `currents` (A; default 201 points from 0 to 5 I_th)."""
        i = np.linspace(0.0, 5.0 * self.threshold_current(), 201) if currents is None else self._current(
            currents, "currents")
        i = np.atleast_1d(i)
        return LICurve(current=i, power=np.asarray(self.steady_state(i).power),
                       voltage=np.asarray(self.voltage(i)),
                       wall_plug_efficiency=np.asarray(self.wall_plug_efficiency(i, facets=facets)))

    # ---- small signal ------------------------------------------------------------------------------------
    def _linear(self, current):
        i = self._current(current)
        n, s = _steady_nS(self.params, i)
        return i, n, s, _jacobian(self.params, n, s)

    def small_signal(self, current) -> SmallSignal:
        """Exact and approximate small-signal figures at `current` (see `SmallSignal`)."""
        p = self.params
        i, n, s, (a11, a12, a21, a22) = self._linear(current)
        wr2 = a11 * a22 - a12 * a21
        gamma = -(a11 + a22)
        peak2 = wr2 - 0.5 * gamma**2
        g = p.group_velocity * p.gain_slope
        wr2_approx = g * s / (p.tau_p * (1.0 + p.epsilon * s))
        fr_approx = np.sqrt(wr2_approx) / (2.0 * math.pi)
        with np.errstate(divide="ignore", invalid="ignore"):
            gamma0 = 1.0 / p.tau_n + np.where(s > 0, p.beta_sp * p.confinement * n / (p.tau_n * np.where(
                s > 0, s, 1.0)), 0.0)
        gamma_approx = self.k_factor_textbook() * fr_approx**2 + gamma0
        slope = p.power_per_photon_density * a21 / (wr2 * Q * p.volume)
        return SmallSignal(
            current=_maybe_scalar(i, i),
            relaxation_frequency=_maybe_scalar(np.sqrt(wr2) / (2 * math.pi), i),
            damping_rate=_maybe_scalar(gamma, i),
            peak_frequency=_maybe_scalar(np.sqrt(np.maximum(peak2, 0.0)) / (2 * math.pi), i),
            bandwidth_3db=_maybe_scalar(_bandwidth_3db(wr2, gamma), i),
            slope_efficiency=_maybe_scalar(slope, i),
            relaxation_frequency_approx=_maybe_scalar(fr_approx, i),
            damping_rate_approx=_maybe_scalar(gamma_approx, i),
            bandwidth_3db_approx=_maybe_scalar(math.sqrt(1.0 + math.sqrt(2.0)) * fr_approx, i),
        )

    def relaxation_frequency(self, current):
        """Relaxation-oscillation frequency f_R = √(det J)/2π, Hz (exact linearisation; Coldren's ω_R)."""
        return self.small_signal(current).relaxation_frequency

    def damping_rate(self, current):
        """Damping rate γ = −tr J, 1/s."""
        return self.small_signal(current).damping_rate

    def bandwidth_3db(self, current):
        """Small-signal 3 dB bandwidth (|H|² = 1/2), Hz."""
        return self.small_signal(current).bandwidth_3db

    def modulation_response(self, frequency, current, *, approximation: bool = False):
        """Normalised small-signal response H(f) = δP(f)/δP(0) (complex) at bias `current` (scalar).

        `approximation=True` uses the textbook ω_R and γ (see `SmallSignal`) instead of the exact ones.
        """
        f = check_array("frequency", frequency, low=0.0)
        i = check_real("current", current, low=0.0)
        if approximation:
            ss = self.small_signal(i)
            wr2 = (2 * math.pi * ss.relaxation_frequency_approx) ** 2
            gamma = ss.damping_rate_approx
        else:
            _, _, _, (a11, a12, a21, a22) = self._linear(i)
            wr2, gamma = a11 * a22 - a12 * a21, -(a11 + a22)
        w = 2 * math.pi * f
        return wr2 / (wr2 - w * w + 1j * w * gamma)

    def k_factor_textbook(self) -> float:
        """K = 4π² (τp + ε/(v_g a0)), s (Olshansky et al. 1987; Coldren & Corzine ch. 5)."""
        p = self.params
        return 4.0 * math.pi**2 * (p.tau_p + p.epsilon / (p.group_velocity * p.gain_slope))

    def k_factor(self, currents=None) -> tuple[float, float]:
        """(K in s, γ0 in 1/s) from a straight-line fit γ = K f_R² + γ0 of the exact γ and f_R over
        `currents` (default 1.5 to 6 I_th) — how K is extracted from measurements."""
        ith = self.threshold_current()
        i = np.linspace(1.5 * ith, 6.0 * ith, 24) if currents is None else self._current(currents, "currents")
        ss = self.small_signal(np.atleast_1d(i))
        k, g0 = np.polyfit(np.asarray(ss.relaxation_frequency) ** 2, np.asarray(ss.damping_rate), 1)
        return float(k), float(g0)

    def max_bandwidth(self, *, max_current=None) -> tuple[float, float]:
        """(largest exact 3 dB bandwidth in Hz, the bias current in A reaching it), searched up to
        `max_current` (default 200 I_th). The K-factor limit 2√2 π/K is `max_bandwidth_textbook`."""
        from scipy.optimize import minimize_scalar

        ith = self.threshold_current()
        top = 200.0 * ith if max_current is None else check_real("max_current", max_current, low=0.0,
                                                                 low_open=True)
        grid = np.geomspace(1.01 * ith, top, 400)
        bw = np.asarray(self.bandwidth_3db(grid))
        k = int(np.argmax(bw))
        lo, hi = math.log(grid[max(k - 1, 0)]), math.log(grid[min(k + 1, grid.size - 1)])
        if hi > lo:
            res = minimize_scalar(lambda x: -float(self.bandwidth_3db(math.exp(x))), bounds=(lo, hi),
                                  method="bounded", options={"xatol": 1e-7})
            if -res.fun > bw[k]:
                return float(-res.fun), float(math.exp(res.x))
        return float(bw[k]), float(grid[k])

    def max_bandwidth_textbook(self) -> float:
        """K-factor estimate of the maximum 3 dB bandwidth, 2√2 π / K, Hz."""
        return 2.0 * math.sqrt(2.0) * math.pi / self.k_factor_textbook()

    # ---- noise -------------------------------------------------------------------------------------------
    def _noise_spectra(self, frequency, current):
        f = check_array("frequency", frequency, low=0.0)
        i = check_real("current", current, low=0.0)
        p = self.params
        n, s = _steady_nS(p, i)
        a11, a12, a21, a22 = _jacobian(p, n, s)
        d_nn, d_ns, d_ss, d_pp = _diffusion(p, n, s)
        jw = 2j * math.pi * f
        det = (jw - a11) * (jw - a22) - a12 * a21
        m11, m12, m21, m22 = (jw - a22) / det, a12 / det, a21 / det, (jw - a11) / det
        s_ss = 2.0 * (abs(m21) ** 2 * d_nn + abs(m22) ** 2 * d_ss + 2.0 * (m21 * np.conj(m22)).real * d_ns)
        s_nn = 2.0 * (abs(m11) ** 2 * d_nn + abs(m12) ** 2 * d_ss + 2.0 * (m11 * np.conj(m12)).real * d_ns)
        return f, n, s, s_ss, s_nn, d_pp

    def rin(self, frequency, current):
        """Relative intensity noise, one-sided, 1/Hz: 2 S_δS(f) / S̄² from the linearised Langevin model
        (S_δS two-sided; Agrawal FOCS §3.5, Coldren & Corzine ch. 5). Intracavity RIN: the vacuum noise
        added at the output coupler (which pulls the low-frequency output RIN towards shot noise) is not
        included. Use 10·log10 for dB/Hz."""
        f, _, s, s_ss, _, _ = self._noise_spectra(frequency, current)
        if s <= 0:
            raise ValueError(f"current must be above zero for a RIN (got photon density {s})")
        return _maybe_scalar(2.0 * s_ss / s**2, f)

    def frequency_noise(self, frequency, current):
        """One-sided frequency-noise spectrum of the optical field, Hz²/Hz: (α_H/2 · Γ v_g a0)² S_δN and the
        direct phase diffusion 2 D_φφ, over 4π², doubled for one-sided. Lorentzian linewidth = π × S(0)."""
        p = self.params
        f, _, _, _, s_nn, d_pp = self._noise_spectra(frequency, current)
        c = 0.5 * p.alpha_h * p.confinement * p.group_velocity * p.gain_slope
        return _maybe_scalar(2.0 * (c * c * s_nn + 2.0 * d_pp) / (4.0 * math.pi**2), f)

    def linewidth(self, current, *, method: str = "henry"):
        """Lorentzian FWHM linewidth, Hz.

        "henry": modified Schawlow–Townes, Δν = r_sp (1 + α_H²) / (4π S) with r_sp = βΓN/τn (Henry, IEEE
        JQE 18, 259 (1982); Agrawal FOCS eq. for Δν). "linearized": π × the one-sided frequency noise at
        f → 0 of the full linearised model (includes gain compression and the F_N term; within ~1 % of
        Henry for the defaults).
        """
        if method == "linearized":
            i = check_real("current", current, low=0.0)
            return float(math.pi * self.frequency_noise(0.0, i))
        if method != "henry":
            raise ValueError(f"method must be 'henry' or 'linearized', got {method!r}")
        i = self._current(current)
        p = self.params
        n, s = _steady_nS(p, i)
        with np.errstate(divide="ignore"):
            lw = p.beta_sp * p.confinement * n / p.tau_n * (1.0 + p.alpha_h**2) / (4.0 * math.pi * s)
        return _maybe_scalar(lw, i)

    # ---- chirp -------------------------------------------------------------------------------------------
    def frequency_offset(self, current):
        """Steady-state optical frequency offset (α_H/4π)(Γ v_g a0 (N − N_t) − 1/τp), Hz, relative to the
        threshold resonance — nonzero through gain compression (the adiabatic chirp)."""
        i = self._current(current)
        p = self.params
        n, _ = _steady_nS(p, i)
        g = p.confinement * p.group_velocity * p.gain_slope * (n - p.n_transparency) - 1.0 / p.tau_p
        return _maybe_scalar(p.alpha_h / (4 * math.pi) * g, i)

    def kappa(self) -> float:
        """Koch–Linke adiabatic-chirp coefficient κ = 2Γε / (V η0 hν), 1/(W s) (per-facet power)."""
        p = self.params
        return 2.0 * p.confinement * p.epsilon / (p.volume * p.eta0 * p.photon_energy)

    def adiabatic_chirp(self, current=None):
        """dν/dP at bias `current` (default 2 I_th), Hz/W, exact; the textbook value is α_H κ/(4π)."""
        i = 2.0 * self.threshold_current() if current is None else self._current(current)
        p = self.params
        n, s = _steady_nS(p, i)
        a11, a12, a21, a22 = _jacobian(p, n, s)
        g = p.confinement * p.group_velocity * p.gain_slope
        return _maybe_scalar(p.alpha_h / (4 * math.pi) * g * (-a22) / (p.power_per_photon_density * a21), i)

    def chirp_to_power_ratio(self, frequency, current):
        """Small-signal δν(f)/δP(f), Hz/W (complex): (α_H/4π) Γ v_g a0 (jω − a22) / (P/S · a21). Tends to the
        adiabatic dν/dP at low f and to the transient (α_H/4π) jω/P at high f (Koch & Bowers 1984)."""
        f = check_array("frequency", frequency, low=0.0)
        i = check_real("current", current, low=0.0)
        p = self.params
        _, _, _, (_, _, a21, a22) = self._linear(i)
        g = p.confinement * p.group_velocity * p.gain_slope
        return p.alpha_h / (4 * math.pi) * g * (2j * math.pi * f - a22) / (p.power_per_photon_density * a21)

    def chirp(self, power, dt):
        """(transient, adiabatic) chirp in Hz of a facet-power waveform (W) sampled every `dt` s, from
        Δν = (α_H/4π)(d ln P/dt + κP) (Koch & Linke, APL 48, 613 (1986)); see `chirp_from_power`."""
        return chirp_from_power(power, dt, self.params.alpha_h, self.kappa())

    # ---- large signal ------------------------------------------------------------------------------------
    def turn_on_delay(self, current, bias_current=0.0, *, buildup: bool = False, fraction: float = 0.5):
        """Turn-on delay for a step from `bias_current` (< I_th) to `current` (> I_th), s.

        Time to reach threshold: t_d = τn ln((I − I_b)/(I − I_th)) (Agrawal FOCS §3.5; Coldren & Corzine
        ch. 5). With `buildup`, add the time for the photon density to grow from the spontaneous level to
        `fraction` of its final value: with N(t) ≈ N_th + Ṅ_th t past threshold the net gain rises as
        k t, k = Γ v_g a0 Ṅ_th, and S(t) ≈ r_sp √(2π/k) exp(k t²/2), so t_b = √(2 ln(S_f √k/(r_sp √2π))/k)
        (r_sp = βΓN_th/τn; inf when β = 0).
        """
        p = self.params
        ith = self.threshold_current()
        i = check_real("current", current, low=ith, low_open=True)
        ib = check_real("bias_current", bias_current, low=0.0, high=ith, high_open=True)
        fraction = check_real("fraction", fraction, low=0.0, high=1.0, low_open=True, high_open=True)
        t_d = p.tau_n * math.log((i - ib) / (i - ith))
        if not buildup:
            return t_d
        if p.beta_sp == 0:
            return math.inf
        nth = p.threshold_carrier_density
        ndot = i / (Q * p.volume) - nth / p.tau_n
        k = p.confinement * p.group_velocity * p.gain_slope * ndot
        r_sp = p.beta_sp * p.confinement * nth / p.tau_n
        s_f = fraction * float(self.steady_state(i).photon_density)
        arg = math.log(s_f * math.sqrt(k) / (r_sp * math.sqrt(2 * math.pi)))
        return t_d + (math.sqrt(2.0 * arg / k) if arg > 0 else 0.0)

    def max_stable_step(self, current_min, current_max=None, *, from_off: bool = False) -> float:
        """Largest stable RK4 step (s) for drives within [current_min, current_max] (A).

        From the Jacobian eigenvalues at the steady states of both currents, at 3× the photon density of
        the larger (relaxation-oscillation overshoot) and, with `from_off`, at N = S = 0 (the stiffest
        state: λ ≈ −(1/τp + Γ v_g a0 N_t)).
        """
        lo = check_real("current_min", current_min, low=0.0)
        hi = lo if current_max is None else check_real("current_max", current_max, low=lo)
        return float(_stable_step_sets(_stack([self.params]), np.array([lo]), np.array([hi]), from_off)[0])

    def simulate(self, current, dt, *, n_samples: int | None = None, substeps: int = 1, noise: bool = True,
                 rng: np.random.Generator | None = None, seed: int | None = None, initial="steady"):
        """Large-signal (optionally stochastic) simulation; see `simulate_lasers` for the arguments."""
        return simulate_lasers(self.params, current, dt, n_samples=n_samples, substeps=substeps, noise=noise,
                               rng=rng, seed=seed, initial=initial)

    def simulated_modulation_response(self, frequency, current, *, step_fraction: float = 1e-3,
                                      duration: float | None = None, dt: float = 1e-12):
        """H(f) measured on the time-domain integrator (noise off): the response to small current steps
        ±`step_fraction`·I from the steady state at `current`, differentiated (impulse response), Fourier
        transformed and normalised by the exact steady-state power step. Two steps, to (1 ± step)·I, are run
        and subtracted, which cancels the even-order nonlinear terms (error O(step²)). Duration: 30/γ
        (at least 2 ns, at most 100 ns). Returns complex H at `frequency` (Hz)."""
        f = check_array("frequency", frequency, low=0.0)
        i = check_real("current", current, low=0.0, low_open=True)
        step = check_real("step_fraction", step_fraction, low=-0.5, high=0.5)
        if step == 0:
            raise ValueError("step_fraction must be nonzero, in [-0.5, 0.5]")
        if duration is None:
            duration = min(max(30.0 / float(self.damping_rate(i)), 2e-9), 100e-9)
        duration = check_positive("duration", duration)
        n = max(int(round(duration / dt)), 16)
        # steps up and down from the bias; their difference cancels the even-order (nonlinear) terms
        drive = np.empty((2, 1))
        drive[:, 0] = i * (1.0 + step), i * (1.0 - step)
        trace = simulate_lasers(self.params, drive, dt, n_samples=n, noise=False,
                                initial=self._steady_initial(i))
        up, down = self.steady_state(drive[:, 0]).power
        h = np.diff(np.concatenate(([0.0], trace.power[0] - trace.power[1]))) / (up - down)
        t_mid = (np.arange(n) + 0.5) * dt
        flat = f.ravel()
        out = np.empty(flat.size, dtype=complex)
        for a in range(0, flat.size, 256):  # chunked DTFT on an arbitrary frequency grid
            out[a:a + 256] = np.exp(-2j * math.pi * flat[a:a + 256, None] * t_mid[None, :]) @ h
        return out.reshape(f.shape) if f.ndim else complex(out[0])

    def _steady_initial(self, current):
        ss = self.steady_state(current)
        return np.array([ss.carrier_density, ss.photon_density, 0.0])


# --------------------------------------------------------------------------------------------------------
# Batched simulation
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LaserTrace:
    """Output of `simulate_lasers`: arrays (samples,) for one laser or (lasers, samples).

    Sample k is the state after current[k] has been applied for one interval: ``time[k] = (k + 1)·dt``.
    `carrier_density`, `photon_density` in m⁻³; `phase` (rad, unwrapped, relative to the threshold
    resonance); `power` per facet in W. `field` = √power · exp(jφ) in √W; `frequency` is the instantaneous
    frequency offset (α_H/4π)(Γ v_g a0 (N − N_t) − 1/τp) in Hz — the total (transient + adiabatic) chirp.
    """

    dt: float
    carrier_density: np.ndarray
    photon_density: np.ndarray
    phase: np.ndarray
    power: np.ndarray
    chirp_slope: np.ndarray  # per laser, Hz per m⁻³: (α_H/4π) Γ v_g a0
    chirp_offset: np.ndarray  # per laser, Hz

    @property
    def time(self) -> np.ndarray:
        return (np.arange(self.power.shape[-1]) + 1.0) * self.dt

    @property
    def sample_rate(self) -> float:
        return 1.0 / self.dt

    @property
    def field(self) -> np.ndarray:
        return np.sqrt(self.power) * np.exp(1j * self.phase)

    @property
    def frequency(self) -> np.ndarray:
        return self.chirp_slope * self.carrier_density + self.chirp_offset


def simulate_lasers(params, current, dt, *, n_samples: int | None = None, substeps: int = 1,
                    noise: bool = True, rng: np.random.Generator | None = None, seed: int | None = None,
                    initial="steady") -> LaserTrace:
    """Integrate the rate equations with Langevin noise for one or many lasers in one parallel kernel.

    params   `LaserParams` / `RateEquationLaser`, or a sequence of them (one per laser, or length 1).
    current  drive current in A (≥ 0, finite), held constant over each sample interval (zero-order hold):
             scalar (needs `n_samples`), (samples,) waveform (shared by all lasers), or (lasers, samples);
             a (lasers, 1) array with `n_samples` gives each laser a constant current.
    dt       sample interval of `current` and of the outputs, s; the fixed integration step is
             dt / `substeps`. A step beyond the RK4 stability limit (see `RateEquationLaser.max_stable_step`)
             is refused with the largest stable value.
    noise    add the Langevin forces (module docstring). Random numbers: one 64-bit seed per laser drawn
             from `rng` (or `numpy.random.default_rng(seed)`), feeding an in-kernel xoshiro256** stream
             (see photonics._laser_kernels) — reproducible for a given rng state, independent of threads.
    initial  "steady" (the deterministic steady state at each laser's first current, φ = 0), "off"
             (N = S = φ = 0), or explicit (N, S, φ) as shape (3,) or (lasers, 3).
    Returns a `LaserTrace`; arrays are (samples,) when a single parameter set and a scalar/1-D current
    were given, else (lasers, samples).
    """
    from photonics import _laser_kernels as kern

    single = isinstance(params, LaserParams | RateEquationLaser)
    plist = [params] if single else list(params)
    if not plist:
        raise ValueError("params must hold at least one LaserParams")
    plist = [q.params if isinstance(q, RateEquationLaser) else q for q in plist]
    for q in plist:
        if not isinstance(q, LaserParams):
            raise TypeError(f"params must be LaserParams or RateEquationLaser, got {type(q).__name__}")
    dt = check_real("dt", dt, low=0.0, low_open=True, high=1e-6)
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
                         f"{32 * n_lasers * n_samples / 2**30:.3g}"
                         " GiB of output arrays (at most 4 GiB); simulate shorter records")
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
            f"time step dt/substeps = {h:.4g} s is too large for stability (parameter set {worst}): the "
            f"largest stable RK4 step for these currents is {hm:.4g} s; use dt <= {hm:.4g} s "
            f"or substeps >= {math.ceil(dt / hm)}")
    if noise:
        gen = rng if rng is not None else np.random.default_rng(seed)
        if not isinstance(gen, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(gen).__name__}")
        seeds = gen.integers(0, 2**64, size=n_lasers, dtype=np.uint64)
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
    return LaserTrace(dt=dt, carrier_density=out_n, photon_density=out_s, phase=out_phi, power=power,
                      chirp_slope=a, chirp_offset=b)


# --------------------------------------------------------------------------------------------------------
# Estimators on simulated (or measured) waveforms
# --------------------------------------------------------------------------------------------------------
def estimate_rin(power, sample_rate, *, segment_duration: float | None = None):
    """One-sided RIN spectrum (1/Hz) of power waveforms (samples,) or (lasers, samples): Welch PSD (Hann,
    50 % overlap) of P/P̄ − 1 per laser, averaged over lasers. Returns (frequency in Hz, rin).

    `segment_duration` (s) sets the resolution (default: record/8)."""
    x = check_array("power", power, low=0.0)
    fs = check_positive("sample_rate", sample_rate)
    x = np.atleast_2d(x)
    mean = x.mean(axis=1, keepdims=True)
    if np.any(mean <= 0):
        raise ValueError("power must have a positive mean for a RIN")
    nper = x.shape[1] // 8 if segment_duration is None else int(round(check_positive(
        "segment_duration", segment_duration) * fs))
    nper = max(min(nper, x.shape[1]), 8)
    from scipy.signal import welch

    f, pxx = welch(x / mean - 1.0, fs=fs, window="hann", nperseg=nper, detrend="constant", axis=-1)
    return f, pxx.mean(axis=0)


def estimate_linewidth(phase, sample_rate, *, min_lag: float | None = None, max_lag: float | None = None,
                       n_lags: int = 12) -> float:
    """Lorentzian linewidth (Hz) from the growth of the phase variance, Var[φ(t+τ) − φ(t)] = 2πΔν τ + c.

    `phase`: unwrapped phase (rad), (samples,) or (lasers, samples). Each record is first detrended by its
    end-to-end slope (removing any frequency offset); for a Wiener phase of span T that makes the expected
    increment variance 2πΔν τ (1 − τ/T), so the variance is regressed on τ(1 − τ/T) with a free intercept
    c that absorbs the bounded relaxation-oscillation phase excursion. Lags are geometrically spaced in
    [min_lag, max_lag] (defaults T/200 and T/50); min_lag must exceed a few damping times 1/γ.
    """
    ph = np.atleast_2d(check_array("phase", phase))
    fs = check_positive("sample_rate", sample_rate)
    m = ph.shape[1]
    if m < 64:
        raise ValueError(f"phase needs at least 64 samples, got {m}")
    span = (m - 1) / fs
    lo = span / 200 if min_lag is None else check_positive("min_lag", min_lag)
    hi = span / 50 if max_lag is None else check_positive("max_lag", max_lag)
    if not lo < hi < span:
        raise ValueError(f"need min_lag < max_lag < record span {span:.4g} s; got {lo:.4g}, {hi:.4g}")
    lags = np.unique(np.round(np.geomspace(lo * fs, hi * fs, int(n_lags))).astype(np.int64))
    lags = lags[lags >= 1]
    if lags.size < 2:
        raise ValueError("need at least two distinct lags; widen [min_lag, max_lag]")
    trend = (ph[:, -1:] - ph[:, :1]) * (np.arange(m) / (m - 1))[None, :]
    ph = ph - trend
    var = np.array([np.mean((ph[:, k:] - ph[:, :-k]) ** 2) for k in lags])
    tau = lags / fs
    x = tau * (1.0 - tau / span)
    slope, _ = np.polyfit(x, var, 1)
    return float(slope / (2.0 * math.pi))


def chirp_from_power(power, dt, alpha_h, kappa):
    """(transient, adiabatic) frequency chirp in Hz of a power waveform (W, last axis = time, step dt s):
    transient = (α_H/4π) d ln P/dt (central differences), adiabatic = (α_H/4π) κ P (Koch & Linke 1986)."""
    p = check_array("power", power, low=0.0)
    dt = check_positive("dt", dt)
    alpha_h = check_real("alpha_h", alpha_h)
    kappa = check_real("kappa", kappa, low=0.0)
    if np.any(p <= 0):
        raise ValueError("power must be > 0 everywhere for d ln P/dt")
    c = alpha_h / (4.0 * math.pi)
    return c * np.gradient(np.log(p), dt, axis=-1), c * kappa * p


# --------------------------------------------------------------------------------------------------------
# CW source for the coherent links
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PhaseNoiseLaser:
    """CW laser for link simulations: `power` (W), Lorentzian `linewidth` (Hz, FWHM; Wiener phase),
    flat one-sided `rin_db_per_hz` (None: no intensity noise), `frequency_offset` (Hz) from the
    simulation's reference (baseband zero), and `wavelength` (m, for reference).

    A 100 kHz tunable laser: ``PhaseNoiseLaser(power=dbm_to_watt(15), linewidth=100e3, rin_db_per_hz=-145)``.
    """

    power: float = 1e-3
    linewidth: float = 100e3
    rin_db_per_hz: float | None = None
    frequency_offset: float = 0.0
    wavelength: float = CARRIER_WAVELENGTH

    def __post_init__(self):
        check_real("power", self.power, low=0.0, low_open=True)
        check_real("linewidth", self.linewidth, low=0.0, high=1e12)
        if self.rin_db_per_hz is not None:
            check_real("rin_db_per_hz", self.rin_db_per_hz, low=-250.0, high=-60.0)
        check_real("frequency_offset", self.frequency_offset)
        check_real("wavelength", self.wavelength, low=1e-7, high=1e-4)

    @classmethod
    def from_laser(cls, laser: RateEquationLaser, current: float, **kwargs) -> PhaseNoiseLaser:
        """The CW equivalent of a rate-equation laser at bias `current`: its facet power, Henry linewidth
        and low-frequency (1 MHz) RIN."""
        i = check_real("current", current, low=laser.threshold_current(), low_open=True)
        rin = float(laser.rin(1e6, i))
        return cls(power=float(laser.steady_state(i).power), linewidth=float(laser.linewidth(i)),
                   rin_db_per_hz=10.0 * math.log10(rin), wavelength=laser.params.wavelength, **kwargs)

    def phase(self, n_samples: int, sample_rate: float, *, rng: np.random.Generator,
              initial_phase: float | None = None) -> np.ndarray:
        """Wiener phase (rad), (N,): increments N(0, 2πΔν/fs), plus 2π f_offset t; starts at
        `initial_phase` (default uniform in [0, 2π) from `rng`)."""
        n, fs = self._check(n_samples, sample_rate, rng)
        phi0 = rng.uniform(0.0, 2 * math.pi) if initial_phase is None else check_real("initial_phase",
                                                                                     initial_phase)
        steps = rng.standard_normal(n) * math.sqrt(2 * math.pi * self.linewidth / fs)
        steps[0] = 0.0
        return phi0 + np.cumsum(steps) + 2 * math.pi * self.frequency_offset * np.arange(n) / fs

    def field(self, n_samples: int, sample_rate: float, *, rng: np.random.Generator,
              initial_phase: float | None = None) -> np.ndarray:
        """Complex field (N,) in √W with mean |E|² = power exactly: phase noise, then white relative
        intensity noise of variance RIN·fs/2 (zero-mean over the record). Refused when that standard
        deviation exceeds 0.25 (the intensity would go negative; lower the RIN or the sample rate)."""
        n, fs = self._check(n_samples, sample_rate, rng)
        phi = self.phase(n, fs, rng=rng, initial_phase=initial_phase)
        intensity = np.full(n, self.power)
        if self.rin_db_per_hz is not None:
            sigma = math.sqrt(10.0 ** (self.rin_db_per_hz / 10.0) * fs / 2.0)
            if sigma > 0.25:
                raise ValueError(f"rin_db_per_hz = {self.rin_db_per_hz} at sample_rate {fs:.4g} Hz gives a "
                                 f"relative intensity std of {sigma:.3g} (> 0.25); lower one of them")
            d = rng.standard_normal(n) * sigma
            intensity = self.power * (1.0 + d - d.mean())
        return np.sqrt(intensity) * np.exp(1j * phi)

    def _check(self, n_samples, sample_rate, rng):
        if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer) or n_samples < 1:
            raise ValueError(f"n_samples must be an integer >= 1, got {n_samples!r}")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return int(n_samples), check_positive("sample_rate", sample_rate)
