"""The CW laser of the link simulations: Wiener phase noise, flat RIN, a frequency offset."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from optolink.core.display import displayed
from optolink.core.units import CARRIER_WAVELENGTH
from optolink.core.validate import as_rng, check_positive, check_real

if TYPE_CHECKING:
    from .lasers import RateEquationLaser

__all__ = ["PhaseNoiseLaser"]


# --------------------------------------------------------------------------------------------------------
# CW source for the coherent links
# --------------------------------------------------------------------------------------------------------
@displayed("P=power:W", "Δν=linewidth:Hz", "λ=wavelength:m", "RIN=rin_db_per_hz:dB/Hz")
@dataclass(frozen=True)
class PhaseNoiseLaser:
    """CW laser for link simulations: `power` (W), Lorentzian `linewidth` (Hz, FWHM; Wiener phase),
    flat one-sided `rin_db_per_hz` (None: no intensity noise), `frequency_offset` (Hz) from the
    simulation's reference (baseband zero), and `wavelength` (m, for reference).

    A 100 kHz tunable laser: ``PhaseNoiseLaser(power=dbm_to_watt(15), linewidth=100e3, rin_db_per_hz=-145)``.
    """

    power: float = 1e-3
    linewidth: float = 100e3
    rin_db_per_hz: float | None = None
    frequency_offset: float = 0.0
    wavelength: float = CARRIER_WAVELENGTH

    def __post_init__(self):
        check_real("power", self.power, low=0.0, low_open=True)
        check_real("linewidth", self.linewidth, low=0.0, high=1e12)
        if self.rin_db_per_hz is not None:
            check_real("rin_db_per_hz", self.rin_db_per_hz, low=-250.0, high=-60.0)
        check_real("frequency_offset", self.frequency_offset)
        check_real("wavelength", self.wavelength, low=1e-7, high=1e-4)

    @classmethod
    def from_laser(cls, laser: RateEquationLaser, current: float, **kwargs) -> PhaseNoiseLaser:
        """The CW equivalent of a rate-equation laser at bias `current`: its facet power, Henry linewidth
        and low-frequency (1 MHz) RIN."""
        i = check_real("current", current, low=laser.threshold_current(), low_open=True)
        rin = float(laser.rin(1e6, i))
        return cls(power=float(laser.steady_state(i).power), linewidth=float(laser.linewidth(i)),
                   rin_db_per_hz=10.0 * math.log10(rin), wavelength=laser.params.wavelength, **kwargs)

    def phase(self, n_samples: int, sample_rate: float, *, rng,
              initial_phase: float | None = None) -> np.ndarray:
        """Wiener phase (rad), (N,): increments N(0, 2πΔν/fs), plus 2π f_offset t; starts at
        `initial_phase` (default uniform in [0, 2π) from `rng`, a numpy Generator or an int seed)."""
        n, fs = self._check(n_samples, sample_rate)
        rng = as_rng(rng)
        phi0 = rng.uniform(0.0, 2 * math.pi) if initial_phase is None else check_real("initial_phase",
                                                                                     initial_phase)
        steps = rng.standard_normal(n) * math.sqrt(2 * math.pi * self.linewidth / fs)
        steps[0] = 0.0
        return phi0 + np.cumsum(steps) + 2 * math.pi * self.frequency_offset * np.arange(n) / fs

    def field(self, n_samples: int, sample_rate: float, *, rng,
              initial_phase: float | None = None) -> np.ndarray:
        """Complex field (N,) in √W with mean |E|² = power exactly: phase noise, then white relative
        intensity noise of variance RIN·fs/2 (zero-mean over the record). Refused when that standard
        deviation exceeds 0.25 (the intensity would go negative; lower the RIN or the sample rate)."""
        n, fs = self._check(n_samples, sample_rate)
        rng = as_rng(rng)
        phi = self.phase(n, fs, rng=rng, initial_phase=initial_phase)
        intensity = np.full(n, self.power)
        if self.rin_db_per_hz is not None:
            sigma = math.sqrt(10.0 ** (self.rin_db_per_hz / 10.0) * fs / 2.0)
            if sigma > 0.25:
                raise ValueError(f"rin_db_per_hz = {self.rin_db_per_hz} at sample_rate {fs:.4g} Hz gives a "
                                 f"relative intensity std of {sigma:.3g} (> 0.25); lower one of them")
            d = rng.standard_normal(n) * sigma
            intensity = self.power * (1.0 + d - d.mean())
        return np.sqrt(intensity) * np.exp(1j * phi)

    def _check(self, n_samples, sample_rate):
        if isinstance(n_samples, bool) or not isinstance(n_samples, int | np.integer) or n_samples < 1:
            raise ValueError(f"n_samples must be an integer >= 1, got {n_samples!r}")
        return int(n_samples), check_positive("sample_rate", sample_rate)
