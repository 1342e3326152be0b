"""Abrupt PN junction in the depletion approximation, and its lateral placement in a rib waveguide.

S. M. Sze and K. K. Ng, "Physics of Semiconductor Devices", 3rd ed. (2007), §2.2:
V_bi = (kT/q)·ln(N_A·N_D/n_i²);  W = √(2ε_s(V_bi + V_R)(N_A + N_D)/(q·N_A·N_D));
x_p = W·N_D/(N_A + N_D), x_n = W·N_A/(N_A + N_D);  C/A = ε_s/W.
Sign convention: ``v_reverse`` > 0 is reverse bias; forward bias (v_reverse < 0) is accepted only while
V_bi + V_R > 0, and the depletion approximation is poor within a few kT/q of that limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optolink.core.constants import EPS0, Q, thermal_voltage
from optolink.core.validate import check_array, check_real

from .materials import EPS_SI, intrinsic_carrier_density

DOPING_RANGE = (1e20, 1e27)  # m⁻³ (1e14 .. 1e21 cm⁻³)


@dataclass(frozen=True)
class PNJunction:
    """Abrupt silicon PN junction: acceptor ``na`` and donor ``nd`` densities (m⁻³), temperature (K)."""

    na: float
    nd: float
    temperature: float = 300.0

    def __post_init__(self):
        check_real("na", self.na, low=DOPING_RANGE[0], high=DOPING_RANGE[1])
        check_real("nd", self.nd, low=DOPING_RANGE[0], high=DOPING_RANGE[1])
        check_real("temperature", self.temperature, low=77.0, high=600.0)

    @property
    def permittivity(self) -> float:
        """ε_s of silicon (F/m)."""
        return EPS0 * EPS_SI

    @property
    def built_in_voltage(self) -> float:
        """V_bi = (kT/q)·ln(N_A·N_D/n_i²), V."""
        ni = intrinsic_carrier_density(self.temperature)
        return thermal_voltage(self.temperature) * math.log(self.na * self.nd / ni**2)

    def _v_total(self, v_reverse) -> np.ndarray:
        v = check_array("v_reverse", v_reverse)
        vbi = self.built_in_voltage
        if np.any(vbi + v <= 0):
            raise ValueError(
                f"v_reverse must be > -V_bi = {-vbi:.3f} V (forward bias beyond the built-in voltage "
                f"has no depletion region); got min {float(np.min(v)):.3f} V"
            )
        return vbi + v

    def depletion_width(self, v_reverse=0.0):
        """Total depletion width W (m) at reverse bias ``v_reverse`` (V)."""
        vt = self._v_total(v_reverse)
        w = np.sqrt(2 * self.permittivity * vt * (self.na + self.nd) / (Q * self.na * self.nd))
        return w if w.ndim else float(w)

    def depletion_edges(self, v_reverse=0.0):
        """``(x_p, x_n)``: depletion depth into the P and the N side (m), x_p·N_A = x_n·N_D."""
        w = np.asarray(self.depletion_width(v_reverse))
        xp = w * self.nd / (self.na + self.nd)
        xn = w * self.na / (self.na + self.nd)
        return (xp, xn) if xp.ndim else (float(xp), float(xn))

    def capacitance_per_area(self, v_reverse=0.0):
        """Depletion capacitance per junction area (F/m²): ε_s/W."""
        c = self.permittivity / np.asarray(self.depletion_width(v_reverse))
        return c if c.ndim else float(c)

    def capacitance_per_length(self, v_reverse=0.0, height=220e-9):
        """Capacitance per unit length (F/m) of a lateral junction plane of ``height`` (m): ε_s·h/W."""
        h = check_real("height", height, low=0.0, low_open=True)
        c = self.permittivity * h / np.asarray(self.depletion_width(v_reverse))
        return c if c.ndim else float(c)

    def max_field(self, v_reverse=0.0):
        """Peak electric field at the metallurgical junction (V/m): 2(V_bi+V_R)/W."""
        e = 2 * self._v_total(v_reverse) / np.asarray(self.depletion_width(v_reverse))
        return e if e.ndim else float(e)


@dataclass(frozen=True)
class LateralJunction:
    """A vertical junction plane across a rib waveguide, P on the left (x < x_j), N on the right.

    ``offset``: position x_j of the metallurgical junction from the waveguide centre (m; > 0 moves it
    toward the N side). ``rib_width``, ``rib_height``, ``slab_height``: the rib (m). The junction
    plane's height is the rib height when it lies inside the rib, else the slab height.
    Fringe capacitance through the oxide is neglected (a few % of ε_Si·h/W; approximate).
    """

    junction: PNJunction
    offset: float = 0.0
    rib_width: float = 500e-9
    rib_height: float = 220e-9
    slab_height: float = 90e-9

    def __post_init__(self):
        check_real("offset", self.offset, low=-2e-6, high=2e-6)
        check_real("rib_width", self.rib_width, low=0.0, low_open=True)
        check_real("rib_height", self.rib_height, low=0.0, low_open=True)
        check_real("slab_height", self.slab_height, low=0.0, high=self.rib_height)
        if abs(self.offset) >= self.rib_width / 2 and self.slab_height == 0:
            raise ValueError(
                f"offset must lie inside the rib (|offset| < {self.rib_width / 2:.3g} m) for a strip "
                f"waveguide without a slab; got {self.offset}"
            )

    @property
    def junction_height(self) -> float:
        """Height of the junction plane (m)."""
        return self.rib_height if abs(self.offset) < self.rib_width / 2 else self.slab_height

    def depleted_interval(self, v_reverse=0.0):
        """``(x_left, x_right)``: lateral extent of the depletion region (m from the waveguide centre)."""
        xp, xn = self.junction.depletion_edges(v_reverse)
        return self.offset - np.asarray(xp), self.offset + np.asarray(xn)

    def capacitance_per_length(self, v_reverse=0.0):
        """Junction capacitance per unit length (F/m)."""
        return self.junction.capacitance_per_length(v_reverse, self.junction_height)
