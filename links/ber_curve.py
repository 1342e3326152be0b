"""A pre-FEC BER-vs-OSNR curve (measured or simulated) and the OSNR at which it reaches a BER threshold.

OSNR in dB referred to 12.5 GHz (both polarizations' noise). The one required-OSNR rule of the project,
`required_osnr_from_curve`: points with BER = 0 (no errors counted) carry no level and are dropped; log10(BER)
is interpolated linearly between the two points bracketing the first downward crossing of the threshold (by
increasing OSNR); a curve that never reaches the threshold from above gives NaN (a report or a JSON file then
writes null). Callers that need a number (a transceiver's required OSNR) raise on NaN.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from optolink.core.display import displayed
from optolink.core.validate import check_array, check_real

from . import plots as _plots

__all__ = ["BerCurve", "required_osnr_from_curve"]


@displayed("OSNR=osnr_db:dB", "BER=ber", "label")
@dataclass(frozen=True)
class BerCurve:
    """A measured or simulated pre-FEC BER vs OSNR (dB in 12.5 GHz) curve, sorted by OSNR."""

    osnr_db: tuple[float, ...]
    ber: tuple[float, ...]
    label: str = ""

    plot = _plots.ber_curve  # plot(ax=None) → Axes (links.plots)

    def __post_init__(self):
        o = check_array("osnr_db", self.osnr_db, low=-20.0, high=80.0)
        b = check_array("ber", self.ber, low=0.0, high=0.5)
        if o.ndim != 1 or b.shape != o.shape or o.size < 2:
            raise ValueError(f"osnr_db and ber must be 1-D arrays of the same length >= 2; got shapes "
                             f"{o.shape} and {b.shape}")
        order = np.argsort(o)
        object.__setattr__(self, "osnr_db", tuple(float(x) for x in o[order]))
        object.__setattr__(self, "ber", tuple(float(x) for x in b[order]))

    @classmethod
    def from_any(cls, curve, label: str = "") -> BerCurve:
        """From a BerCurve, an object with ``osnr_db``/``ber`` attributes, a mapping, or a pair of arrays."""
        if isinstance(curve, BerCurve):
            return curve
        if isinstance(curve, Mapping):
            try:
                return cls(tuple(curve["osnr_db"]), tuple(curve["ber"]), str(curve.get("label", label)))
            except KeyError as exc:
                raise ValueError(f"a BER curve mapping needs the keys 'osnr_db' and 'ber'; missing {exc}") from None
        if hasattr(curve, "osnr_db") and hasattr(curve, "ber"):
            return cls(tuple(np.ravel(curve.osnr_db)), tuple(np.ravel(curve.ber)), label)
        if isinstance(curve, tuple | list) and len(curve) == 2:
            return cls(tuple(np.ravel(curve[0])), tuple(np.ravel(curve[1])), label)
        raise TypeError("a BER curve must have osnr_db and ber arrays (attributes, keys, or a pair)")

    def ber_at(self, osnr_db):
        """BER at ``osnr_db`` by linear interpolation of log10(BER); NaN outside the curve or where BER = 0."""
        o = np.asarray(self.osnr_db)
        b = np.asarray(self.ber)
        keep = b > 0
        x = np.asarray(osnr_db, dtype=float)
        if keep.sum() < 2:
            return np.full_like(x, np.nan)
        out = 10 ** np.interp(x, o[keep], np.log10(b[keep]), left=np.nan, right=np.nan)
        return out if out.ndim else float(out)

    def describe(self) -> str:
        """The curve's span, for error messages: BER range over the OSNR range."""
        b = np.asarray(self.ber)
        span = f"{b[b > 0].min():.3g}-{b[b > 0].max():.3g}" if np.any(b > 0) else "no non-zero BER"
        return f"BER {span} over {self.osnr_db[0]:g}-{self.osnr_db[-1]:g} dB OSNR"


def required_osnr_from_curve(curve, threshold: float) -> float:
    """OSNR (dB, 12.5 GHz) at which a BER-vs-OSNR curve first crosses ``threshold`` downwards, interpolated in
    log10(BER); **NaN** when the curve does not reach the threshold from above (every point above it, every
    point already below it, or fewer than two points with errors).

    ``curve``: anything `BerCurve.from_any` accepts. Points with BER = 0 (no errors counted) are dropped.
    """
    check_real("threshold", threshold, low=0.0, high=0.5, low_open=True, high_open=True)
    c = BerCurve.from_any(curve)
    o = np.asarray(c.osnr_db)
    b = np.asarray(c.ber)
    keep = b > 0
    o, lb = o[keep], np.log10(b[keep])
    lt = math.log10(threshold)
    below = np.nonzero(lb <= lt)[0]
    if o.size < 2 or below.size == 0 or below[0] == 0:
        return math.nan
    i = int(below[0])
    x0, x1, y0, y1 = o[i - 1], o[i], lb[i - 1], lb[i]
    return float(x0 + (lt - y0) * (x1 - x0) / (y1 - y0)) if y1 != y0 else float(x1)
