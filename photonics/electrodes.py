"""Traveling-wave electrodes: a coplanar waveguide (CPW) on SOI, loaded by the modulator's PN junctions.

Unloaded line by conformal mapping with partial capacitances (R. N. Simons, "Coplanar Waveguide Circuits,
Components, and Systems", Wiley 2001, §2.2-2.3; S. S. Gevorgian et al., IEEE Trans. MTT 43, 772 (1995)):
k0 = S/(S+2W); a layer of thickness h below the metal maps with k_h = sinh(πS/4h)/sinh(π(S+2W)/4h);
C' = 2ε0[K(k0)/K(k0') (air above) + K(k0)/K(k0') (air below) + Σ (ε_i − ε_(i+1))·K(k_i)/K(k_i')].
Conductor loss by the Owyang-Wu/Collin formula (R. E. Collin, "Foundations for Microwave Engineering",
2nd ed., 1992, §3.14), scaling as the surface resistance √(πfμ0/σ), i.e. √f, with the skin effect's
equal internal reactance; DC resistance below the skin-effect onset. Dielectric loss from the oxide loss
tangent and the substrate conductivity, weighted by their filling factors.

The modulator loads the line with its junctions: per unit length y_j = 1/(r + 1/(jωc)) for one diode
(r: series resistance × length, Ω·m; c: capacitance per length, F/m); two diodes in series for
series push-pull. Loaded line: Z' = R'(f)(1+j) + jωL', Y' = G'(f) + jωC' + y_j,
γ = √(Z'Y'), Z_c = √(Z'/Y'), n_rf = c·Im(γ)/ω.
Approximate: quasi-TEM; the partial-capacitance method is less accurate when a lower layer has the
higher permittivity (oxide on silicon), typically within 5 % of full-wave results for gaps ≫ oxide.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import ellipk

from optolink.core.constants import EPS0, MU0, C
from optolink.core.display import displayed
from optolink.core.validate import check_array, check_int, check_real

from .materials import EPS_SI, EPS_SIO2


def _k_ratio(k):
    """K(k)/K(k') with the modulus k (scipy's ellipk takes m = k²)."""
    k = np.asarray(k, dtype=float)
    return ellipk(k**2) / ellipk(1.0 - k**2)


@displayed("w=signal_width:m", "gap=gap:m", "Z0=impedance_unloaded:Ω", "n_rf=rf_index_unloaded")
@dataclass(frozen=True)
class CoplanarElectrode:
    """Ground-signal-ground coplanar waveguide on an SOI wafer (all SI).

    signal_width S, gap W (signal to ground edge), ground_width, metal_thickness t, conductivity σ
    (S/m; aluminium 3.5e7, copper 5.8e7, gold 4.1e7). Below the metal: ``oxide_thickness`` of SiO2
    (BEOL + BOX), then the silicon handle (``substrate_thickness``, ``substrate_resistivity`` Ω·m),
    then air. Above the metal: air. ``oxide_loss_tangent``: tan δ of the oxide.
    """

    signal_width: float = 12e-6
    gap: float = 12e-6
    ground_width: float = 60e-6
    metal_thickness: float = 2.0e-6
    conductivity: float = 5.8e7
    oxide_thickness: float = 4.0e-6
    substrate_thickness: float = 725e-6
    substrate_resistivity: float = 10.0  # Ω·m (1 kΩ·cm high-resistivity handle)
    oxide_loss_tangent: float = 1e-3

    def __post_init__(self):
        check_real("signal_width", self.signal_width, low=0.5e-6, high=500e-6)
        check_real("gap", self.gap, low=0.5e-6, high=500e-6)
        check_real("ground_width", self.ground_width, low=self.signal_width / 2, high=5e-3)
        check_real("metal_thickness", self.metal_thickness, low=0.05e-6, high=20e-6)
        check_real("conductivity", self.conductivity, low=1e5, high=1e8)
        check_real("oxide_thickness", self.oxide_thickness, low=0.1e-6, high=100e-6)
        check_real("substrate_thickness", self.substrate_thickness, low=10e-6, high=5e-3)
        check_real("substrate_resistivity", self.substrate_resistivity, low=1e-4, low_open=False)
        check_real("oxide_loss_tangent", self.oxide_loss_tangent, low=0.0, high=0.1)

    # --- conformal mapping -------------------------------------------------------------------------
    def _k_layer(self, h):
        s, w = self.signal_width, self.gap
        return math.sinh(math.pi * s / (4 * h)) / math.sinh(math.pi * (s + 2 * w) / (4 * h))

    @property
    def _capacitance_terms(self):
        """(C_air, C_sub, C_ox): C' = C_air + ε_Si·C_sub + ε_ox·C_ox, each term linear in its permittivity."""
        k0 = self.signal_width / (self.signal_width + 2 * self.gap)
        q_air = float(_k_ratio(k0))
        h_ox = self.oxide_thickness
        h_all = h_ox + self.substrate_thickness
        q_all = float(_k_ratio(self._k_layer(h_all)))
        q_ox = float(_k_ratio(self._k_layer(h_ox)))
        # 2ε0[q_air (above) + q_air (below) + (ε_Si − 1) q_all + (ε_ox − ε_Si) q_ox]
        c_air = 2 * EPS0 * (2 * q_air - q_all)
        c_sub = 2 * EPS0 * (q_all - q_ox)
        c_ox = 2 * EPS0 * q_ox
        return c_air, c_sub, c_ox

    @property
    def capacitance_air(self) -> float:
        """C' of the same line with all dielectrics replaced by air (F/m)."""
        k0 = self.signal_width / (self.signal_width + 2 * self.gap)
        return 4 * EPS0 * float(_k_ratio(k0))

    @property
    def capacitance(self) -> float:
        """Unloaded capacitance per length C' (F/m)."""
        c_air, c_sub, c_ox = self._capacitance_terms
        return c_air + EPS_SI * c_sub + EPS_SIO2 * c_ox

    @property
    def effective_permittivity(self) -> float:
        """ε_eff = C'/C'_air."""
        return self.capacitance / self.capacitance_air

    @property
    def inductance(self) -> float:
        """External inductance per length L' = 1/(c²·C'_air) (H/m)."""
        return 1.0 / (C**2 * self.capacitance_air)

    @property
    def impedance_unloaded(self) -> float:
        """Characteristic impedance of the unloaded, lossless line (Ω)."""
        return math.sqrt(self.inductance / self.capacitance)

    @property
    def rf_index_unloaded(self) -> float:
        """Microwave index √ε_eff of the unloaded line."""
        return math.sqrt(self.effective_permittivity)

    # --- losses ------------------------------------------------------------------------------------
    def surface_resistance(self, frequency):
        """R_s = √(π f μ0/σ) (Ω)."""
        return np.sqrt(np.pi * np.asarray(frequency, dtype=float) * MU0 / self.conductivity)

    @property
    def dc_resistance(self) -> float:
        """DC series resistance per length of signal + both grounds in parallel (Ω/m)."""
        t, s = self.metal_thickness, self.signal_width
        return 1.0 / (self.conductivity * t) * (1.0 / s + 1.0 / (2 * self.ground_width))

    def ac_resistance(self, frequency):
        """Skin-effect series resistance per length (Ω/m) from Collin's CPW conductor-loss formula."""
        a = self.signal_width / 2
        b = a + self.gap
        k = a / b
        t = self.metal_thickness
        kk, kkp = float(ellipk(k**2)), float(ellipk(1 - k**2))
        geo = (1 / a) * (math.pi + math.log(4 * math.pi * a * (1 - k) / (t * (1 + k)))) \
            + (1 / b) * (math.pi + math.log(4 * math.pi * b * (1 - k) / (t * (1 + k))))
        # α_c Z0 with α_c = R_s √ε_eff/(480π K K' (1−k²)) geo and Z0 = 30π K'/(K √ε_eff): R' = 2 α_c Z0
        r_per_rs = 2 * 30 * math.pi * kkp / kk / (480 * math.pi * kk * kkp * (1 - k**2)) * geo
        return self.surface_resistance(frequency) * r_per_rs

    def series_impedance(self, frequency):
        """Z'(f) = R(f) + jωL' (Ω/m), with R(f) = √(R_dc² + R_ac²) and internal reactance R_ac."""
        f = np.asarray(frequency, dtype=float)
        r_ac = self.ac_resistance(f)
        r = np.sqrt(self.dc_resistance**2 + r_ac**2)
        return r + 1j * (2 * np.pi * f * self.inductance + r_ac)

    def shunt_admittance(self, frequency):
        """Y'(f) = G'(f) + jωC' of the unloaded line (S/m): oxide tan δ and substrate conduction."""
        f = np.asarray(frequency, dtype=float)
        w = 2 * np.pi * f
        c_air, c_sub, c_ox = self._capacitance_terms
        g_sub = c_sub / EPS0 / self.substrate_resistivity  # partial "conductance" of the silicon layer
        g = g_sub + w * EPS_SIO2 * c_ox * self.oxide_loss_tangent
        return g + 1j * w * self.capacitance


