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

What lives here: `RateEquationLaser` (`LaserParams` re-exported): threshold, exact steady state (closed-form
root, not a time run), L-I-V curve, slope and wall-plug efficiency; exact small-signal response, relaxation
frequency, damping, K-factor, 3 dB and maximum bandwidth next to the textbook approximations; analytic RIN,
frequency-noise spectrum, Henry and linearised linewidth; adiabatic/transient chirp; turn-on delay;
`simulate` (stochastic, batched, Numba); `figures()` at its `operating_current`.

Elsewhere: `LaserParams` (frozen, validated; defaults = a 1550 nm InGaAsP/InP DFB-like laser; `from_cavity`)
in `photonics.laser_params`; the steady-state, Jacobian and stability algebra in `photonics.rate_equations`;
`simulate_lasers` and `LaserTrace` in `photonics.laser_simulation`; `estimate_rin`, `estimate_linewidth` and
`chirp_from_power` in `photonics.laser_estimators`; `PhaseNoiseLaser`, the CW source of the coherent links
(Wiener phase, flat RIN, frequency offset), in `photonics.cw_laser`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optolink.core.constants import K_B, Q
from optolink.core.display import displayed
from optolink.core.validate import check_array, check_positive, check_real

from . import plots as _plots
from .laser_estimators import chirp_from_power
from .laser_params import LaserParams
from .laser_simulation import simulate_lasers
from .rate_equations import _diffusion, _jacobian, _stable_step_sets, _stack, _steady_nS

__all__ = ["LaserParams", "SteadyState", "LICurve", "SmallSignal", "RateEquationLaser"]


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
MAX_CURRENT = 100.0  # A: a drive current above this is a mistake, not a laser diode


@displayed("Ith=threshold_current:A", "I=operating_current:A", ("P", lambda la: la.figures()["power_w"], "W"),
           ("f3dB", lambda la: la.figures()["bandwidth_hz"], "Hz"), "λ=params.wavelength:m")
class RateEquationLaser:
    """Single-mode semiconductor laser from the rate equations (see the module docstring).

    Methods taking `current` (A, ≥ 0) accept a scalar or an array and return the same shape (a float for a
    scalar); the spectral ones (`modulation_response`, `rin`, `frequency_noise`, `chirp_to_power_ratio`)
    take one bias current and an array of frequencies (Hz).

    ``operating_current`` (A): the device's operating point, at which ``figures()`` is evaluated; None →
    2 × ``threshold_current()``.
    """

    plot_li = _plots.li_curve  # plot_li(ax=None) → Axes (photonics.plots)

    def __init__(self, params: LaserParams | None = None, *, operating_current: float | None = None):
        params = LaserParams() if params is None else params
        if not isinstance(params, LaserParams):
            raise TypeError(f"params must be a LaserParams, got {type(params).__name__}")
        self.params = params
        if operating_current is None:
            operating_current = 2.0 * self.threshold_current()
        self.operating_current = check_real("operating_current", operating_current, low=0.0, low_open=True)

    def __repr__(self) -> str:
        return f"RateEquationLaser({self.params!r}, operating_current={self.operating_current!r})"

    def figures(self) -> dict:
        """Headline figures at ``operating_current`` (SI, units in the keys; one facet)."""
        i_op = self.operating_current
        ss = self.small_signal(i_op)
        return {
            "threshold_current_a": self.threshold_current(),
            "operating_current_a": i_op,
            "power_w": float(self.steady_state(i_op).power),
            "slope_efficiency_w_per_a": float(self.slope_efficiency(i_op)),
            "voltage_v": float(self.voltage(i_op)),
            "wall_plug_efficiency": float(self.wall_plug_efficiency(i_op)),
            "relaxation_frequency_hz": float(ss.relaxation_frequency),
            "bandwidth_hz": float(ss.bandwidth_3db),
            "linewidth_hz": float(self.linewidth(i_op)),
            "rin_1ghz_db_per_hz": 10 * math.log10(float(self.rin(1e9, i_op))),
            "wavelength_m": self.params.wavelength,
        }

    # ---- static ------------------------------------------------------------------------------------------
    def threshold_current(self) -> float:
        """I_th = q V N_th / τn, A (the S → 0, β → 0 threshold; Coldren & Corzine ch. 2)."""
        p = self.params
        return Q * p.volume * p.threshold_carrier_density / p.tau_n

    def _current(self, current, name="current"):
        return check_array(name, current, low=0.0, high=MAX_CURRENT)

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
        f = check_array("frequency", frequency, low=0.0, high=1e15)
        i = check_real("current", current, low=0.0, high=MAX_CURRENT)
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
        f = check_array("frequency", frequency, low=0.0, high=1e15)
        i = check_real("current", current, low=0.0, high=MAX_CURRENT)
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
            i = check_real("current", current, low=0.0, high=MAX_CURRENT)
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
        f = check_array("frequency", frequency, low=0.0, high=1e15)
        i = check_real("current", current, low=0.0, high=MAX_CURRENT)
        p = self.params
        _, _, _, (_, _, a21, a22) = self._linear(i)
        g = p.confinement * p.group_velocity * p.gain_slope
        return p.alpha_h / (4 * math.pi) * g * (2j * math.pi * f - a22) / (p.power_per_photon_density * a21)

    def chirp(self, power, sample_rate):
        """(transient, adiabatic) chirp in Hz of a facet-power waveform (W) sampled at `sample_rate` Hz, from
        Δν = (α_H/4π)(d ln P/dt + κP) (Koch & Linke, APL 48, 613 (1986)); see `chirp_from_power`."""
        return chirp_from_power(power, sample_rate, self.params.alpha_h, self.kappa())

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

    def simulate(self, current, sample_rate, *, n_samples: int | None = None, substeps: int = 1,
                 noise: bool = True, rng=None, initial="steady"):
        """Large-signal (optionally stochastic) simulation; see `simulate_lasers` for the arguments."""
        return simulate_lasers(self.params, current, sample_rate, n_samples=n_samples, substeps=substeps,
                               noise=noise, rng=rng, initial=initial)

    def simulated_modulation_response(self, frequency, current, *, step_fraction: float = 1e-3,
                                      duration: float | None = None, sample_rate: float = 1e12):
        """H(f) measured on the time-domain integrator (noise off): the response to small current steps
        ±`step_fraction`·I from the steady state at `current`, differentiated (impulse response), Fourier
        transformed and normalised by the exact steady-state power step. Two steps, to (1 ± step)·I, are run
        and subtracted, which cancels the even-order nonlinear terms (error O(step²)). Duration: 30/γ
        (at least 2 ns, at most 100 ns). Returns complex H at `frequency` (Hz)."""
        f = check_array("frequency", frequency, low=0.0, high=1e15)
        i = check_real("current", current, low=0.0, low_open=True)
        step = check_real("step_fraction", step_fraction, low=-0.5, high=0.5)
        if step == 0:
            raise ValueError("step_fraction must be nonzero, in [-0.5, 0.5]")
        if duration is None:
            duration = min(max(30.0 / float(self.damping_rate(i)), 2e-9), 100e-9)
        duration = check_positive("duration", duration)
        dt = 1.0 / check_positive("sample_rate", sample_rate)
        n = max(int(round(duration / dt)), 16)
        # steps up and down from the bias; their difference cancels the even-order (nonlinear) terms
        drive = np.empty((2, 1))
        drive[:, 0] = i * (1.0 + step), i * (1.0 - step)
        trace = simulate_lasers(self.params, drive, sample_rate, n_samples=n, noise=False,
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
