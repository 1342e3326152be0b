"""A WDM channel plan: channel count, baud rate, grid spacing, centre frequency and launch powers (SI)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from optolink.core.display import displayed
from optolink.core.units import dbm_to_watt, watt_to_dbm
from optolink.core.validate import check_array, check_int, check_real

__all__ = ["ChannelPlan"]


@displayed("n=n_channels", "baud=baud_rate:Bd", "spacing=spacing:Hz", "f0=center_frequency:Hz:5",
           "P=launch_power_dbm:dBm")
@dataclass(frozen=True)
class ChannelPlan:
    """A WDM channel plan: ``n_channels`` at ``spacing`` (Hz) centred on ``center_frequency`` (Hz).

    ``launch_power_dbm`` is the per-channel launch power (dBm): one value, or one per channel (low to high
    frequency). ``roll_off`` only sets the occupied bandwidth (1 + roll_off)·baud, which must fit the
    spacing; the GN model uses the equivalent rectangular width B = baud (see the module docstring).
    """

    n_channels: int
    baud_rate: float
    spacing: float
    center_frequency: float
    launch_power_dbm: float | tuple[float, ...]
    roll_off: float = 0.0

    def __post_init__(self):
        check_int("n_channels", self.n_channels, low=1, high=2000)
        check_real("baud_rate", self.baud_rate, low=1e9, high=1e12)
        check_real("roll_off", self.roll_off, low=0.0, high=1.0)
        check_real("spacing", self.spacing, low=1e9, high=2e12)
        check_real("center_frequency", self.center_frequency, low=150e12, high=250e12)
        if self.spacing < (1.0 + self.roll_off) * self.baud_rate * (1 - 1e-9):
            raise ValueError(
                f"spacing must be >= (1 + roll_off)·baud_rate = {(1 + self.roll_off) * self.baud_rate / 1e9:g} GHz "
                f"so that channels do not overlap; got {self.spacing / 1e9:g} GHz")
        p = self.launch_power_dbm
        if isinstance(p, str) or np.ndim(p) not in (0, 1):
            raise TypeError("launch_power_dbm must be a number (dBm) or a sequence of one per channel")
        if np.ndim(p) == 1:
            arr = check_array("launch_power_dbm", p, low=-60.0, high=30.0)
            if arr.shape != (self.n_channels,):
                raise ValueError(f"launch_power_dbm must have one value per channel ({self.n_channels}); "
                                 f"got {arr.size}")
            object.__setattr__(self, "launch_power_dbm", tuple(float(x) for x in arr))
        else:
            check_real("launch_power_dbm", p, low=-60.0, high=30.0)
        lo = self.frequencies[0] - self.spacing / 2
        hi = self.frequencies[-1] + self.spacing / 2
        if lo < 150e12 or hi > 250e12:
            raise ValueError(f"the channel plan spans {lo / 1e12:.3f}-{hi / 1e12:.3f} THz; it must stay within "
                             "150-250 THz (reduce n_channels or spacing)")

    @property
    def frequencies(self) -> np.ndarray:
        """Channel centre frequencies, Hz, ascending."""
        return self.center_frequency + (np.arange(self.n_channels) - (self.n_channels - 1) / 2) * self.spacing

    @property
    def bandwidths(self) -> np.ndarray:
        """Per-channel equivalent rectangular bandwidth used by the GN model, Hz (= baud rate)."""
        return np.full(self.n_channels, float(self.baud_rate))

    @property
    def launch_powers_dbm(self) -> np.ndarray:
        p = self.launch_power_dbm  # a float or a tuple of floats (normalised in __post_init__)
        return np.array(p, dtype=float) if isinstance(p, tuple) else np.full(self.n_channels, float(p))

    @property
    def launch_powers_w(self) -> np.ndarray:
        return dbm_to_watt(self.launch_powers_dbm)

    @property
    def center_index(self) -> int:
        """Index of the centre channel (the upper of the two middle ones for an even count)."""
        return self.n_channels // 2

    @property
    def total_launch_power_dbm(self) -> float:
        return float(watt_to_dbm(self.launch_powers_w.sum()))

    def with_launch_power(self, launch_power_dbm) -> ChannelPlan:
        return replace(self, launch_power_dbm=launch_power_dbm)

