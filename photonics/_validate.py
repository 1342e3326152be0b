"""Input validation shared by the parameter sets: a ValueError/TypeError naming the field and its range."""

from __future__ import annotations

import math
import numbers

import numpy as np


def check_real(name: str, value, *, low=None, high=None, low_open=False, high_open=False) -> float:
    """Return `value` as float, or raise naming `name` and the accepted range.

    `low`/`high` bound the value (inclusive unless `low_open`/`high_open`). NaN and inf are refused.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real | np.floating | np.integer):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    v = float(value)
    rng = range_text(low, high, low_open, high_open)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, {rng}; got {v}")
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(f"{name} must be {rng}; got {v}")
    if high is not None and (v > high or (high_open and v == high)):
        raise ValueError(f"{name} must be {rng}; got {v}")
    return v


def check_positive(name: str, value) -> float:
    """A finite value > 0."""
    return check_real(name, value, low=0.0, low_open=True)


def check_array(name: str, value, *, low=None, high=None, low_open=False, high_open=False) -> np.ndarray:
    """Return `value` as a float array, refusing NaN/inf and values outside the range, naming `name`."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be a real number or an array of them") from exc
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (no NaN or inf), {range_text(low, high, low_open, high_open)}")
    if low is not None and (arr <= low if low_open else arr < low).any():
        raise ValueError(f"{name} must be {range_text(low, high, low_open, high_open)}; got min {arr.min()}")
    if high is not None and (arr >= high if high_open else arr > high).any():
        raise ValueError(f"{name} must be {range_text(low, high, low_open, high_open)}; got max {arr.max()}")
    return arr


def range_text(low, high, low_open=False, high_open=False) -> str:
    """The accepted range as text for error messages: "in (0, 1]", ">= 0", "any finite value"."""
    if low is None and high is None:
        return "any finite value"
    if high is None:
        return f"{'>' if low_open else '>='} {low:g}"
    if low is None:
        return f"{'<' if high_open else '<='} {high:g}"
    return f"in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
