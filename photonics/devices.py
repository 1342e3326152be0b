"""The device kinds of a chip: which photonics parameter sets define each kind, and the figures they give.

A chip manifest entry (``photonics.manifest``) stores a device as its ``kind`` and its parameter sets as
nested dicts; this registry turns one into the other without gdsfactory, so a link budget rebuilds a
chip's devices from the manifest alone:

- ``KINDS[kind]`` is a :class:`Kind`: its parameter classes by argument name (the layout cell's keyword
  arguments, the manifest's ``parameters`` keys, the DOE's dotted-path heads) and a description;
- ``figures(kind, objects)`` evaluates the device's figures (SI, units in the keys) through each device's
  own ``figures()``; ``parameters`` and ``rebuild`` convert the parameter objects to and from nested dicts;
  ``fingerprint`` is a stable hash of those parameters.

Two kinds have no single photonics class: a flip-chip laser site and a calibration loopback. Their
parameter sets live here (not in ``layouts``) because a manifest must rebuild them without ``layouts``:
:class:`LaserFootprint` holds the die's rate-equation parameters and its operating current — the physics —
beside the die size, clearance and bond pads the cell draws (its figures ignore those);
:class:`Loopback` is a waveguide of a length between two couplers of a type.

The generic conversion of a frozen parameter dataclass to a nested dict of its public init fields and back
(``to_settings``/``from_settings``, re-running the class's validation) lives here too: the manifest, the
DOE and the cells all use it. The round trip is exact for the float values JSON can hold.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import types
import typing
from dataclasses import dataclass, field

from optolink.core.constants import C
from optolink.core.serialize import jsonable
from optolink.core.validate import check_choice, check_real

from .detectors import PinPhotodiode
from .lasers import LaserParams, RateEquationLaser
from .modulators import IQModulator, MachZehnderModulator
from .rings import RingModulator
from .waveguides import RibWaveguide


# ------------------------------------------------------------------------------------------------------
# Parameter dataclasses ↔ nested dicts
# ------------------------------------------------------------------------------------------------------
def to_settings(obj) -> dict:
    """Nested dict of a frozen dataclass's public init fields (SI values); nested dataclasses become dicts."""
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError(f"expected a parameter dataclass instance, got {type(obj).__name__}")
    out = {}
    for f in dataclasses.fields(obj):
        if not f.init or f.name.startswith("_"):
            continue
        v = getattr(obj, f.name)
        if isinstance(v, tuple) and v and all(dataclasses.is_dataclass(x) for x in v):
            out[f.name] = [to_settings(x) for x in v]  # e.g. a phase shifter's implants
        else:
            out[f.name] = to_settings(v) if dataclasses.is_dataclass(v) else v
    return out


@functools.cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def dataclass_in(annotation, value=None):
    """The dataclass type named by an annotation (``X``, ``X | None`` or ``X | Y``: the first whose fields
    hold all the keys of the mapping ``value``), else None."""
    if dataclasses.is_dataclass(annotation):
        return annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [arg for arg in typing.get_args(annotation) if dataclasses.is_dataclass(arg)]
        for arg in members:
            if isinstance(value, dict) and set(value) <= set(field_names(arg)):
                return arg
        return members[0] if members else None
    return None


def _tuple_item(annotation):
    """The item annotation of ``tuple[X, ...]`` (None for anything else)."""
    if typing.get_origin(annotation) is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:
            return args[0]
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
        sub = dataclass_in(hints.get(name), value)
        here = f"{where}.{name}" if where else name
        if sub is not None and isinstance(value, dict):
            value = from_settings(sub, value, where=here)
        elif isinstance(value, list):
            item = _tuple_item(hints.get(name))  # tuple[X | Y, ...]: each mapping rebuilt as the X or Y it fits
            value = tuple(from_settings(dataclass_in(item, v), v, where=f"{here}[{i}]")
                          if item is not None and isinstance(v, dict) and dataclass_in(item, v) is not None else v
                          for i, v in enumerate(value))
        kwargs[name] = value
    return cls(**kwargs)


MODELS = ("solver", "closed_form")


def with_model(obj, model: str):
    """A copy of a device (any frozen parameter dataclass) whose every cross-section model is ``model``:
    ``"solver"`` (full-vector modes and 2-D carriers, the default of the classes) or ``"closed_form"`` (EIM
    and 1-D depletion, the fast approximations). Classes with a ``MODEL_METHODS`` mapping take their
    ``method`` field from it; nested dataclasses are replaced in turn; the argument is not changed."""
    check_choice("model", model, MODELS)
    if not dataclasses.is_dataclass(obj) or isinstance(obj, type):
        raise TypeError(f"expected a parameter dataclass instance, got {type(obj).__name__}")
    return _with_model(obj, model)