@displayed("Cpad=pad_capacitance:F")
@dataclass(frozen=True)
class LumpedElectrode:
    """A lumped drive: the source reaches both ends of the junction at once through short pads (all SI).

    pad_capacitance: capacitance of the bond pads, in parallel with the junction at the drive node (F).
    The modulator's response is then RC-limited (``lumped_response``), with no transmission line.
    """

    pad_capacitance: float = 20e-15

    def __post_init__(self):
        check_real("pad_capacitance", self.pad_capacitance, low=0.0, high=1e-9)


def lumped_response(frequency, resistance_length, capacitance_per_length, length, n_series, pad_capacitance,
                    z_source=50.0, z_load=None):
    """Voltage across the junctions' depletion capacitance per volt of source EMF, lumped drive.

    A source (EMF, ``z_source``) drives ``n_series`` (1 or 2) series junctions of ``length`` (r·L and c per
    length), the pads (``pad_capacitance``) and an optional parallel termination ``z_load`` (None: open);
    the light sees the node voltage through the junction's own RC, 1/(1 + jω·r·c). Complex, not normalised.
    """
    f = check_array("frequency", frequency, low=1e-3, high=1e15)  # 1/(jωC) is infinite at DC
    w = 2 * np.pi * f
    check_real("resistance_length", resistance_length, low=0.0, high=1e9)
    check_real("length", length, low=1e-9, high=1.0)
    c_total = check_real("capacitance_per_length", capacitance_per_length, low=1e-18, high=1e-3) * length
    check_real("pad_capacitance", pad_capacitance, low=0.0)
    n_series = check_int("n_series", n_series, low=1, high=2)
    z_j = resistance_length / length + 1 / (1j * w * c_total)
    y_node = 1 / z_j + 1j * w * pad_capacitance * n_series
    if n_series == 2:
        y_node = 1 / (2 * z_j) + 1j * w * pad_capacitance
    if z_load is not None:
        y_node = y_node + 1 / z_load
    v_node = (1 / y_node) / (z_source + 1 / y_node)
    return v_node / (1 + 1j * w * resistance_length * capacitance_per_length)


