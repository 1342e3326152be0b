"""Optical materials of silicon photonics: refractive indices, plasma dispersion, thermo-optic effect.

Plasma dispersion (free-carrier electrorefraction and electroabsorption) of crystalline silicon:

- ``"soref"``: R. A. Soref and B. R. Bennett, "Electrooptical effects in silicon",
  IEEE J. Quantum Electron. 23(1), 123-129 (1987); the fits at 1.3 and 1.55 µm
  (Δn = -(a·ΔN + b·ΔP^0.8), Δα = c·ΔN + d·ΔP, carrier densities in cm⁻³, Δα in cm⁻¹).
- ``"nedeljkovic"``: M. Nedeljkovic, R. Soref, G. Z. Mashanovich, "Free-carrier electrorefraction and
  electroabsorption modulation predictions for silicon over the 1-14 µm infrared wavelength range",
  IEEE Photonics J. 3(6), 1171-1180 (2011), Table/eqs. (1)-(2) at 1.3 and 1.55 µm.

Δα is the **power** absorption coefficient. Inputs and outputs here are SI (m⁻³, 1/m).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optolink.core.units import CARRIER_WAVELENGTH
from optolink.core.validate import check_array, check_real

EPS_SI = 11.7  # static relative permittivity of silicon
EPS_SIO2 = 3.9  # static relative permittivity of thermal SiO2

# Fits are published at 1.3 µm and 1.55 µm; we accept wavelengths within this distance of a fit.
FIT_TOLERANCE = 20e-9  # m


@dataclass(frozen=True)
class PlasmaFit:
    """Δn = -(n_e·ΔN^x_ne + n_h·ΔP^x_nh), Δα = a_e·ΔN^x_ae + a_h·ΔP^x_ah (cgs: cm⁻³ → cm⁻¹)."""

    wavelength: float  # m
    n_e: float
    x_ne: float
    n_h: float
    x_nh: float
    a_e: float
    x_ae: float
    a_h: float
    x_ah: float
    source: str


PLASMA_FITS: dict[str, dict[float, PlasmaFit]] = {
    "soref": {
        1.31e-6: PlasmaFit(1.31e-6, 6.2e-22, 1.0, 6.0e-18, 0.8, 6.0e-18, 1.0, 4.0e-18, 1.0,
                           "Soref & Bennett, IEEE JQE 23(1) 123 (1987), 1.3 um fit"),
        1.55e-6: PlasmaFit(1.55e-6, 8.8e-22, 1.0, 8.5e-18, 0.8, 8.5e-18, 1.0, 6.0e-18, 1.0,
                           "Soref & Bennett, IEEE JQE 23(1) 123 (1987), 1.55 um fit"),
    },
    "nedeljkovic": {
        1.31e-6: PlasmaFit(1.31e-6, 2.98e-22, 1.016, 1.25e-18, 0.835, 3.48e-22, 1.229, 1.02e-19, 1.089,
                           "Nedeljkovic, Soref & Mashanovich, IEEE Photon. J. 3(6) 1171 (2011), 1.3 um"),
        1.55e-6: PlasmaFit(1.55e-6, 5.40e-22, 1.011, 1.53e-18, 0.838, 8.88e-21, 1.167, 5.84e-20, 1.109,
                           "Nedeljkovic, Soref & Mashanovich, IEEE Photon. J. 3(6) 1171 (2011), 1.55 um"),
    },
}


def plasma_fit(wavelength: float = CARRIER_WAVELENGTH, model: str = "soref") -> PlasmaFit:
    """The published fit for `model` at `wavelength` (m); ValueError if there is none."""
    if model not in PLASMA_FITS:
        raise ValueError(f"model must be one of {sorted(PLASMA_FITS)}; got {model!r}")
    wl = check_real("wavelength", wavelength, low=0.0, low_open=True)
    for fit_wl, fit in PLASMA_FITS[model].items():
        if abs(wl - fit_wl) <= FIT_TOLERANCE:
            return fit
    fits = ", ".join(f"{w * 1e9:.0f} nm" for w in PLASMA_FITS[model])
    raise ValueError(
        f"wavelength must be within {FIT_TOLERANCE * 1e9:.0f} nm of a published {model} fit ({fits}); "
        f"got {wl * 1e9:.1f} nm"
    )


def plasma_dispersion(delta_n, delta_p, wavelength: float = CARRIER_WAVELENGTH, model: str = "soref"):
    """Change of refractive index and of power absorption from free electrons and holes in silicon.

    delta_n, delta_p: electron and hole densities (m⁻³, ≥ 0; scalars or arrays that broadcast).
    Returns ``(delta_index, delta_alpha)``: Δn (negative: carriers lower the index) and Δα (1/m, power).
    """
    fit = plasma_fit(wavelength, model)
    dn_cm = check_array("delta_n", delta_n, low=0.0) * 1e-6  # m⁻³ → cm⁻³
    dp_cm = check_array("delta_p", delta_p, low=0.0) * 1e-6
    delta_index = -(fit.n_e * dn_cm**fit.x_ne + fit.n_h * dp_cm**fit.x_nh)
    delta_alpha_cm = fit.a_e * dn_cm**fit.x_ae + fit.a_h * dp_cm**fit.x_ah
    return delta_index, delta_alpha_cm * 100.0  # cm⁻¹ → m⁻¹


# --- refractive indices -----------------------------------------------------------------------------

def silicon_index(wavelength, temperature: float = 293.0):
    """Refractive index of crystalline silicon, 1.2-14 µm.

    H. H. Li, J. Phys. Chem. Ref. Data 9, 561 (1980), room-temperature Sellmeier
    n² = ε + A/λ² + B·λ1²/(λ² − λ1²) (λ in µm), shifted by the thermo-optic coefficient away from 293 K.
    n(1.55 µm) = 3.4764.
    """
    wl = check_array("wavelength", wavelength, low=1.2e-6, high=14e-6) * 1e6
    t = check_real("temperature", temperature, low=0.0, low_open=True)
    eps, a, b, l1 = 11.6858, 0.939816, 0.00810461, 1.1071
    n = np.sqrt(eps + a / wl**2 + b * l1**2 / (wl**2 - l1**2))
    return n + SILICON_DN_DT * (t - 293.0)


def silica_index(wavelength):
    """Refractive index of fused silica, 0.21-6.7 µm.

    I. H. Malitson, J. Opt. Soc. Am. 55, 1205 (1965), three-term Sellmeier. n(1.55 µm) = 1.4440.
    """
    wl = check_array("wavelength", wavelength, low=0.21e-6, high=6.7e-6) * 1e6
    l2 = wl**2
    n2 = 1 + 0.6961663 * l2 / (l2 - 0.0684043**2) + 0.4079426 * l2 / (l2 - 0.1162414**2) \
        + 0.8974794 * l2 / (l2 - 9.896161**2)
    return np.sqrt(n2)


# Thermo-optic coefficients near 300 K and 1.55 µm.
SILICON_DN_DT = 1.86e-4  # 1/K; J. Komma et al., Appl. Phys. Lett. 101, 041905 (2012)
SILICA_DN_DT = 0.95e-5  # 1/K; I. H. Malitson (1965) / Leviton & Frey, Proc. SPIE 6273 (2006)


def silicon_thermo_optic_coefficient(temperature: float = 300.0) -> float:
    """dn/dT of silicon at 1.55 µm (1/K).

    J. Komma, C. Schwarz, G. Hofmann, D. Heinert, R. Nawrodt, Appl. Phys. Lett. 101, 041905 (2012):
    1.86e-4 /K at 300 K; their linear trend of ~+1e-7 /K² is used for 200-400 K.
    """
    t = check_real("temperature", temperature, low=200.0, high=400.0)
    return SILICON_DN_DT + 1.0e-7 * (t - 300.0)


# --- carrier transport (used for series resistance) -----------------------------------------------

def silicon_mobility(doping, carrier: str):
    """Low-field mobility of majority carriers in silicon at 300 K (m²/(V·s)).

    Caughey-Thomas form μ = μmin + (μmax − μmin)/(1 + (N/Nref)^α) with the parameters of
    G. Masetti, M. Severi, S. Solmi, IEEE Trans. Electron Devices 30, 764 (1983) (simplified):
    electrons (P/As donors) μmin 68.5, μmax 1414 cm²/Vs, Nref 9.2e16 cm⁻³, α 0.711;
    holes (B acceptors) μmin 44.9, μmax 470.5 cm²/Vs, Nref 2.23e17 cm⁻³, α 0.719.
    """
    n_cm = check_array("doping", doping, low=0.0, low_open=True) * 1e-6
    if carrier == "electron":
        mu_min, mu_max, n_ref, a = 68.5, 1414.0, 9.2e16, 0.711
    elif carrier == "hole":
        mu_min, mu_max, n_ref, a = 44.9, 470.5, 2.23e17, 0.719
    else:
        raise ValueError(f"carrier must be 'electron' or 'hole'; got {carrier!r}")
    mu_cm = mu_min + (mu_max - mu_min) / (1.0 + (n_cm / n_ref) ** a)
    return mu_cm * 1e-4


def silicon_resistivity(doping, carrier: str):
    """Resistivity (Ω·m) of silicon doped to `doping` (m⁻³) with majority `carrier`: 1/(q·μ·N)."""
    from optolink.core.constants import Q

    n = check_array("doping", doping, low=0.0, low_open=True)
    return 1.0 / (Q * silicon_mobility(n, carrier) * n)


def intrinsic_carrier_density(temperature: float = 300.0) -> float:
    """Intrinsic carrier density of silicon (m⁻³).

    P. P. Altermatt et al., J. Appl. Phys. 93, 1598 (2003) / Misiakos & Tsamakis,
    J. Appl. Phys. 74, 3293 (1993): n_i = 5.29e19·(T/300)^2.54·exp(−6726/T) cm⁻³ → 9.7e9 cm⁻³ at 300 K.
    """
    t = check_real("temperature", temperature, low=77.0, high=600.0)
    return 5.29e19 * (t / 300.0) ** 2.54 * np.exp(-6726.0 / t) * 1e6