def _with_model(obj, model: str):
    changes = {}
    methods = getattr(type(obj), "MODEL_METHODS", None)
    for f in dataclasses.fields(obj):
        if not f.init:
            continue
        v = getattr(obj, f.name)
        if f.name == "method" and methods is not None:
            if v != methods[model]:
                changes["method"] = methods[model]
        elif dataclasses.is_dataclass(v) and not isinstance(v, type):
            nv = _with_model(v, model)
            if nv is not v:
                changes[f.name] = nv
    return dataclasses.replace(obj, **changes) if changes else obj


# ------------------------------------------------------------------------------------------------------
# The two kinds without a single photonics class
# ------------------------------------------------------------------------------------------------------
def _strip() -> RibWaveguide:
    return RibWaveguide(slab_height=0.0)


@dataclass(frozen=True)
class LaserFootprint:
    """A flip-chip laser bonding site: a recess for the laser die, its bond pads and a butt-coupled taper.

    laser: the rate-equation parameters of the die (photonics.lasers). operating_current: bias (A) at which
    the figures are given; None → 2 × threshold. Geometry the figures ignore (the layout cell draws it):
    die_length, die_width (m; the recess is ``clearance`` larger on every side) and bond_pad_size (m).
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

    def model(self) -> RateEquationLaser:
        """The die's rate-equation laser at the site's operating current (None → its 2 × threshold default)."""
        return RateEquationLaser(self.laser, operating_current=self.operating_current)

    def figures(self) -> dict:
        """The die's figures at the operating point (SI; units in the keys)."""
        return self.model().figures()


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

    def figures(self) -> dict:
        """Length (m), propagation loss over it (dB), group index and group delay (s)."""
        wg = self.waveguide
        return {
            "length_m": self.length,
            "propagation_loss_db": wg.intrinsic_loss_db_per_m * self.length,
            "group_index": wg.group_index,
            "group_delay_s": wg.group_index * self.length / C,
        }


# ------------------------------------------------------------------------------------------------------
# The registry
# ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Kind:
    """A device kind: its parameter classes by argument name and a one-line description."""

    args: dict
    description: str


KINDS: dict[str, Kind] = {
    "mzm": Kind({"modulator": MachZehnderModulator}, "traveling-wave Mach-Zehnder modulator"),
    "iq_modulator": Kind({"modulator": IQModulator}, "IQ modulator: two nested MZMs and a thermo-optic outer phase"),
    "ring": Kind({"ring": RingModulator}, "depletion ring modulator with heater"),
    "photodetector": Kind({"photodiode": PinPhotodiode}, "Ge-on-Si PIN photodiode"),
    "laser": Kind({"footprint": LaserFootprint}, "flip-chip laser site"),
    "loopback": Kind({"loopback": Loopback}, "fiber-coupler loopback (calibration)"),
}


def check_kind(kind: str) -> Kind:
    """The registered kind, or ValueError listing the accepted kinds."""
    if kind not in KINDS:
        raise ValueError(f"unknown device kind {kind!r}; accepted: {sorted(KINDS)}")
    return KINDS[kind]


def check_objects(kind: str, objects: dict) -> dict:
    """``objects`` if they are exactly the kind's parameter objects (by argument name and class)."""
    k = check_kind(kind)
    if set(objects) != set(k.args):
        raise ValueError(f"{kind} needs the parameter objects {sorted(k.args)}; got {sorted(objects)}")
    for name, cls in k.args.items():
        if not isinstance(objects[name], cls):
            raise TypeError(f"{kind}.{name} must be a {cls.__name__}, got {type(objects[name]).__name__}")
    return objects


def figures(kind: str, objects: dict) -> dict:
    """The device's figures (SI, units in the keys), from its parameter objects' own ``figures()``.

    Pure and uncached: a caller that evaluates many devices caches by (kind, objects) itself (the objects
    are frozen, hashable dataclasses)."""
    check_objects(kind, objects)
    (obj,) = objects.values()  # every kind is one parameter object with its own figures()
    return obj.figures()


def parameters(kind: str, objects: dict) -> dict:
    """The parameter objects of a device as nested dicts (a manifest entry's ``parameters``)."""
    check_objects(kind, objects)
    return {name: to_settings(obj) for name, obj in objects.items()}


def rebuild(kind: str, params: dict) -> dict:
    """Rebuild the photonics objects of a device from its manifest ``parameters`` (validated)."""
    k = check_kind(kind)
    if not isinstance(params, dict):
        raise TypeError(f"{kind} parameters must be a mapping of {sorted(k.args)}, got {type(params).__name__}")
    missing = sorted(set(k.args) - set(params))
    unknown = sorted(set(params) - set(k.args))
    if missing or unknown:
        raise ValueError(f"{kind} parameters must have exactly the keys {sorted(k.args)}; "
                         f"missing {missing}, unknown {unknown}")
    return {name: from_settings(cls, params[name], where=f"{kind}.{name}") for name, cls in k.args.items()}


def fingerprint(params: dict) -> str:
    """A stable hash of a device's ``parameters`` (nested dicts): SHA-256 of their canonical JSON (sorted keys,
    floats as ``repr``), hex, first 16 digits. The same parameter values give the same fingerprint in every
    process and on every platform."""
    text = json.dumps(jsonable(params), sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