def junction_admittance(frequency, resistance_length, capacitance_per_length, n_series: int = 1):
    """Per-length admittance (S/m) of ``n_series`` identical junctions in series: 1/(n(r + 1/(jωc)))."""
    w = 2 * np.pi * check_array("frequency", frequency, low=0.0, high=1e15)
    r = check_real("resistance_length", resistance_length, low=0.0, high=1e9)
    c = check_real("capacitance_per_length", capacitance_per_length, low=0.0, low_open=True, high=1e-3)
    n = check_int("n_series", n_series, low=1, high=2)
    jwc = 1j * w * c  # 1/(n(r + 1/(jωc))) written to stay finite at ω = 0
    return jwc / (n * (1.0 + jwc * r))


def loaded_line(electrode: CoplanarElectrode, frequency, junction_y):
    """``(gamma, z_c)`` of the electrode loaded by ``junction_y`` (S/m) at ``frequency`` (Hz)."""
    frequency = check_array("frequency", frequency, low=0.0, high=1e15)
    junction_y = np.asarray(junction_y, dtype=complex)
    if not np.all(np.abs(junction_y) <= 1e15):
        raise ValueError("junction_y must be finite, |y| <= 1e15 S/m")
    z = electrode.series_impedance(frequency)
    y = electrode.shunt_admittance(frequency) + junction_y
    gamma = np.sqrt(z * y)
    gamma = np.where(gamma.real < 0, -gamma, gamma)
    return gamma, z / gamma


