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

Coupling vs gap (κ(g), the bus-ring coupler's K = sin²Φ): ``photonics.couplers``. The time-domain CMT
kernel and its records: ``photonics.ring_dynamics``.

Dynamics (time-domain coupled-mode theory with the junction's RC, its exact linearisation and the
electro-optic bandwidth): ``photonics.ring_dynamics``.

Waveguide figures: with the ring's ``waveguide.method == "solver"`` (the default) n_eff, n_g and the bend
radiation loss of the 2πR arc are the bent guide's full-vector TE0 (``cross_section_solvers.bent_waveguide_
figures``), the racetrack straights the straight guide's; with ``"closed_form"`` the straight EIM mode all round
and no radiation loss. Not modelled: self-heating and two-photon absorption at high power, pad/wire
parasitics, forward-bias injection (the solver phase shifter is reverse-bias only).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from scipy.optimize import brentq

from optolink.core.constants import C
from optolink.core.display import displayed
from optolink.core.units import alpha_from_db_per_m
from optolink.core.validate import check_array, check_real

from . import plots as _plots
from . import ring_dynamics
from .couplers import CouplingModel
from .cross_section_solvers import bent_waveguide_figures
from .phase_shifters import DepletionPhaseShifter, ThermoOpticPhaseShifter
from .ring_dynamics import CoupledModeParameters, RingSimulation
from .ring_tuning import RingThermalTuning
from .waveguides import RibWaveguide

__all__ = ["RingModulator"]


WAVELENGTH_SPAN = 100e-9  # m: accepted distance of a wavelength from the design wavelength
DRIVE_SWING = 2.0  # V peak-to-peak: the drive swing of a ring's headline modulation figures


@functools.lru_cache(maxsize=256)
def _scalar_carrier_index(phase_shifter: DepletionPhaseShifter, bias_voltage: float) -> tuple[float, float]:
    """``phase_shifter.carrier_index`` at one bias (a memo: a ring's figures ask for the same few biases)."""
    return phase_shifter.carrier_index(bias_voltage)


# ------------------------------------------------------------------------------------------------
# Ring modulator
# ------------------------------------------------------------------------------------------------
def _default_ring_phase_shifter() -> DepletionPhaseShifter:
    # Ring modulators use heavier doping than MZMs (short junction; bandwidth from overcoupling):
    # 1.5e18 cm⁻³ both sides, junction centred (intrinsic Q ≈ 2e4, ≈ 29 pm/V at 1 V).
    return DepletionPhaseShifter(na=1.5e24, nd=1.5e24)


@displayed("R=radius:m", "gap=gap:m", "λ0=resonance_wavelength:m:6", "Q=q_loaded", "ER=extinction_ratio_db:dB",
           "f3dB=eo_bandwidth:Hz")
