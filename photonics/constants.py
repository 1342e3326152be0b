"""Physical constants (CODATA 2018, SI) and unit helpers: dB, dBm, wavelength <-> frequency.

One place for them: every other module imports from here.
"""

from __future__ import annotations

import math

import numpy as np

Q = 1.602176634e-19  # elementary charge, C
K_B = 1.380649e-23  # Boltzmann constant, J/K
H = 6.62607015e-34  # Planck constant, J s
HBAR = H / (2.0 * math.pi)  # reduced Planck constant, J s
C = 299792458.0  # speed of light in vacuum, m/s
EPS0 = 8.8541878128e-12  # vacuum permittivity, F/m
MU0 = 1.25663706212e-6  # vacuum permeability, H/m
Z0_FREE_SPACE = MU0 * C  # impedance of free space, ohm
M_E = 9.1093837015e-31  # electron rest mass, kg

EPS_SI = 11.7  # relative permittivity of silicon (static)
EPS_SIO2 = 3.9  # relative permittivity of thermal SiO2 (static)

T_ROOM = 300.0  # K


def thermal_voltage(temperature: float = T_ROOM) -> float:
    """kT/q in V (25.85 mV at 300 K)."""
    return K_B * temperature / Q


def db_to_linear(db):
    """Power ratio from dB: 10^(dB/10)."""
    return 10.0 ** (np.asarray(db, dtype=float) / 10.0)


def linear_to_db(ratio):
    """dB from a power ratio (must be > 0)."""
    ratio = np.asarray(ratio, dtype=float)
    if np.any(ratio <= 0):
        raise ValueError("ratio must be > 0 to express it in dB")
    return 10.0 * np.log10(ratio)


def dbm_to_watt(dbm):
    """Power in W from dBm."""
    return 1e-3 * 10.0 ** (np.asarray(dbm, dtype=float) / 10.0)


def watt_to_dbm(watt):
    """dBm from power in W (must be > 0)."""
    watt = np.asarray(watt, dtype=float)
    if np.any(watt <= 0):
        raise ValueError("power (W) must be > 0 to express it in dBm")
    return 10.0 * np.log10(watt / 1e-3)


def db_per_m_from_alpha(alpha):
    """Loss in dB/m from a power attenuation coefficient alpha (1/m): 10·log10(e)·alpha."""
    return 10.0 * math.log10(math.e) * np.asarray(alpha, dtype=float)


def alpha_from_db_per_m(db_per_m):
    """Power attenuation coefficient (1/m) from a loss in dB/m."""
    return np.asarray(db_per_m, dtype=float) / (10.0 * math.log10(math.e))


def wavelength_to_frequency(wavelength):
    """Optical frequency (Hz) of a vacuum wavelength (m)."""
    return C / np.asarray(wavelength, dtype=float)


def frequency_to_wavelength(frequency):
    """Vacuum wavelength (m) of an optical frequency (Hz)."""
    return C / np.asarray(frequency, dtype=float)


def delta_wavelength_to_delta_frequency(delta_wavelength, wavelength):
    """Frequency width (Hz) of a small wavelength width (m) at `wavelength` (m): c·Δλ/λ²."""
    return C * np.asarray(delta_wavelength, dtype=float) / np.asarray(wavelength, dtype=float) ** 2


def delta_frequency_to_delta_wavelength(delta_frequency, wavelength):
    """Wavelength width (m) of a small frequency width (Hz) at `wavelength` (m): λ²·Δf/c."""
    return np.asarray(delta_frequency, dtype=float) * np.asarray(wavelength, dtype=float) ** 2 / C


def photon_energy(wavelength):
    """Photon energy h·c/λ in J."""
    return H * C / np.asarray(wavelength, dtype=float)
