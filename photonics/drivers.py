"""The modulator driver: the linear amplifier between the DAC and each MZM's traveling-wave line.

A real component with three figures that enter the link simulation (``links.transmitter``):

- ``swing_v``: peak-to-peak output swing on each MZM's line at DAC full scale (V). ``differential=True``
  means ``swing_v`` is the differential swing between the two legs of a GSSG line (each leg swings
  ``swing_v/2``), which is what a series push-pull MZM sees; ``differential=False`` a single-ended swing.
  The swing over the MZM's Vπ sets the modulation depth, hence the Tx power.
- ``bandwidth``: −3 dB bandwidth (Hz) of a second-order Butterworth response |H|² = 1/(1 + (f/B)⁴), which
  multiplies the DAC and modulator responses.
- ``noise_density_v_per_sqrt_hz``: white output-referred noise on the line (V/√Hz, differential if the
  driver is), added to the drives before the driver's response.
- ``output_impedance`` (Ω): the source impedance the MZM's traveling-wave line sees.

Defaults (a linear SiGe driver of 400ZR/800ZR class): 4.0 Vpp differential at 45 GHz, i.e. the
180 GHz·Vpp bandwidth × swing product that limits SiGe linear drivers (R. Hersent, "InP-Si technologies for
next-generation optical communication high-speed analog front-ends", CRC Press 2025, appendix, citing its
refs. [3]-[4]); 50 Ω output. The noise default, 7 nV/√Hz (≈ 1.5 mV rms over 45 GHz), is an assumption of the
order data sheets of linear drivers quote, not a figure from one source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optolink.core.display import displayed
from optolink.core.validate import check_bool, check_real

__all__ = ["Driver", "SIGE_BANDWIDTH_SWING_PRODUCT"]

SIGE_BANDWIDTH_SWING_PRODUCT = 180e9  # Hz·V: bandwidth × output swing of SiGe linear drivers (Hersent 2025)


@displayed("swing=swing_v:V", "f3dB=bandwidth:Hz", "Zout=output_impedance:Ω", "differential")
@dataclass(frozen=True)
class Driver:
    """Linear modulator driver (SI): swing (V peak-to-peak), differential or single-ended, −3 dB bandwidth
    (Hz, 2nd-order Butterworth), output noise density (V/√Hz) and output impedance (Ω)."""

    swing_v: float = 4.0
    differential: bool = True
    bandwidth: float = 45e9
    noise_density_v_per_sqrt_hz: float = 7e-9
    output_impedance: float = 50.0

    def __post_init__(self):
        check_real("swing_v", self.swing_v, low=0.0, low_open=True, high=50.0)
        check_bool("differential", self.differential)
        check_real("bandwidth", self.bandwidth, low=1e8, high=1e12)
        check_real("noise_density_v_per_sqrt_hz", self.noise_density_v_per_sqrt_hz, low=0.0, high=1e-5)
        check_real("output_impedance", self.output_impedance, low=1.0, high=1e4)

    @property
    def line_swing_v(self) -> float:
        """Peak-to-peak voltage across the MZM's line (differential between the legs if ``differential``)."""
        return float(self.swing_v)

    @property
    def leg_swing_v(self) -> float:
        """Peak-to-peak swing of each output leg (V): half the swing for a differential driver."""
        return float(self.swing_v / 2 if self.differential else self.swing_v)

    def response(self, frequency) -> np.ndarray:
        """Complex response H(f) of the 2nd-order Butterworth low-pass (H(0) = 1, |H(B)|² = 1/2), Hermitian."""
        u = np.asarray(frequency, dtype=float) / self.bandwidth
        return 1.0 / (1.0 - u**2 + 1j * math.sqrt(2.0) * u)

    def noise_rms_v(self, bandwidth: float | None = None) -> float:
        """RMS output noise (V) in ``bandwidth`` (Hz; default: the noise bandwidth of the Butterworth response,
        π/(2√2)·B for order 2)."""
        b = self.bandwidth * math.pi / (2 * math.sqrt(2)) if bandwidth is None else bandwidth
        return float(self.noise_density_v_per_sqrt_hz * math.sqrt(b))

    def figures(self) -> dict:
        """Headline figures (SI, units in the keys)."""
        return {"swing_v": self.swing_v, "differential": bool(self.differential),
                "leg_swing_v": self.leg_swing_v, "bandwidth_hz": self.bandwidth,
                "noise_density_v_per_sqrt_hz": self.noise_density_v_per_sqrt_hz,
                "noise_rms_v": self.noise_rms_v(), "output_impedance_ohm": self.output_impedance,
                "bandwidth_swing_product_hz_v": self.bandwidth * self.swing_v}