def traveling_wave_response(frequency, gamma, z_c, length, n_group, z_source=50.0, z_load=50.0,
                            junction_tau=0.0):
    """Voltage seen by the light, averaged along a traveling-wave electrode, per volt of source EMF.

    A source (EMF V_s, impedance ``z_source``) drives a line (propagation constant ``gamma`` 1/m, complex
    impedance ``z_c``) of ``length`` terminated in ``z_load`` (None: open). The light co-propagates with
    group index ``n_group``; its modulation is (1/L)∫V(z)·e^{jωn_g z/c}dz (e.g. G. Ghione,
    "Semiconductor Devices for High-Speed Optoelectronics", CUP 2009, §4.4), times the junction's own
    RC factor 1/(1 + jω·junction_tau). Returns a complex array (not normalised).
    """
    f = check_array("frequency", frequency, low=0.0, high=1e15)
    gamma = np.asarray(gamma, dtype=complex)
    z_c = np.asarray(z_c, dtype=complex)
    if not (np.all(np.abs(gamma) <= 1e12) and np.all(np.abs(z_c) <= 1e9)):
        raise ValueError("gamma (|γ| <= 1e12 1/m) and z_c (|Z| <= 1e9 ohm) must be finite")
    beta_o = 2 * np.pi * f * check_real("n_group", n_group, low=1.0, high=20.0) / C
    el = check_real("length", length, low=0.0, low_open=True, high=1.0)
    if z_load is None:
        g_l = np.ones_like(z_c)
    else:
        g_l = (z_load - z_c) / (z_load + z_c)
    e2 = np.exp(-2 * gamma * el)
    z_in = z_c * (1 + g_l * e2) / (1 - g_l * e2)
    v_plus = z_in / ((z_source + z_in) * (1 + g_l * e2))
    u_f = (gamma - 1j * beta_o) * el
    u_b = (gamma + 1j * beta_o) * el
    fwd = _one_minus_exp_over(u_f)
    # backward wave: Γ_L e^{-2γL} (e^{(γ+jβo)L} − 1)/((γ+jβo)L) = Γ_L e^{-γL} e^{jβoL} (1 − e^{-u_b})/u_b
    bwd = g_l * np.exp(-gamma * el + 1j * beta_o * el) * _one_minus_exp_over(u_b)
    h_rc = 1.0 / (1.0 + 2j * np.pi * f * junction_tau)
    return v_plus * (fwd + bwd) * h_rc


def _one_minus_exp_over(u):
    """(1 − e^{−u})/u, continuous at u = 0."""
    u = np.asarray(u, dtype=complex)
    small = np.abs(u) < 1e-6
    safe = np.where(small, 1.0, u)
    return np.where(small, 1 - u / 2 + u**2 / 6, (1 - np.exp(-safe)) / safe)
