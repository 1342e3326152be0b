"""Design of experiments for a test chip: which devices, with which parameters, in a YAML or JSON file.

A DOE is a mapping with these keys (all optional except ``devices``)::

    name: my-chip                  # top cell and file title
    copies: 1                      # repeat every section (e.g. for a bigger chip)
    die: {margin_um: 150, spacing_um: 60}
    layout: {pad_pitch_um: 100, pad_size_um: 80}     # defaults for every section
    devices:
      mzm:                         # section name; its kind is the name unless ``kind`` is given
        kind: mzm                  # mzm | iq_modulator | ring | photodetector | laser | loopback
        base: {modulator: {length: 3.0e-3}}          # parameter objects by argument name, SI fields
        sweep:                     # full grid over dotted paths (argument.field[.field])
          modulator.length: [1.0e-3, 2.0e-3, 3.0e-3]
          modulator.phase_shifter.junction_offset: [-50.0e-9, 0.0, 50.0e-9]
        variants: [{}, {modulator.termination_impedance: 35.0}]   # each variant × the grid
        count: 1                   # identical copies of each point
        layout: {pad_pitch_um: 150}

Every key is checked before anything is built: an unknown key (at any level, including a parameter field)
raises ValueError naming it and the accepted ones; the photonics objects validate their own values.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass

from optolink.core.files import read_mapping
from photonics.devices import KINDS, from_settings, to_settings

from .params import replace_path

TOP_KEYS = ("name", "copies", "die", "layout", "devices")
DIE_KEYS = ("margin_um", "spacing_um")
SECTION_KEYS = ("kind", "base", "sweep", "variants", "count", "layout")
# layout options per kind: the DOE keys are the cell's keyword arguments (µm)
LAYOUT_KEYS = {
    "mzm": ("pad_pitch_um", "pad_size_um"),
    "iq_modulator": ("pad_pitch_um", "pad_size_um", "heater_length_um"),
    "ring": ("pad_pitch_um", "pad_size_um"),
    "photodetector": ("pad_pitch_um", "pad_size_um", "ge_width_um"),
    "laser": ("pad_pitch_um", "pad_size_um"),
    "loopback": (),
}
ALL_LAYOUT_KEYS = sorted({k for v in LAYOUT_KEYS.values() for k in v})
MAX_DEVICES = 2000


@dataclass(frozen=True)
class DeviceSpec:
    """One device of the chip: a unique ``name``, its ``kind``, the parameter objects by argument name, the
    cell's layout keywords and the DOE point it comes from (dotted path → value)."""

    name: str
    kind: str
    objects: dict
    layout: dict
    doe: dict


@dataclass(frozen=True)
class ChipPlan:
    """A validated DOE: chip name, die options and the device list."""

    name: str
    margin_um: float
    spacing_um: float
    devices: tuple[DeviceSpec, ...]


def default_doe() -> dict:
    """The built-in DOE (40 devices, every kind): MZM length × junction offset, ring gap × radius, …"""
    return {
        "name": "optolink_test_chip",
        "copies": 1,
        "die": {"margin_um": 150.0, "spacing_um": 60.0},
        "layout": {"pad_pitch_um": 100.0, "pad_size_um": 80.0},
        "devices": {
            "mzm": {
                "sweep": {"modulator.length": [1.0e-3, 2.0e-3, 3.0e-3],
                          "modulator.phase_shifter.junction_offset": [-50e-9, 0.0, 50e-9, 100e-9]},
            },
            "iq_modulator": {
                "variants": [{}, {"modulator.mzm_i.length": 2.0e-3, "modulator.mzm_q.length": 2.0e-3}],
            },
            "ring": {
                "sweep": {"ring.gap": [200e-9, 250e-9, 300e-9], "ring.radius": [5.0e-6, 7.5e-6, 10.0e-6]},
            },
            "ring_add_drop": {
                "kind": "ring",
                "base": {"ring": {"drop_gap": 300e-9}},
                "sweep": {"ring.gap": [200e-9, 250e-9, 300e-9]},
            },
            "photodetector": {
                "sweep": {"photodiode.area": [60e-12, 100e-12, 140e-12],
                          "photodiode.intrinsic_thickness": [0.4e-6, 0.6e-6]},
            },
            "laser": {"sweep": {"footprint.clearance": [5e-6, 10e-6, 15e-6]}},
            "gc_loopback": {"kind": "loopback", "sweep": {"loopback.length": [0.5e-3, 1.0e-3, 1.5e-3]}},
            "ec_loopback": {"kind": "loopback", "base": {"loopback": {"coupler": "edge"}},
                            "sweep": {"loopback.length": [0.5e-3, 1.0e-3]}},
        },
    }


