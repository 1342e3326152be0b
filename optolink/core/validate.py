"""Input validation for every parameter set: a ValueError/TypeError naming the field and its accepted range.

Also the randomness convention (`as_rng`): every stochastic function takes `rng`, a Generator or an int seed.
"""

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


def check_int(name: str, value, *, low: int | None = None, high: int | None = None) -> int:
    """An integer (bool refused) in [low, high]; TypeError/ValueError naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        if high is None:
            text = f">= {low}"
        elif low is None:
            text = f"<= {high}"
        else:
            text = f"in [{low}, {high}]"
        raise ValueError(f"{name} must be {text}; got {v}")
    return v


def check_optional_real(name: str, value, **bounds) -> float | None:
    """``None``, or a real number checked by :func:`check_real` with the same bounds."""
    return None if value is None else check_real(name, value, **bounds)


def check_bool(name: str, value) -> bool:
    """A real ``bool`` (numpy's included); strings such as "false" and numbers are refused."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")


def check_choice(name: str, value, choices) -> str:
    """One of ``choices`` (strings), matched exactly; the error lists them."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}; got {value!r}")
    return value


def as_rng(rng) -> np.random.Generator:
    """The project's one randomness convention: ``rng`` is a numpy ``Generator`` (used as is) or an integer
    seed (a new ``default_rng(seed)``). Global state is never touched; ``None`` is refused, so that every
    stochastic result is reproducible."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"rng must be a numpy Generator or an integer seed; got {type(rng).__name__}")
