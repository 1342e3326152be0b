"""Rate-equation parameters of a single-mode semiconductor laser (SI, density form).

The equations these parameters enter, their Langevin noise and the references are in ``photonics.lasers``;
``LaserParams.from_cavity`` derives the photon lifetime and η0 from the cavity losses.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from optolink.core.constants import C, H
from optolink.core.display import displayed
from optolink.core.units import CARRIER_WAVELENGTH
from optolink.core.validate import check_positive, check_real

__all__ = ["LaserParams"]


# --------------------------------------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------------------------------------
@displayed("λ=wavelength:m", "V=volume:m³", "τn=tau_n:s", "τp=tau_p:s", "Γ=confinement", "αH=alpha_h")
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
        check_real("confinement", self.confinement, low=1e-6, high=1.0)
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