def load_doe(path) -> dict:
    """Read a DOE file (``.yaml``/``.yml`` or ``.json``) into a dict (not yet validated)."""
    return read_mapping(path, "DOE file")


def _unknown(where: str, keys, allowed) -> None:
    bad = sorted(set(keys) - set(allowed))
    if bad:
        raise ValueError(f"DOE {where}: unknown key(s) {bad}; accepted: {sorted(allowed)}")


def _number(where: str, value, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"DOE {where} must be a number in [{low:g}, {high:g}]; got {value!r}")
    if not low <= float(value) <= high:
        raise ValueError(f"DOE {where} must be in [{low:g}, {high:g}]; got {value!r}")
    return float(value)


def _count(where: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise ValueError(f"DOE {where} must be an integer in [1, 100]; got {value!r}")
    return value


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def plan(doe: dict | None = None) -> ChipPlan:
    """Validate a DOE (default: ``default_doe()``) and expand it into the chip's device list.

    Raises ValueError (unknown key, bad value, a parameter outside its model's range) before any cell
    is drawn or file written; the message names the section, the DOE point and the offending field.
    """
    doe = default_doe() if doe is None else copy.deepcopy(doe)
    if not isinstance(doe, dict):
        raise ValueError(f"the DOE must be a mapping; got {type(doe).__name__}")
    _unknown("top level", doe, TOP_KEYS)
    if "devices" not in doe or not isinstance(doe["devices"], dict) or not doe["devices"]:
        raise ValueError("DOE: 'devices' must be a non-empty mapping of sections")
    name = doe.get("name", "optolink_test_chip")
    if not isinstance(name, str) or not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"DOE name must be letters, digits, '_' or '-'; got {name!r}")
    copies = _count("copies", doe.get("copies", 1))
    die = doe.get("die", {}) or {}
    if not isinstance(die, dict):
        raise ValueError("DOE die must be a mapping")
    _unknown("die", die, DIE_KEYS)
    margin = _number("die.margin_um", die.get("margin_um", 150.0), 50.0, 5000.0)
    spacing = _number("die.spacing_um", die.get("spacing_um", 60.0), 20.0, 5000.0)
    top_layout = doe.get("layout", {}) or {}
    if not isinstance(top_layout, dict):
        raise ValueError("DOE layout must be a mapping")
    _unknown("layout", top_layout, ALL_LAYOUT_KEYS)

    specs: list[DeviceSpec] = []
    for copy_i in range(copies):
        for section, body in doe["devices"].items():
            specs += _section(str(section), body, top_layout, copy_i if copies > 1 else None)
    if len(specs) > MAX_DEVICES:
        raise ValueError(f"DOE: {len(specs)} devices exceed the limit of {MAX_DEVICES}")
    return ChipPlan(name, margin, spacing, tuple(specs))


