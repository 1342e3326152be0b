"""Parameter sets in the flat form gdsfactory's cells take, and the coupler geometry sets (layout only).

A manifest stores parameter sets as nested dicts (``photonics.devices.to_settings``/``from_settings``: the
one conversion, re-running the class's validation). gdsfactory's cell cache hashes one level of dict
arguments, so the cells take them flattened to dotted keys (``flat_settings``/``from_flat``); ``replace_path``
sets one dotted field (the DOE's sweeps). The laser site and loopback parameter sets live in
``photonics.devices`` (a manifest rebuilds them without ``layouts``); the grating and edge couplers below are
pure geometry: no device kind holds them, no figure comes from them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from optolink.core.validate import check_real
from photonics.devices import field_names, from_settings, to_settings


def flatten(settings: dict, prefix: str = "") -> dict:
    """Nested settings → one level with dotted keys (``{"phase_shifter.na": 3e23, ...}``).

    gdsfactory's cell cache hashes one level of dict arguments (kfactory 2.6 fails on nested dicts), so the
    cells take their parameter sets in this form."""
    out = {}
    for k, v in settings.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
        elif isinstance(v, list | tuple) and v and all(isinstance(x, dict) for x in v):
            for i, x in enumerate(v):  # a list of parameter sets (a phase shifter's implants): indexed keys
                out.update(flatten(x, f"{prefix}{k}.{i}."))
        elif isinstance(v, list | tuple) and not v:
            out[f"{prefix}{k}"] = ()  # hashable for the cell cache (an empty list is not)
        else:
            out[f"{prefix}{k}"] = list(v) if isinstance(v, tuple) else v
    return out


def unflatten(flat: dict) -> dict:
    """Inverse of ``flatten``."""
    out: dict = {}
    for key, v in flat.items():
        parts = key.split(".")
        d = out
        for p in parts[:-1]:
            d = d.setdefault(p, {})
        d[parts[-1]] = v
    return _lists(out)


def _lists(d):
    """Mappings whose keys are 0, 1, … (``flatten``'s indexed lists) back into lists."""
    if not isinstance(d, dict):
        return d
    d = {k: _lists(v) for k, v in d.items()}
    if d and all(k.isdigit() for k in d) and sorted(int(k) for k in d) == list(range(len(d))):
        return [d[str(i)] for i in range(len(d))]
    return d


def flat_settings(obj) -> dict:
    """``flatten(to_settings(obj))``: the form in which cells take a parameter set."""
    return flatten(to_settings(obj))


def from_flat(cls, flat: dict, *, where: str = ""):
    """Rebuild ``cls`` from ``flat_settings`` output."""
    return from_settings(cls, unflatten(dict(flat)), where=where)


def replace_path(obj, path: str, value):
    """A copy of ``obj`` with the (dotted) field ``path`` set to ``value``, e.g. ``phase_shifter.junction_offset``."""
    head, _, rest = path.partition(".")
    if head not in field_names(type(obj)):
        raise ValueError(f"unknown field {head!r} of {type(obj).__name__}; accepted: {field_names(type(obj))}")
    if rest:
        inner = getattr(obj, head)
        if not dataclasses.is_dataclass(inner):
            raise ValueError(f"{type(obj).__name__}.{head} is not a parameter set; cannot set {path!r}")
        value = replace_path(inner, rest, value)
    elif dataclasses.is_dataclass(getattr(obj, head)) and isinstance(value, dict):
        value = from_settings(type(getattr(obj, head)), value, where=head)
    return dataclasses.replace(obj, **{head: value})


@dataclass(frozen=True)
class GratingCoupler:
    """Shallow-etched focusing grating coupler (geometry only; its coupling efficiency is not simulated).

    period and etch_width (m), n_periods, taper_length (m, focal distance of the first tooth) and
    taper_angle (degrees, full opening). The period follows the first-order phase-matching condition
    Λ = λ/(n_eff − n_clad·sin θ) for the fiber angle θ; the default (0.63 µm) is typical of 220 nm SOI at
    1550 nm and 10° (e.g. Chrostowski & Hochberg, "Silicon Photonics Design", CUP 2015, ch. 5). The
    teeth are drawn as circular arcs (a focusing approximation of the ideal elliptical teeth).
    """

    period: float = 0.63e-6
    etch_width: float = 0.315e-6
    n_periods: int = 25
    taper_length: float = 16e-6
    taper_angle: float = 40.0

    def __post_init__(self):
        check_real("period", self.period, low=0.3e-6, high=2e-6)
        check_real("etch_width", self.etch_width, low=0.1e-6, high=self.period, high_open=True)
        if isinstance(self.n_periods, bool) or not isinstance(self.n_periods, int) or not 5 <= self.n_periods <= 100:
            raise ValueError(f"n_periods must be an integer in [5, 100]; got {self.n_periods!r}")
        check_real("taper_length", self.taper_length, low=5e-6, high=100e-6)
        check_real("taper_angle", self.taper_angle, low=5.0, high=60.0)


@dataclass(frozen=True)
class EdgeCoupler:
    """Inverse-taper edge coupler: the strip narrows from the waveguide width to ``tip_width`` over
    ``length`` at the die facet (m). Geometry only; its mode-matching loss is not simulated."""

    tip_width: float = 0.2e-6
    length: float = 150e-6

    def __post_init__(self):
        check_real("tip_width", self.tip_width, low=0.1e-6, high=1e-6)
        check_real("length", self.length, low=10e-6, high=2e-3)


def um(x: float) -> float:
    """m → µm, rounded to the 1 nm layout grid."""
    return round(x * 1e6, 3)
