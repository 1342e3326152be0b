"""Physical constants (CODATA 2018, SI exact or recommended values) and the two derived quantities every
layer uses: the thermal voltage and the photon energy.

One place for them: every other module imports from here.
"""

from __future__ import annotations

import numpy as np

Q = 1.602176634e-19  # elementary charge, C (exact)
K_B = 1.380649e-23  # Boltzmann constant, J/K (exact)
H = 6.62607015e-34  # Planck constant, J s (exact)
C = 299792458.0  # speed of light in vacuum, m/s (exact)
EPS0 = 8.8541878128e-12  # vacuum permittivity, F/m
MU0 = 1.25663706212e-6  # vacuum permeability, H/m

T_ROOM = 300.0  # K: the default device temperature


def thermal_voltage(temperature: float = T_ROOM) -> float:
    """kT/q in V (25.85 mV at 300 K)."""
    return K_B * temperature / Q


def photon_energy(wavelength):
    """Photon energy h·c/λ in J of a vacuum wavelength λ (m)."""
    return H * C / np.asarray(wavelength, dtype=float)