@dataclass(frozen=True)
class RingModulator(RingThermalTuning):
    """Depletion-mode microring modulator, all-pass (``drop_gap=None``) or add-drop; all SI.

    radius: ring radius to the waveguide centre (m). gap: bus-ring edge gap (m); drop_gap: drop-bus gap
    (m) or None for an all-pass ring. phase_shifter: the ring's doped waveguide (its ``waveguide`` is
    the ring and bus cross-section). junction_fraction: fraction of the circumference with the PN
    junction (the rest is undoped, e.g. at the coupler). bias_voltage: DC reverse bias (V) of the
    operating point (the default of every method taking ``bias_voltage``, and where ``figures()`` is
    evaluated). heater: thermo-optic heater over the ring (None: no heater); heater_power: its operating
    power (W). coupling_model: κ(gap) model and gap limits. source_impedance: driver output impedance
    (Ω). excess_loss_db_per_m: extra loss around the whole ring (roughness; the solver adds the bend radiation).
    order: azimuthal order m of the tracked resonance (None: the one nearest the design wavelength at
    ``bias_voltage`` without heating).

    Defaults: the doping (1.5e18 cm⁻³ each side) is heavier than an MZM's, as is usual for rings; the
    gap (220 nm) puts the default ring over-coupled at 1 V (K ≈ 0.062 from the full-vector supermodes,
    against a round-trip loss 1 − a² ≈ 0.038; ER ≈ 12 dB, Q_loaded ≈ 7.2e3, EO bandwidth ≈ 26 GHz),
    trading extinction for bandwidth; ``critical_gap()`` (≈ 261 nm; 289 nm with the weak-coupling EIM
    model, whose κ is ~20 % high) gives critical coupling.
    """

    radius: float = 7.5e-6
    gap: float = 220e-9
    drop_gap: float | None = None
    phase_shifter: DepletionPhaseShifter = field(default_factory=_default_ring_phase_shifter)
    junction_fraction: float = 0.8
    bias_voltage: float = 1.0
    heater: ThermoOpticPhaseShifter | None = field(default_factory=ThermoOpticPhaseShifter)
    heater_power: float = 0.0
    coupling_model: CouplingModel = field(default_factory=CouplingModel)
    source_impedance: float = 50.0
    excess_loss_db_per_m: float = 0.0
    order: int | None = None

    plot_transmission = _plots.ring_transmission  # plot_transmission(ax=None) → Axes (photonics.plots)
    plot_eo_response = _plots.eo_response  # plot_eo_response(ax=None) → Axes

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
        check_real("bias_voltage", self.bias_voltage, low=-1.0, high=30.0)
        self.phase_shifter.carrier_index(self.bias_voltage)  # refuses forward bias beyond V_bi / punch-through
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

    @cached_property
    def _guide(self) -> tuple[float, float, float]:
        """Round-trip averages (n_eff, n_g, radiation α 1/m): the bent TE0 on the arc, straight on the rest."""
        wg = self.waveguide
        if wg.method != "solver":
            return wg.neff, wg.group_index, 0.0
        bent, f = bent_waveguide_figures(wg, self.radius), 2 * math.pi * self.radius / self.length
        return (f * bent["neff"] + (1 - f) * wg.neff, f * bent["group_index"] + (1 - f) * wg.group_index,
                f * bent["alpha"])

    @property
    def effective_index(self) -> float:
        """Round-trip average n_eff0 at λ0 without carriers (referred to the radius on the arc)."""
        return self._guide[0]

    @property
    def group_index(self) -> float:
        """Round-trip average group index (the bent mode's on the arc with the solver)."""
        return self._guide[1]

    @property
    def round_trip_time(self) -> float:
        """T_rt = n_g L/c (s)."""
        return self.group_index * self.length / C

    # --- coupling -----------------------------------------------------------------------------------
    def _coupled_phase(self, gap: float) -> float:
        # κ(g) of the ring's own cross-section by the coupling model's method (default: the supermode table)
        return self.coupling_model.coupled_phase(self.waveguide, gap, self.radius, self.design_wavelength)

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

    def critical_gap(self, bias_voltage=None) -> float:
        """Bus gap (m) giving critical coupling at ``bias_voltage`` (r1 = r2·a), on the branch Φ < π/2."""
        a = float(self.round_trip_amplitude(bias_voltage))
        target = math.asin(math.sqrt(1.0 - (self.drop_self_coupling * a) ** 2))
        cm = self.coupling_model

        def f(g):
            return self._coupled_phase(g) - target

        lo, hi = cm.min_gap, cm.max_gap
        if f(lo) < 0 or f(hi) > 0:
            raise ValueError(f"no critically coupled gap in [{lo:g}, {hi:g}] m for this ring")
        return brentq(f, lo, hi, xtol=1e-20, rtol=1e-15, maxiter=200)

    def coupling_regime(self, bias_voltage=None, tolerance: float = 1e-3) -> str:
        """``"under"``, ``"critical"`` or ``"over"`` coupled (r1 vs r2·a, relative ``tolerance``)."""
        ra = self.drop_self_coupling * float(self.round_trip_amplitude(bias_voltage))
        r1 = self.self_coupling
        if abs(r1 - ra) <= tolerance * (1 - ra):
            return "critical"
        return "over" if r1 < ra else "under"

    # --- loss and phase -----------------------------------------------------------------------------
    def _v(self, bias_voltage):
        v = self.bias_voltage if bias_voltage is None else bias_voltage
        return check_array("bias_voltage", v, low=-1.0, high=30.0)

    def _scalar_v(self, bias_voltage) -> float:
        v = self.bias_voltage if bias_voltage is None else bias_voltage
        return float(check_real("bias_voltage", v, low=-1.0, high=30.0))

    def _carriers(self, v: np.ndarray):
        if v.size == 1:  # the figures ask for the same few biases many times: a memo of scalars
            dn, da = _scalar_carrier_index(self.phase_shifter, float(v.ravel()[0]))
            return np.full(v.shape, dn), np.full(v.shape, da)
        flat = np.unique(v.ravel())
        dn, da = self.phase_shifter.carrier_index(flat)
        idx = np.searchsorted(flat, v.ravel())
        return np.asarray(dn)[idx].reshape(v.shape), np.asarray(da)[idx].reshape(v.shape)

    def alpha(self, bias_voltage=None):
        """Circumference-averaged power loss coefficient ᾱ (1/m) at reverse bias ``bias_voltage`` (V)."""
        v = self._v(bias_voltage)
        _, da = self._carriers(v)
        a_wg = float(alpha_from_db_per_m(self.waveguide.intrinsic_loss_db_per_m))
        out = a_wg + self.junction_fraction * da + float(alpha_from_db_per_m(self.excess_loss_db_per_m)) \
            + self._guide[2]
        return out if out.ndim else float(out)

    def round_trip_amplitude(self, bias_voltage=None):
        """a = exp(−ᾱL/2): field amplitude left after one round trip."""
        out = np.exp(-np.asarray(self.alpha(bias_voltage)) * self.length / 2)
        return out if out.ndim else float(out)

    def _index_shift(self, v: np.ndarray):
        """Δ(V): average n_eff change from the carriers (vs undoped) and the heater."""
        dn, _ = self._carriers(v)
        return self.junction_fraction * dn + self.thermal_index_change

    def _dispersion_offset(self) -> float:
        """(n_g − n_eff0)·L/λ0, so that λ_m = (n_g + Δ)·L/(m + offset)."""
        return (self.group_index - self.effective_index) * self.length / self.design_wavelength

    def _wl(self, wavelength):
        lam0 = self.design_wavelength
        return check_array("wavelength", wavelength, low=lam0 - WAVELENGTH_SPAN, high=lam0 + WAVELENGTH_SPAN)

    def round_trip_phase(self, wavelength, bias_voltage=None):
        """φ = 2π·n_eff(λ, V)·L/λ (rad), n_eff(λ) = n_eff0 + Δ(V) − (n_g − n_eff0)(λ − λ0)/λ0."""
        wl, v = np.broadcast_arrays(self._wl(wavelength), self._v(bias_voltage))
        lam0, n0, ng = self.design_wavelength, self.effective_index, self.group_index
        n = n0 + self._index_shift(v) - (ng - n0) * (wl - lam0) / lam0
        out = 2 * math.pi * n * self.length / wl
        return out if out.ndim else float(out)

    # --- transfer functions -------------------------------------------------------------------------
    def field_transfer(self, wavelength, bias_voltage=None):
        """Complex field transfer ``(through, drop)`` (drop is zero for an all-pass ring).

        Couplers [[t, −jk], [−jk, t]], propagation e^{−jφ}: through = (r1 − r2·a·e^{−jφ})/(1 − r1r2a·e^{−jφ}),
        drop = −k1k2·√a·e^{−jφ/2}/(1 − r1r2a·e^{−jφ}) (loss and phase split evenly between the halves).
        """
        wl, v = np.broadcast_arrays(self._wl(wavelength), self._v(bias_voltage))
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

    def _round_trip(self, wavelength, bias_voltage):
        """(a, cos φ, r1, r2): round-trip field amplitude and phase cosine, and the self-couplings."""
        wl, v = np.broadcast_arrays(self._wl(wavelength), self._v(bias_voltage))
        phi = np.asarray(self.round_trip_phase(wl, v))
        a = np.asarray(self.round_trip_amplitude(v))
        return a, np.cos(phi), self.self_coupling, self.drop_self_coupling

    def transmission(self, wavelength, bias_voltage=None):
        """Through-port power transmission (Bogaerts 2012 eqs. 2 and 5); arrays broadcast."""
        a, c, r1, r2 = self._round_trip(wavelength, bias_voltage)
        out = ((r2 * a) ** 2 - 2 * r1 * r2 * a * c + r1**2) / (1 - 2 * r1 * r2 * a * c + (r1 * r2 * a) ** 2)
        return out if out.ndim else float(out)

    def drop_transmission(self, wavelength, bias_voltage=None):
        """Drop-port power transmission (Bogaerts 2012 eq. 6); zero for an all-pass ring."""
        a, c, r1, r2 = self._round_trip(wavelength, bias_voltage)
        out = (1 - r1**2) * (1 - r2**2) * a / (1 - 2 * r1 * r2 * a * c + (r1 * r2 * a) ** 2)
        return out if out.ndim else float(out)

    # --- resonances -----------------------------------------------------------------------------------
    @cached_property
    def resonance_order(self) -> int:
        """Azimuthal order m of the tracked resonance."""
        if self.order is not None:
            return int(self.order)
        delta = float(self.phase_shifter.carrier_index(self.bias_voltage)[0]) * self.junction_fraction
        m_real = (self.group_index + delta) * self.length / self.design_wavelength - self._dispersion_offset()
        return max(1, int(round(m_real)))

    def resonance_wavelength(self, bias_voltage=None, order=None):
        """Resonance wavelength (m) of ``order`` (default: the tracked one) at ``bias_voltage``.

        λ_m = (n_g + Δ(V))·L/(m + (n_g − n_eff0)·L/λ0), the root of φ(λ) = 2πm.
        """
        v = self._v(bias_voltage)
        m = self.resonance_order if order is None else order
        lam = (self.group_index + self._index_shift(v)) * self.length / (m + self._dispersion_offset())
        lam = np.asarray(lam)
        lam0 = self.design_wavelength
        if np.any(np.abs(lam - lam0) > WAVELENGTH_SPAN):
            raise ValueError(f"order {m} resonates outside [{lam0 - WAVELENGTH_SPAN:g}, "
                             f"{lam0 + WAVELENGTH_SPAN:g}] m, where the dispersion model holds")
        return lam if lam.ndim else float(lam)

    def fsr(self, bias_voltage=None):
        """Free spectral range λ²/(n_g L) (m) at the tracked resonance."""
        lam = np.asarray(self.resonance_wavelength(bias_voltage))
        out = lam**2 / (self.group_index * self.length)
        return out if out.ndim else float(out)

    def fsr_frequency(self) -> float:
        """FSR in frequency c/(n_g L) (Hz)."""
        return C / (self.group_index * self.length)

    def fwhm(self, bias_voltage=None):
        """Full width at half maximum (m): (1 − r1r2a)λ²/(π n_g L √(r1r2a)) (Bogaerts 2012 eq. 7)."""
        lam = np.asarray(self.resonance_wavelength(bias_voltage))
        x = self.self_coupling * self.drop_self_coupling * np.asarray(self.round_trip_amplitude(bias_voltage))
        out = (1 - x) * lam**2 / (math.pi * self.group_index * self.length * np.sqrt(x))
        return out if out.ndim else float(out)

    def q_loaded(self, bias_voltage=None):
        """Loaded Q = λ_res/FWHM."""
        out = np.asarray(self.resonance_wavelength(bias_voltage)) / np.asarray(self.fwhm(bias_voltage))
        return out if out.ndim else float(out)

    def q_intrinsic(self, bias_voltage=None):
        """Intrinsic Q from the loss only: 2π n_g/(λ ᾱ)."""
        out = (2 * math.pi * self.group_index
               / (np.asarray(self.resonance_wavelength(bias_voltage)) * np.asarray(self.alpha(bias_voltage))))
        return out if out.ndim else float(out)

    def q_coupling(self, bias_voltage=None):
        """Coupling (external) Q of both buses: 2π n_g L/(λ·(−2 ln(r1 r2))); 1/Q_L ≈ 1/Q_i + 1/Q_c."""
        lam = np.asarray(self.resonance_wavelength(bias_voltage))
        x = -2 * math.log(self.self_coupling * self.drop_self_coupling)
        out = 2 * math.pi * self.group_index * self.length / (lam * x)
        return out if out.ndim else float(out)

    def finesse(self, bias_voltage=None):
        out = np.asarray(self.fsr(bias_voltage)) / np.asarray(self.fwhm(bias_voltage))
        return out if out.ndim else float(out)

    def resonance_transmission(self, bias_voltage=None):
        """Through-port transmission at resonance: (r1 − r2a)²/(1 − r1r2a)²."""
        a = np.asarray(self.round_trip_amplitude(bias_voltage))
        r1, r2 = self.self_coupling, self.drop_self_coupling
        out = (r1 - r2 * a) ** 2 / (1 - r1 * r2 * a) ** 2
        return out if out.ndim else float(out)

    def drop_peak_transmission(self, bias_voltage=None):
        """Drop-port transmission at resonance: (1 − r1²)(1 − r2²)a/(1 − r1r2a)²."""
        a = np.asarray(self.round_trip_amplitude(bias_voltage))
        r1, r2 = self.self_coupling, self.drop_self_coupling
        out = (1 - r1**2) * (1 - r2**2) * a / (1 - r1 * r2 * a) ** 2
        return out if out.ndim else float(out)

    def extinction_ratio_db(self, bias_voltage=None):
        """Through-port extinction 10·log10(T_max/T_min) (dB): off resonance vs on resonance.

        T_max = (r1 + r2a)²/(1 + r1r2a)² (anti-resonance). Infinite at exact critical coupling.
        """
        a = np.asarray(self.round_trip_amplitude(bias_voltage))
        r1, r2 = self.self_coupling, self.drop_self_coupling
        t_max = (r1 + r2 * a) ** 2 / (1 + r1 * r2 * a) ** 2
        t_min = np.asarray(self.resonance_transmission(bias_voltage))
        with np.errstate(divide="ignore"):
            out = 10 * np.log10(t_max / t_min)
        return out if out.ndim else float(out)

    def resonance_shift_per_volt(self, bias_voltage=None):
        """dλ_res/dV (m/V) at ``bias_voltage`` (central difference, 1 mV): ≈ f·(dΔn_eff/dV)·λ/n_g."""
        v = self._v(bias_voltage)
        h = 1e-3
        out = (np.asarray(self.resonance_wavelength(v + h)) - np.asarray(self.resonance_wavelength(v - h))) / (2 * h)
        return out if out.ndim else float(out)

    def operating_wavelength(self, bias_voltage=None, side: str = "blue") -> float:
        """Laser wavelength of steepest through-port slope next to the resonance: λ_res ∓ FWHM/(2√3).

        (Lorentzian dip; ``side="blue"`` puts the laser at shorter wavelength, so reverse bias, which
        red-shifts the resonance, raises the transmission.)
        """
        if side not in ("blue", "red"):
            raise ValueError(f"side must be 'blue' or 'red'; got {side!r}")
        v = self._scalar_v(bias_voltage)
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

    # --- electrical -----------------------------------------------------------------------------------
    @property
    def series_resistance(self) -> float:
        """Junction series resistance (Ω) of the doped length."""
        return self.phase_shifter.series_resistance_length / self.doped_length

    def capacitance(self, bias_voltage=None):
        """Junction capacitance (F) of the doped length at ``bias_voltage``."""
        v = self._v(bias_voltage)
        out = np.asarray(self.phase_shifter.capacitance_per_length(v)) * self.doped_length
        return out if out.ndim else float(out)

    def rc_time_constant(self, bias_voltage=None):
        """(R_source + R_junction)·C_junction (s)."""
        out = (self.source_impedance + self.series_resistance) * np.asarray(self.capacitance(bias_voltage))
        return out if out.ndim else float(out)

    def rc_bandwidth(self, bias_voltage=None):
        """1/(2π·RC) (Hz)."""
        out = 1.0 / (2 * math.pi * np.asarray(self.rc_time_constant(bias_voltage)))
        return out if out.ndim else float(out)

    # --- coupled-mode theory ----------------------------------------------------------------------
    def coupled_mode_parameters(self, bias_voltage=None) -> CoupledModeParameters:
        """CMT rates at ``bias_voltage`` from the static ring: 1/τ_x = −ln(x)/T_rt for x = a, r1, r2."""
        v = self._scalar_v(bias_voltage)
        t_rt = self.round_trip_time
        di = -math.log(float(self.round_trip_amplitude(v))) / t_rt
        d1 = -math.log(self.self_coupling) / t_rt
        d2 = -math.log(self.drop_self_coupling) / t_rt if self.is_add_drop else 0.0
        w0 = 2 * math.pi * C / float(self.resonance_wavelength(v))
        return CoupledModeParameters(w0, di, d1, d2, math.sqrt(2 * d1), math.sqrt(2 * d2), t_rt)

    def photon_lifetime(self, bias_voltage=None) -> float:
        """Energy lifetime of the loaded ring τ_ph = 1/(2/τ) ≈ Q_loaded/ω0 (s)."""
        return self.coupled_mode_parameters(bias_voltage).photon_lifetime

    def simulate(self, drive_voltage, sample_rate: float, wavelength=None, input_power=1e-3,
                 input_field=None, initial: str = "steady", max_step: float | None = None) -> RingSimulation:
        """Time-domain response to a reverse-bias drive (V, sampled at ``sample_rate`` Hz).

        wavelength: laser wavelength (m; default ``operating_wavelength()`` at ``bias_voltage``), within FSR/2
        of the tracked resonance. input_power: laser power (W), scalar or one value per sample;
        input_field: complex field (√W) per sample instead (baseband at ``wavelength``).
        initial: ``"steady"`` (junction and ring in steady state at the first samples) or ``"empty"``
        (junction at the first drive sample, no light in the ring). max_step: largest RK4 step (s;
        default 1/20 of the fastest rate of the problem).
        """
        return ring_dynamics.simulate(self, drive_voltage, sample_rate, wavelength, input_power, input_field,
                                      initial, max_step)

    def small_signal_response(self, frequencies, wavelength=None, bias_voltage=None, port: str = "through",
                              include_rc: bool = True, normalize: bool = True, input_power: float = 1.0):
        """Small-signal optical modulation response P̂(f) of the linearised CMT + RC equations.

        For a drive V = V_b + Re(V̂ e^{jΩt}), the output power is P_0 + Re(P̂ e^{jΩt}) with
        P̂ = 2(s0*·d·a₊ + s0·d*·a₋*), a₊ = c'V̂_j a0/(2(jΩ − c0)), a₋ = c'V̂_j* a0/(2(−jΩ − c0)),
        c0 = j(ω0 − ω) − 1/τ, c' = j·dω0/dV − d(1/τ)/dV, V̂_j = V̂/(1 + jΩ·RC), d = −jμ of the port
        (Sacher & Poon 2008, generalised to loss modulation). ``normalize``: divide by P̂(0) (complex);
        otherwise W per volt of drive amplitude at ``input_power`` (W).
        """
        f = check_array("frequencies", frequencies, low=0.0)
        response, p0 = ring_dynamics.small_signal(self, wavelength, bias_voltage, port, include_rc, input_power,
                                                  normalize)
        out = response(f)
        if normalize:
            out = out / p0
        return out if out.ndim else complex(out)

    def eo_bandwidth(self, wavelength=None, bias_voltage=None, port: str = "through",
                     include_rc: bool = True) -> float:
        """Electro-optic 3-dB bandwidth (Hz): first frequency where |P̂(f)/P̂(0)| = 1/√2 (−3 dB electrical)."""
        response, p0 = ring_dynamics.small_signal(self, wavelength, bias_voltage, port, include_rc, 1.0, True)
        return ring_dynamics.bandwidth_3db(response, p0)

    # --- summary --------------------------------------------------------------------------------------
    def figures(self) -> dict:
        """Headline figures at ``bias_voltage``, SI with units in the keys.

        Modulation figures are for a swing of ``DRIVE_SWING`` (2 V peak-to-peak) centred on ``bias_voltage``
        with the laser at the blue max-slope point.
        """
        v = self._scalar_v(None)
        sw = DRIVE_SWING
        lam_op = self.operating_wavelength(v)
        mod = self.modulation(lam_op, v - sw / 2, v + sw / 2)
        out = {
            "bias_voltage_v": v,
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
