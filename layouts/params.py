"""Parameter sets as plain nested dicts and back, and the layout-only parameter sets.

gdsfactory's cell cache and its ``settings`` need JSON-like arguments, and a manifest stores parameters as
JSON. ``to_settings`` turns a frozen parameter dataclass (photonics or layout) into a nested dict of its
public init fields (SI values, nested dataclasses as dicts); ``from_settings`` rebuilds the object,
re-running its validation. The round trip is exact for the float values JSON can hold.

The layout-only sets below carry geometry the physics does not model (pads, couplers, the laser die's
footprint); their figures come from the photonics objects they hold.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
import typing
from dataclasses import dataclass, field

from optolink.core.validate import check_real
from photonics.lasers import LaserParams
from photonics.waveguides import RibWaveguide


def to_settings(obj) -> dict:
    """Nested dict of a frozen dataclass's public init fields (SI values); nested dataclasses become dicts."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError(f"expected a parameter dataclass instance, got {type(obj).__name__}")
    out = {}
    for f in dataclasses.fields(obj):
        if not f.init or f.name.startswith("_"):
            continue
        v = getattr(obj, f.name)
        out[f.name] = to_settings(v) if dataclasses.is_dataclass(v) else v
    return out


@functools.cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _dataclass_in(annotation):
    """The dataclass type named by a field annotation (``X`` or ``X | None``), else None."""
    if dataclasses.is_dataclass(annotation):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        for arg in typing.get_args(annotation):
            if dataclasses.is_dataclass(arg):
                return arg
    return None


def field_names(cls) -> list[str]:
    """Public init field names of a parameter dataclass."""
    return [f.name for f in dataclasses.fields(cls) if f.init and not f.name.startswith("_")]


def from_settings(cls, settings: dict, *, where: str = ""):
    """Rebuild ``cls`` from ``to_settings`` output (validated by the class); unknown keys raise ValueError."""
    if not isinstance(settings, dict):
        raise TypeError(f"{where or cls.__name__} must be a mapping of {cls.__name__} fields, "
                        f"got {type(settings).__name__}")
    allowed = field_names(cls)
    unknown = sorted(set(settings) - set(allowed))
    if unknown:
        raise ValueError(f"{where or cls.__name__}: unknown field(s) {unknown} of {cls.__name__}; "
                         f"accepted: {allowed}")
    hints = _hints(cls)
    kwargs = {}
    for name, value in settings.items():
        sub = _dataclass_in(hints.get(name))
        if sub is not None and isinstance(value, dict):
            value = from_settings(sub, value, where=f"{where}.{name}" if where else name)
        elif isinstance(value, list):
            value = tuple(value)
        kwargs[name] = value
    return cls(**kwargs)


def flatten(settings: dict, prefix: str = "") -> dict:
    """Nested settings → one level with dotted keys (``{"phase_shifter.na": 3e23, ...}``).

    gdsfactory's cell cache hashes one level of dict arguments (kfactory 2.6 fails on nested dicts), so the
    cells take their parameter sets in this form."""
    out = {}
    for k, v in settings.items():
        if isinstance(v, dict):
            out.update(flatten(v, f"{prefix}{k}."))
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
    return out


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


# ------------------------------------------------------------------------------------------------------
# Layout-only parameter sets (SI, like the physics)
# ------------------------------------------------------------------------------------------------------
def _strip() -> RibWaveguide:
    return RibWaveguide(slab_height=0.0)


@dataclass(frozen=True)
class LaserFootprint:
    """A flip-chip laser bonding site: a recess for the laser die, its bond pads and a butt-coupled taper.

    laser: the rate-equation parameters of the die (photonics.lasers). die_length, die_width: laser die
    size (m); the recess is ``clearance`` larger on every side. operating_current: bias (A) at which the
    figures are given; None → 2 × threshold. bond_pad_size: flip-chip bond pads on the recess floor (m).
    """

    laser: LaserParams = field(default_factory=LaserParams)
    die_length: float = 300e-6
    die_width: float = 200e-6
    clearance: float = 10e-6
    operating_current: float | None = None
    bond_pad_size: float = 50e-6

    def __post_init__(self):
        if not isinstance(self.laser, LaserParams):
            raise TypeError(f"laser must be a LaserParams, got {type(self.laser).__name__}")
        check_real("die_length", self.die_length, low=100e-6, high=5e-3)
        check_real("die_width", self.die_width, low=100e-6, high=5e-3)
        check_real("clearance", self.clearance, low=2e-6, high=200e-6)
        if self.operating_current is not None:
            check_real("operating_current", self.operating_current, low=0.0, low_open=True, high=10.0)
        check_real("bond_pad_size", self.bond_pad_size, low=20e-6, high=self.die_width / 2)


@dataclass(frozen=True)
class Loopback:
    """A calibration loop between two fiber couplers: a strip waveguide of ``length`` (m).

    coupler: ``"grating"`` (two grating couplers 127 µm apart) or ``"edge"`` (two edge couplers at the die
    edge). Its figures are the waveguide's propagation loss and group delay over ``length``.
    """

    waveguide: RibWaveguide = field(default_factory=_strip)
    length: float = 1.0e-3
    coupler: str = "grating"

    def __post_init__(self):
        if not isinstance(self.waveguide, RibWaveguide):
            raise TypeError(f"waveguide must be a RibWaveguide, got {type(self.waveguide).__name__}")
        check_real("length", self.length, low=0.2e-3, high=50e-3)
        if self.coupler not in ("grating", "edge"):
            raise ValueError(f"coupler must be 'grating' or 'edge'; got {self.coupler!r}")


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


def finite(x) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)
