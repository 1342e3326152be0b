"""Phase shifters of silicon photonics: carrier-depletion PN phase shifter and thermo-optic heater.

Depletion phase shifter (lateral PN junction across a rib; e.g. G. T. Reed et al., Nature Photon. 4,
518 (2010); D. Patel et al., Opt. Express 23, 14263 (2015)). Laterally, from left to right:

    P++ contact | P+ slab | P slab+rib ... junction at x_j ... N rib+slab | N+ slab | N++ contact
    P+ from w/2 + p_plus_gap to w/2 + p_contact_gap (mirror for N); depleted x_j − x_p(V) .. x_j + x_n(V)

Each region's free carriers change the silicon index and absorption (``materials.plasma_dispersion``);
the modal change is Σ Γ_region·Δn_Si(region) with Γ from the EIM mode overlap
(``RibWaveguide.confinement``). Reverse bias widens the depleted region, removes carriers where the
mode is, and raises n_eff. The doping is uniform in depth (approximate; implants are graded).

Two models of the same device (``method``): ``"solver"`` (the default) takes Δn_eff(V), the free-carrier
α(V), C(V) and the doped silicon's series R from the full-vector mode and the 2-D carrier solution of the
device's own cross-section (``photonics.cross_section_solvers.phase_shifter_tables``: solved once per
cross-section at 0-12 V reverse and cached, cubic splines in V between; forward bias, where the 2-D solver
does not go, adds the closed form's change from 0 V to the solved 0 V values); ``"closed_form"``
is the 1-D abrupt-depletion model on the EIM overlaps described above (fast, any bias down to forward
conduction; its error against the solver on the default devices is in docs/solvers.md: VπL −1 %,
C −24 %).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
from scipy.interpolate import CubicSpline

from optolink.core.constants import Q
from optolink.core.display import displayed
from optolink.core.units import alpha_from_db_per_m, db_per_m_from_alpha
from optolink.core.validate import check_array, check_real

from .carriers import Implant, UniformDoping
from .cross_section_solvers import TABLE_BIASES, phase_shifter_tables, thermo_optic_figures
from .junction import DOPING_RANGE, LateralJunction, PNJunction
from .materials import (
    SILICA_DN_DT,
    plasma_dispersion,
    silicon_resistivity,
    silicon_thermo_optic_coefficient,
)
from .waveguides import RibWaveguide

_FAR = 1.0  # m: "infinity" for the overlap integrals
BIAS_VOLTAGE = 2.0  # V reverse: the depletion phase shifter's operating point, the default of every method
METHODS = ("solver", "closed_form")


@displayed("w=waveguide.width:m", "NA=na:m⁻³", "ND=nd:m⁻³", "VπL=vpi_l_v_cm:V·cm", "loss=loss_db_per_m:dB/m")
@dataclass(frozen=True)
class DepletionPhaseShifter:
    """Carrier-depletion phase shifter per unit length; all SI.

    na, nd: acceptor/donor densities of the P and N regions (m⁻³). junction_offset: junction position
    from the waveguide centre (m, > 0 toward N). p_contact_gap / n_contact_gap: distance from the rib
    edge to the heavily doped contact regions (m). p_contact_doping / n_contact_doping: their doping (m⁻³).
    p_plus_gap / n_plus_gap, p_plus_doping / n_plus_doping: the intermediate P+/N+ slab implants that
    lower the series resistance (gap from the rib edge, m; doping m⁻³); a gap ≥ the contact gap removes them.
    contact_width: width of the heavily doped strip under the silicide contact (m).
    specific_contact_resistivity: metal-silicon ρ_c (Ω·m²).
    model: plasma dispersion fit, "soref" or "nedeljkovic".
    confinement_scale: multiplies the closed form's EIM overlap (1.0 = as computed; use it to calibrate
    against a measurement; the solver model ignores it).
    method: ``"solver"`` (default: full-vector mode + 2-D carrier solution, reverse bias up to 12 V) or
    ``"closed_form"`` (EIM overlaps and the 1-D abrupt depletion model; any bias above forward conduction).
    implants: the doping the solver sees, as ``photonics.carriers.Implant`` (Gaussian in depth from the silicon
    surface, erf-blurred laterally: dose, projected range, straggles, mask window) and ``UniformDoping`` regions,
    summed per species — the whole profile, contacts included; empty (the default): the uniform regions above.
    The closed form always uses the uniform ``na``, ``nd``, … (set them to the implants' equivalents).

    Operating point: every method taking ``bias_voltage`` (reverse bias, V) defaults to ``BIAS_VOLTAGE``
    = 2 V, and ``figures()`` is evaluated there; a device built on this one (MZM, ring) passes its own bias.
    """

    waveguide: RibWaveguide = field(default_factory=RibWaveguide)
    na: float = 3.0e23
    nd: float = 2.0e23
    junction_offset: float = 0.0
    p_contact_gap: float = 0.7e-6
    n_contact_gap: float = 0.7e-6
    p_plus_gap: float = 0.25e-6
    n_plus_gap: float = 0.25e-6
    p_plus_doping: float = 2.0e24
    n_plus_doping: float = 2.0e24
    p_contact_doping: float = 1.0e26
    n_contact_doping: float = 1.0e26
    contact_width: float = 1.0e-6
    specific_contact_resistivity: float = 1.0e-11
    model: str = "soref"
    confinement_scale: float = 1.0
    temperature: float = 300.0
    method: str = "solver"
    implants: tuple[Implant | UniformDoping, ...] = ()
    MODEL_METHODS = {"solver": "solver", "closed_form": "closed_form"}  # devices.with_model

    def __post_init__(self):
        if self.method not in METHODS:
            raise ValueError(f"method must be 'solver' or 'closed_form'; got {self.method!r}")
        if not isinstance(self.implants, tuple) or not all(isinstance(r, Implant | UniformDoping)
                                                              for r in self.implants):
            raise TypeError("implants must be a tuple of photonics.carriers.Implant / UniformDoping regions; got "
                            f"{self.implants!r}")
        if self.implants and {r.species for r in self.implants} != {"acceptor", "donor"}:
            raise ValueError("implants must dope both species (acceptor and donor) to form a junction; got "
                             f"{sorted({r.species for r in self.implants})}")
        if not isinstance(self.waveguide, RibWaveguide):
            raise TypeError(f"waveguide must be a RibWaveguide, got {type(self.waveguide).__name__}")
        for name in ("na", "nd", "p_plus_doping", "n_plus_doping", "p_contact_doping", "n_contact_doping"):
            check_real(name, getattr(self, name), low=DOPING_RANGE[0], high=DOPING_RANGE[1])
        half = self.waveguide.width / 2
        check_real("junction_offset", self.junction_offset, low=-half, high=half, low_open=True,
                   high_open=True)
        check_real("p_contact_gap", self.p_contact_gap, low=0.0, high=10e-6)
        check_real("n_contact_gap", self.n_contact_gap, low=0.0, high=10e-6)
        check_real("p_plus_gap", self.p_plus_gap, low=0.0, high=10e-6)
        check_real("n_plus_gap", self.n_plus_gap, low=0.0, high=10e-6)
        check_real("contact_width", self.contact_width, low=0.0, low_open=True)
        check_real("specific_contact_resistivity", self.specific_contact_resistivity, low=0.0)
        check_real("confinement_scale", self.confinement_scale, low=0.0, low_open=True, high=2.0)
        check_real("temperature", self.temperature, low=200.0, high=400.0)
        if self.model not in ("soref", "nedeljkovic"):
            raise ValueError(f"model must be 'soref' or 'nedeljkovic'; got {self.model!r}")
        if self.waveguide.slab_height == 0:
            raise ValueError("waveguide.slab_height must be > 0: a lateral PN phase shifter needs a slab "
                             "to reach its contacts")
        # fails early for a wavelength without a plasma-dispersion fit
        plasma_dispersion(0.0, 0.0, self.waveguide.wavelength, self.model)

    # --- junction -------------------------------------------------------------------------------
    @cached_property
    def junction(self) -> LateralJunction:
        wg = self.waveguide
        return LateralJunction(PNJunction(self.na, self.nd, self.temperature), self.junction_offset,
                               wg.width, wg.height, wg.slab_height)

    @property
    def wavelength(self) -> float:
        return self.waveguide.wavelength

    @property
    def _edges(self):
        """Fixed lateral boundaries (m): P++|P+, P+|P, N|N+, N+|N++."""
        half = self.waveguide.width / 2
        p_pp = -(half + self.p_contact_gap)
        p_p = -(half + min(self.p_plus_gap, self.p_contact_gap))
        n_p = half + min(self.n_plus_gap, self.n_contact_gap)
        n_nn = half + self.n_contact_gap
        return p_pp, p_p, n_p, n_nn

    @cached_property
    def punch_through_voltage(self) -> float:
        """Reverse bias (V) at which the depletion region reaches the P+ or N+ implant."""
        j = self.junction.junction
        p_pp, p_p, n_p, n_nn = self._edges
        d_p = self.junction_offset - p_p  # room on the P side
        d_n = n_p - self.junction_offset
        # x_p = W·N_D/(N_A+N_D) = d_p  →  W_max; V = q·W²·N_A·N_D/(2ε(N_A+N_D)) − V_bi
        w_max = min(d_p * (j.na + j.nd) / j.nd, d_n * (j.na + j.nd) / j.na)
        return Q * w_max**2 * j.na * j.nd / (2 * j.permittivity * (j.na + j.nd)) - j.built_in_voltage

    def _regions(self, v):
        """Region boundaries (arrays over v) and the depletion interval, refusing punch-through."""
        x_l, x_r = self.junction.depleted_interval(v)
        p_pp, p_p, n_p, n_nn = self._edges
        if np.any(x_l <= p_p) or np.any(x_r >= n_p):
            raise ValueError("bias_voltage too large: the depletion region reaches the P+/N+ implants "
                             "(punch-through); reduce the bias or widen p/n_plus_gap")
        return x_l, x_r

    @cached_property
    def _carrier_tables(self):
        """Bias-independent parts of ``carrier_index``: the fixed regions' summed shifts and the P/N shifts."""
        p_pp, p_p, n_p, n_nn = self._edges
        wg, s = self.waveguide, self.confinement_scale
        wl, model = self.wavelength, self.model
        fixed = ((-_FAR, p_pp, 0.0, self.p_contact_doping), (p_pp, p_p, 0.0, self.p_plus_doping),
                 (n_p, n_nn, self.n_plus_doping, 0.0), (n_nn, _FAR, self.n_contact_doping, 0.0))
        dn_fixed = da_fixed = 0.0
        for start, stop, electrons, holes in fixed:
            gamma = s * float(wg.confinement(start, stop))
            dn_i, da_i = plasma_dispersion(electrons, holes, wl, model)
            dn_fixed += gamma * float(dn_i)
            da_fixed += gamma * float(da_i)
        shift_p = plasma_dispersion(0.0, self.na, wl, model)
        shift_n = plasma_dispersion(self.nd, 0.0, wl, model)
        gain = s * wg.mode.group_index / wg.mode.n_si  # Γ = (n_g/n_Si)·η, on the EIM mode throughout
        f_pp, f_np = (float(x) for x in wg.cumulative_energy(np.array([p_p, n_p])))
        return dn_fixed, da_fixed, shift_p, shift_n, gain, f_pp, f_np

    @cached_property
    def _solved(self) -> dict:
        """Cubic splines in V of the solver's tables (Δn_eff, Δα, C, R; ``phase_shifter_tables``)."""
        t = phase_shifter_tables(self)
        b = np.array(t["biases"])
        return {k: CubicSpline(b, np.array(t[k])) for k in ("dn", "da", "capacitance", "series_resistance")}

    @cached_property
    def _closed_form(self) -> DepletionPhaseShifter:
        return replace(self, method="closed_form", waveguide=replace(self.waveguide, method="closed_form"))

    def _solver_bias(self, bias_voltage) -> np.ndarray:
        hi = TABLE_BIASES[-1]
        v = check_array("bias_voltage", bias_voltage)
        if np.any(v > hi):
            raise ValueError(f"bias_voltage must be at most {hi:g} V reverse for method='solver' (the extent of "
                             f"the solved tables); got {float(np.max(v))!r}; method='closed_form' goes further")
        return v

    def _forward(self, v: np.ndarray, solved: np.ndarray, closed, ratio: bool = False) -> np.ndarray:
        """Forward bias (V < 0, where the 2-D solver does not go): the solved 0 V value plus the closed form's
        change from 0 V (times its ratio for the capacitance, which grows without bound)."""
        neg = v < 0
        if not np.any(neg):
            return solved
        out = np.array(solved, dtype=float, copy=True)
        c_v, c_0 = np.asarray(closed(v[neg])), float(closed(0.0))
        out[neg] = out[neg] * c_v / c_0 if ratio else out[neg] + c_v - c_0
        return out

    def carrier_index(self, bias_voltage=BIAS_VOLTAGE):
        """``(Δn_eff, Δα)`` from all free carriers at reverse bias ``bias_voltage`` (V), vs undoped silicon.

        Δα is the power absorption coefficient (1/m) from free carriers only. Solver: the full-vector overlap
        with the 2-D carrier solution (interpolated in V). Closed form: the regions
        P++ | P+ | P | depleted | N | N+ | N++ each contribute Γ_region·(Δn, Δα) of their carriers.
        """
        if self.method == "solver":
            v = self._solver_bias(bias_voltage)
            vr = np.maximum(v, 0.0)
            cf = self._closed_form
            dn = self._forward(v, self._solved["dn"](vr), lambda x: cf.carrier_index(x)[0])
            da = self._forward(v, self._solved["da"](vr), lambda x: cf.carrier_index(x)[1])
            return (dn, da) if np.ndim(dn) else (float(dn), float(da))
        v = check_array("bias_voltage", bias_voltage)
        x_l, x_r = self._regions(v)
        dn_fixed, da_fixed, (dn_p, da_p), (dn_n, da_n), gain, f_pp, f_np = self._carrier_tables
        f = self.waveguide.cumulative_energy(np.concatenate([np.ravel(x_l), np.ravel(x_r)]))
        g_p = gain * (f[: v.size].reshape(v.shape) - f_pp)  # P: from the P+ edge to the depletion edge
        g_n = gain * (f_np - f[v.size:].reshape(v.shape))  # N: from the depletion edge to the N+ edge
        dn = dn_fixed + g_p * float(dn_p) + g_n * float(dn_n)
        da = da_fixed + g_p * float(da_p) + g_n * float(da_n)
        return (dn, da) if np.ndim(dn) else (float(dn), float(da))

    def delta_neff(self, bias_voltage):
        """n_eff(V) − n_eff(0): effective-index change from reverse bias ``bias_voltage`` (V); > 0 in reverse."""
        dn_v, _ = self.carrier_index(bias_voltage)
        dn_0, _ = self.carrier_index(0.0)
        return dn_v - dn_0

    def alpha(self, bias_voltage=BIAS_VOLTAGE):
        """Modal power absorption coefficient (1/m): waveguide loss plus free-carrier absorption."""
        _, da = self.carrier_index(bias_voltage)
        return alpha_from_db_per_m(self.waveguide.intrinsic_loss_db_per_m) + da

    def loss_db_per_m(self, bias_voltage=BIAS_VOLTAGE):
        """Propagation loss (dB/m) at reverse bias ``bias_voltage``."""
        return db_per_m_from_alpha(self.alpha(bias_voltage))

    def phase(self, bias_voltage, length):
        """Phase change (rad) of a ``length`` (m) section between 0 V and ``bias_voltage``: 2π/λ·Δn_eff·L."""
        ln = check_real("length", length, low=0.0, low_open=True)
        return 2 * math.pi / self.wavelength * self.delta_neff(bias_voltage) * ln

    def phase_efficiency(self, bias_voltage):
        """dφ/dV per unit length (rad/(V·m)) at reverse bias ``bias_voltage`` (central difference)."""
        v = check_array("bias_voltage", bias_voltage)
        if self.method == "solver" and np.all(v >= 0):  # the spline's own derivative
            return 2 * math.pi / self.wavelength * self._solved["dn"](self._solver_bias(v), 1)
        h = 1e-3
        dn = (self.delta_neff(v + h) - self.delta_neff(v - h)) / (2 * h)
        return 2 * math.pi / self.wavelength * dn

    def vpi_l(self, bias_voltage=BIAS_VOLTAGE):
        """DC (large-signal) V·L_π (V·m): ``bias_voltage`` times the length giving π between 0 V and that bias."""
        v = check_array("bias_voltage", bias_voltage, low=0.0, low_open=True)
        return v * self.wavelength / (2 * self.delta_neff(v))

    def vpi_l_v_cm(self, bias_voltage=BIAS_VOLTAGE):
        """DC (large-signal) V·L_π in V·cm at ``bias_voltage``, the usual figure of merit."""
        return self.vpi_l(bias_voltage) * 100.0

    def vpi_l_small_signal_v_cm(self, bias_voltage=BIAS_VOLTAGE):
        """Small-signal V·L_π in V·cm at ``bias_voltage``: π/(dφ/dV per length), what a modulator's Vπ·L is."""
        return math.pi / self.phase_efficiency(bias_voltage) * 100.0

    # --- electrical -------------------------------------------------------------------------------
    def capacitance_per_length(self, bias_voltage=BIAS_VOLTAGE):
        """Junction capacitance per unit length (F/m): solver dQ/dV of the 2-D solution (slab junction and
        fringe field included); closed form the 1-D depletion capacitance ε·h/W of the rib."""
        if self.method == "solver":
            v = self._solver_bias(bias_voltage)
            c = self._forward(v, self._solved["capacitance"](np.maximum(v, 0.0)),
                              self._closed_form.junction.capacitance_per_length, ratio=True)
            return c if np.ndim(c) else float(c)
        return self.junction.capacitance_per_length(bias_voltage)

    @cached_property
    def series_resistance_length(self) -> float:
        """Series resistance × length (Ω·m) from the junction to both contacts.

        Undepleted P and N paths through rib (height h) and slab, each a resistivity ρ = 1/(qμN)
        (Masetti mobility) × path length / thickness, plus the contact regions by the transmission-line
        model R_c·L = √(ρ_c·R_sh)·coth(w_c/L_T), L_T = √(ρ_c/R_sh) (Schroder, "Semiconductor Material and
        Device Characterization", §3.3). The zero-bias depletion region is excluded (small; approximate).
        Solver: the doped silicon's part from the 2-D conductivity map at ``BIAS_VOLTAGE`` instead, plus the
        same contact term.
        """
        if self.method == "solver":
            return float(self._solved["series_resistance"](BIAS_VOLTAGE)) + self._contact_resistance_length()
        wg = self.waveguide
        half = wg.width / 2
        x_l, x_r = self.junction.depleted_interval(0.0)
        rho_p = float(silicon_resistivity(self.na, "hole"))
        rho_n = float(silicon_resistivity(self.nd, "electron"))
        rho_pp = float(silicon_resistivity(self.p_plus_doping, "hole"))
        rho_nn = float(silicon_resistivity(self.n_plus_doping, "electron"))
        p_light = min(self.p_plus_gap, self.p_contact_gap)
        n_light = min(self.n_plus_gap, self.n_contact_gap)
        r = 0.0
        # each side: lightly doped rib part, lightly doped slab, then the P+/N+ slab to the contact
        r += rho_p * max(float(x_l) + half, 0.0) / wg.height + rho_p * p_light / wg.slab_height
        r += rho_pp * (self.p_contact_gap - p_light) / wg.slab_height
        r += rho_n * max(half - float(x_r), 0.0) / wg.height + rho_n * n_light / wg.slab_height
        r += rho_nn * (self.n_contact_gap - n_light) / wg.slab_height
        return r + self._contact_resistance_length()

    def _contact_resistance_length(self) -> float:
        """Both contacts' transmission-line-model resistance × length (Ω·m)."""
        wg, r = self.waveguide, 0.0
        for dop, carrier in ((self.p_contact_doping, "hole"), (self.n_contact_doping, "electron")):
            r_sh = float(silicon_resistivity(dop, carrier)) / wg.slab_height
            rc = self.specific_contact_resistivity
            if rc > 0:
                lt = math.sqrt(rc / r_sh)
                r += math.sqrt(rc * r_sh) / math.tanh(self.contact_width / lt)
            else:
                r += r_sh * self.contact_width / 2
        return r

    def rc_time_constant(self, bias_voltage=BIAS_VOLTAGE):
        """Intrinsic RC of the junction, r·c per unit length (s) — independent of length."""
        return self.series_resistance_length * np.asarray(self.capacitance_per_length(bias_voltage))

    def rc_bandwidth(self, bias_voltage=BIAS_VOLTAGE):
        """Intrinsic junction cutoff 1/(2π·r·c) (Hz): the limit of any electrode driving this junction."""
        return 1.0 / (2 * math.pi * self.rc_time_constant(bias_voltage))

    def figures(self) -> dict:
        """Headline figures at the operating point ``BIAS_VOLTAGE`` (2 V reverse; SI, units in the keys)."""
        v = BIAS_VOLTAGE
        return {
            "vpi_l_v_cm": float(self.vpi_l_v_cm(v)),
            "vpi_l_small_signal_v_cm": float(self.vpi_l_small_signal_v_cm(v)),
            "loss_db_per_mm": float(self.loss_db_per_m(v)) / 1e3,
            "loss_0v_db_per_mm": float(self.loss_db_per_m(0.0)) / 1e3,
            "capacitance_f_per_m": float(self.capacitance_per_length(v)),
            "series_resistance_ohm_m": self.series_resistance_length,
            "rc_bandwidth_hz": float(self.rc_bandwidth(v)),
            "group_index": self.waveguide.group_index,
            "bias_voltage_v": float(v),
        }


@displayed("Pπ=p_pi:W", "R=heater_resistance:Ω", "heater=heater_width:m")
@dataclass(frozen=True)
class ThermoOpticPhaseShifter:
    """Metal/doped heater above a waveguide; Pπ from the thermo-optic effect and 2-D heat conduction.

    heater_width (m); heater_height: distance from the heater to the silicon substrate, which is the
    heat sink (BOX + waveguide + cladding gap, m); oxide_thermal_conductivity (W/(m·K)).
    Thermal conductance per length G' of a strip above an isothermal plane in a homogeneous medium,
    by the electrostatic analogy (G'/k = C'/ε) with Wheeler's microstrip capacitance
    (H. A. Wheeler, IEEE Trans. MTT 13, 172 (1965)). Neglects the air above the cladding, so the
    conduction upward is over-estimated and Pπ is a lower bound by ~10-30 % (approximate).
    Pπ = λ·G'/(2·dn_eff/dT), independent of length.
    """

    waveguide: RibWaveguide = field(default_factory=RibWaveguide)
    heater_width: float = 2.0e-6
    heater_height: float = 3.0e-6
    oxide_thermal_conductivity: float = 1.4
    heater_resistance: float = 500.0  # Ω, for the drive voltage

    def __post_init__(self):
        if not isinstance(self.waveguide, RibWaveguide):
            raise TypeError(f"waveguide must be a RibWaveguide, got {type(self.waveguide).__name__}")
        check_real("heater_width", self.heater_width, low=0.0, low_open=True, high=100e-6)
        check_real("heater_height", self.heater_height, low=0.0, low_open=True, high=100e-6)
        check_real("oxide_thermal_conductivity", self.oxide_thermal_conductivity, low=0.0, low_open=True)
        check_real("heater_resistance", self.heater_resistance, low=0.0, low_open=True)

    @property
    def dneff_dt(self) -> float:
        """dn_eff/dT (1/K) of a uniform temperature rise: with the waveguide's ``method="solver"`` the
        full-vector first-order perturbation (``cross_section_solvers.thermo_optic_figures``); closed form
        Γ_Si·dn_Si/dT + Γ_ox·dn_ox/dT with the EIM perturbation weights."""
        wg = self.waveguide
        if wg.method == "solver":
            return thermo_optic_figures(wg)["dneff_dt"]
        g_si = wg.confinement(-_FAR, _FAR)
        n_ox = 1.444
        eta_si = wg.energy_fraction(-_FAR, _FAR)
        g_ox = wg.mode.group_index / n_ox * (1.0 - eta_si)
        return float(g_si * silicon_thermo_optic_coefficient(wg.temperature) + g_ox * SILICA_DN_DT)

    @property
    def thermal_conductance_per_length(self) -> float:
        """G' (W/(m·K)) from the heater to the substrate."""
        u = self.heater_width / self.heater_height
        k = self.oxide_thermal_conductivity
        if u <= 1:
            return k * 2 * math.pi / math.log(8 / u + u / 4)
        return k * (u + 1.393 + 0.667 * math.log(u + 1.444))

    @property
    def p_pi(self) -> float:
        """Electrical power for a π phase shift (W)."""
        return self.waveguide.wavelength * self.thermal_conductance_per_length / (2 * self.dneff_dt)

    def phase(self, power):
        """Phase shift (rad) at heater ``power`` (W, ≥ 0): π·P/Pπ (linear; valid for ΔT ≲ 100 K)."""
        p = check_array("power", power, low=0.0)
        return math.pi * p / self.p_pi

    def temperature_rise(self, power, length):
        """Waveguide temperature rise (K) at ``power`` (W) over a heater of ``length`` (m)."""
        p = check_array("power", power, low=0.0)
        ln = check_real("length", length, low=0.0, low_open=True)
        return p / (self.thermal_conductance_per_length * ln)

    def voltage_for_phase(self, phase):
        """Drive voltage (V) for ``phase`` (rad ≥ 0) across ``heater_resistance``."""
        ph = check_array("phase", phase, low=0.0)
        return np.sqrt(ph / math.pi * self.p_pi * self.heater_resistance)

    def figures(self) -> dict:
        """Headline figures (SI, units in the keys); a heater's figures do not depend on its drive."""
        return {"p_pi_w": self.p_pi, "dneff_dt_per_k": self.dneff_dt,
                "thermal_conductance_w_per_m_k": self.thermal_conductance_per_length}