def _section(section: str, body, top_layout: dict, copy_i: int | None) -> list[DeviceSpec]:
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ValueError(f"DOE devices.{section} must be a mapping; got {type(body).__name__}")
    _unknown(f"devices.{section}", body, SECTION_KEYS)
    kind = body.get("kind", section)
    if kind not in KINDS:
        raise ValueError(f"DOE devices.{section}: unknown device kind {kind!r}; accepted: {sorted(KINDS)} "
                         "(set 'kind' for a section with another name)")
    args = KINDS[kind].args
    # layout options: top-level defaults that apply to this kind, then the section's own
    layout_kw = {k: float(v) for k, v in top_layout.items() if k in LAYOUT_KEYS[kind]}
    sec_layout = body.get("layout", {}) or {}
    if not isinstance(sec_layout, dict):
        raise ValueError(f"DOE devices.{section}.layout must be a mapping")
    _unknown(f"devices.{section}.layout", sec_layout, LAYOUT_KEYS[kind])
    for k, v in sec_layout.items():
        layout_kw[k] = _number(f"devices.{section}.layout.{k}", v, 0.0, 1e4)
    # base objects
    base = body.get("base", {}) or {}
    if not isinstance(base, dict):
        raise ValueError(f"DOE devices.{section}.base must be a mapping of {sorted(args)}")
    _unknown(f"devices.{section}.base", base, args)
    objects = {}
    for arg, cls in args.items():
        try:
            objects[arg] = from_settings(cls, base.get(arg, {}) or {}, where=f"{section}.base.{arg}")
        except (TypeError, ValueError) as exc:
            raise ValueError(f"DOE devices.{section}.base.{arg}: {exc}") from exc
    # grid and variants
    sweep = body.get("sweep", {}) or {}
    if not isinstance(sweep, dict):
        raise ValueError(f"DOE devices.{section}.sweep must be a mapping of dotted paths to lists")
    for key, values in sweep.items():
        _check_path(section, "sweep", key, args, objects)
        if not isinstance(values, list) or not values:
            raise ValueError(f"DOE devices.{section}.sweep.{key} must be a non-empty list; got {values!r}")
    variants = body.get("variants", [{}]) or [{}]
    if not isinstance(variants, list) or not all(isinstance(v, dict) for v in variants):
        raise ValueError(f"DOE devices.{section}.variants must be a list of mappings")
    for v in variants:
        for key in v:
            _check_path(section, "variants", key, args, objects)
    count = _count(f"devices.{section}.count", body.get("count", 1))

    keys = list(sweep)
    out = []
    index = 0
    for vi, variant in enumerate(variants):
        for combo in itertools.product(*(sweep[k] for k in keys)):
            point = dict(variant)
            point.update(dict(zip(keys, combo, strict=True)))
            objs = dict(objects)
            try:
                for path, value in point.items():
                    arg, _, rest = path.partition(".")
                    objs[arg] = replace_path(objs[arg], rest, value)
            except (TypeError, ValueError) as exc:
                where = ", ".join(f"{k}={_fmt(v)}" for k, v in point.items())
                raise ValueError(f"DOE devices.{section} at {{{where}}}: {exc}") from exc
            for _ in range(count):
                suffix = f"_c{copy_i}" if copy_i is not None else ""
                label = f"{section}_{index:02d}{suffix}"
                index += 1
                doe_point = dict(point)
                if len(variants) > 1:
                    doe_point["variant"] = vi
                out.append(DeviceSpec(label, kind, objs, dict(layout_kw), doe_point))
    return out


def _check_path(section: str, where: str, key, args: dict, objects: dict) -> None:
    if not isinstance(key, str) or "." not in key:
        raise ValueError(f"DOE devices.{section}.{where}: key {key!r} must be a dotted path "
                         f"'<argument>.<field>' with argument in {sorted(args)}")
    arg, _, rest = key.partition(".")
    if arg not in args:
        raise ValueError(f"DOE devices.{section}.{where}: unknown argument {arg!r} in {key!r}; accepted: "
                         f"{sorted(args)}")
    obj = to_settings(objects[arg])
    for part in rest.split("."):
        if not isinstance(obj, dict) or part not in obj:
            accepted = sorted(obj) if isinstance(obj, dict) else []
            raise ValueError(f"DOE devices.{section}.{where}: unknown field {part!r} in {key!r}; accepted: "
                             f"{accepted}")
        obj = obj[part]
