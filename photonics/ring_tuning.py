"""Thermal tuning of a microring (``photonics.rings.RingModulator`` inherits it): the heater's index change
around the ring, its tuning efficiency dλ/dP and the heater power that puts a resonance on a wavelength.

The heater is a ``photonics.phase_shifters.ThermoOpticPhaseShifter`` over the ring: dn_eff/dT from its
waveguide's model (the full-vector perturbation by default) and Wheeler's thermal conductance G' per length.
"""

from __future__ import annotations

import math
from dataclasses import replace

from optolink.core.validate import check_real

from .phase_shifters import ThermoOpticPhaseShifter

DETUNING_LIMIT = 50e-9  # m: half of the ring's accepted wavelength span (rings.WAVELENGTH_SPAN)


class RingThermalTuning:
    """The heater methods of a ring (a mixin of ``RingModulator``: it reads the ring's heater, group index,
    length, resonance and carrier index)."""

    @property
    def thermal_index_change(self) -> float:
        """Circumference-averaged n_eff change from the heater at ``heater_power``: dn/dT·P/(G'·L)."""
        if self.heater is None or self.heater_power == 0:
            return 0.0
        return self.heater.dneff_dt * self.heater_power / (self.heater.thermal_conductance_per_length
                                                           * self.length)

    def _require_heater(self) -> ThermoOpticPhaseShifter:
        if self.heater is None:
            raise ValueError("heater is None: this ring has no heater for thermal tuning")
        return self.heater

    def thermal_tuning_efficiency(self, bias_voltage=None) -> float:
        """dλ_res/dP_heater (m/W) = λ·(dn_eff/dT)/((n_g + Δ)·G'·L); independent of the heater's coverage."""
        h = self._require_heater()
        lam = float(self.resonance_wavelength(bias_voltage))
        ng_eff = self.group_index + float(self._index_shift(self._v(bias_voltage)))
        return lam * h.dneff_dt / (ng_eff * h.thermal_conductance_per_length * self.length)

    def _tuning(self, wavelength, bias_voltage=None) -> tuple[float, int]:
        h = self._require_heater()
        lt = float(self._wl(wavelength))
        v = self._v(bias_voltage)
        cold = float(self.junction_fraction * self._carriers(v)[0])  # Δ without the heater
        off = self._dispersion_offset()
        m = math.ceil((self.group_index + cold) * self.length / lt - off - 1e-12)
        needed = lt * (m + off) / self.length - self.group_index
        power = (needed - cold) * h.thermal_conductance_per_length * self.length / h.dneff_dt
        return max(power, 0.0), m

    def heater_power_for(self, wavelength, bias_voltage=None) -> float:
        """Heater power (W) that red-shifts the nearest resonance (from the blue side) onto ``wavelength``."""
        return self._tuning(wavelength, bias_voltage)[0]

    def tuned(self, wavelength, bias_voltage=None, detuning: float = 0.0) -> RingThermalTuning:
        """A copy with ``heater_power`` and ``order`` set so that λ_res(bias_voltage) = wavelength − detuning.

        E.g. ``detuning = -fwhm/(2√3)`` puts the laser at the blue max-slope point.
        """
        d = check_real("detuning", detuning, low=-DETUNING_LIMIT, high=DETUNING_LIMIT)
        target = float(check_real("wavelength", wavelength)) - d
        p, m = self._tuning(target, bias_voltage)
        if p > 1.0:
            raise ValueError(f"tuning needs {p:g} W of heater power (> 1 W)")
        return replace(self, heater_power=p, order=m)
