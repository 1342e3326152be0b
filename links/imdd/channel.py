"""O-band single-mode fibre for IM-DD lanes and chromatic-dispersion power fading in direct detection.

Dispersion of G.652 fibre near its zero: D(λ) = (S0/4)·(λ − λ0⁴/λ³), S0 ≤ 0.092 ps/(nm²·km), λ0 in
[1300, 1324] nm (ITU-T G.652; the fibre model of IEEE 802.3 clauses 124/151).

Power fading: an unchirped intensity-modulated carrier after dispersion β2·L, detected in power, has the
small-signal response H(f) = cos(2π²·β2·L·f²) (e.g. Peral & Yariv, IEEE JQE 35, 1185 (1999); Agrawal, Fiber-Optic
Communication Systems, §5.4), with notches at f_k = sqrt((2k + 1)·c / (2·|D|·L·λ²)), k = 0, 1, ...
"""

from __future__ import annotations

import math

import numpy as np

from links.fiber import Fiber
from optolink.core.constants import C
from optolink.core.validate import check_array, check_int, check_positive, check_real

G652_S0_PS_NM2_KM = 0.092
O_BAND_ALPHA_DB_PER_KM = 0.35  # G.652 at 1310 nm (attenuation ≤ 0.4 dB/km cabled), typical 0.33-0.35


def g652_dispersion_ps_nm_km(wavelength, zero_dispersion_wavelength=1312e-9, slope=G652_S0_PS_NM2_KM):
    """D(λ) in ps/(nm·km) of G.652 fibre from its zero-dispersion wavelength and slope S0 (ps/(nm²·km))."""
    lam = check_array("wavelength", wavelength, low=1e-7, high=1e-4) * 1e9  # 100 nm - 100 µm
    l0 = check_real("zero_dispersion_wavelength", zero_dispersion_wavelength, low=1.2e-6, high=1.4e-6) * 1e9
    out = check_real("slope", slope, low=0.0, high=1.0) / 4.0 * (lam - l0**4 / lam**3)
    return float(out) if out.ndim == 0 else out


def o_band_fiber(length: float, wavelength: float, *, zero_dispersion_wavelength: float = 1312e-9,
                 alpha_db_per_km: float = O_BAND_ALPHA_DB_PER_KM, gamma_per_w_km: float = 0.0) -> Fiber:
    """A :class:`links.fiber.Fiber` with the G.652 O-band dispersion at ``wavelength`` (its reference carrier)."""
    check_positive("length", length)
    d = g652_dispersion_ps_nm_km(wavelength, zero_dispersion_wavelength)
    return Fiber(length=length, alpha_db_per_km=alpha_db_per_km, dispersion_ps_nm_km=d,
                 gamma_per_w_km=gamma_per_w_km, reference_frequency=C / wavelength)


def beta2_from_dispersion(dispersion_ps_nm_km: float, wavelength: float) -> float:
    """β2 (s²/m) = −D·λ²/(2πc)."""
    d = check_real("dispersion_ps_nm_km", dispersion_ps_nm_km, low=-1e6, high=1e6) * 1e-6  # s/m²
    return -d * check_real("wavelength", wavelength, low=1e-7, high=1e-4) ** 2 / (2 * math.pi * C)


def power_fading_response(frequency, length, dispersion_ps_nm_km, wavelength):
    """Small-signal direct-detection response cos(2π²·β2·L·f²) of an unchirped IM carrier."""
    b2 = beta2_from_dispersion(dispersion_ps_nm_km, wavelength)
    f = check_array("frequency", frequency, low=-1e15, high=1e15)
    return np.cos(2 * math.pi**2 * b2 * check_real("length", length, low=0.0, high=1e8) * f**2)


def power_fading_notches(length, dispersion_ps_nm_km, wavelength, count: int = 3) -> np.ndarray:
    """The first ``count`` notch frequencies (Hz): f_k = sqrt((2k+1)·c/(2·|D|·L·λ²))."""
    count = check_int("count", count, low=1, high=10_000)
    check_real("wavelength", wavelength, low=1e-7, high=1e-4)
    d = abs(check_real("dispersion_ps_nm_km", dispersion_ps_nm_km, low=-1e6, high=1e6)) * 1e-6
    if d == 0:
        return np.full(count, math.inf)
    k = np.arange(count)
    return np.sqrt((2 * k + 1) * C / (2 * d * check_positive("length", length) * wavelength**2))
