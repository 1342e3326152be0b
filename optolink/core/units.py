"""Unit conversions (dB, dBm, power attenuation, wavelength ↔ frequency; a scalar in gives a float out, an
array an array) and the reference values the whole project shares: the OSNR reference bandwidth and the
C-band carrier.
"""

from __future__ import annotations

import math

import numpy as np

from .constants import C

OSNR_REFERENCE_BANDWIDTH = 12.5e9  # Hz: 0.1 nm at 1550 nm; an OSNR counts the noise of both polarizations
CARRIER_WAVELENGTH = 1.55e-6  # m: the default C-band carrier of every device and link
CARRIER_FREQUENCY = 193.414e12  # Hz: the links' reference carrier, c/1550 nm rounded to 1 GHz (1550.00 nm)
DB_PER_NEPER = 10.0 * math.log10(math.e)  # 4.343 dB of power per neper: α (dB/m) = DB_PER_NEPER · α (1/m)


def _out(x: np.ndarray):
    """A float for a scalar input, the array otherwise."""
    return float(x) if x.ndim == 0 else x


def db_to_linear(db):
    """Power ratio from dB: 10^(dB/10)."""
    return _out(10.0 ** (np.asarray(db, dtype=float) / 10.0))


def linear_to_db(ratio):
    """dB from a power ratio (must be > 0)."""
    ratio = np.asarray(ratio, dtype=float)
    if np.any(ratio <= 0):
        raise ValueError("ratio must be > 0 to express it in dB")
    return _out(10.0 * np.log10(ratio))


def dbm_to_watt(dbm):
    """Power in W from dBm."""
    return _out(1e-3 * 10.0 ** (np.asarray(dbm, dtype=float) / 10.0))


def watt_to_dbm(watt):
    """dBm from power in W (must be > 0)."""
    watt = np.asarray(watt, dtype=float)
    if np.any(watt <= 0):
        raise ValueError("power (W) must be > 0 to express it in dBm")
    return _out(10.0 * np.log10(watt / 1e-3))


def db_per_m_from_alpha(alpha):
    """Loss in dB/m from a power attenuation coefficient alpha (1/m): 10·log10(e)·alpha."""
    return _out(DB_PER_NEPER * np.asarray(alpha, dtype=float))


def alpha_from_db_per_m(db_per_m):
    """Power attenuation coefficient (1/m) from a loss in dB/m."""
    return _out(np.asarray(db_per_m, dtype=float) / DB_PER_NEPER)


def wavelength_to_frequency(wavelength):
    """Optical frequency (Hz) of a vacuum wavelength (m)."""
    return _out(C / np.asarray(wavelength, dtype=float))


def frequency_to_wavelength(frequency):
    """Vacuum wavelength (m) of an optical frequency (Hz)."""
    return _out(C / np.asarray(frequency, dtype=float))
