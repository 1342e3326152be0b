"""The chip manifest: its schema, writer and reader, and the rebuild of a device from its entry.

A manifest is the JSON file written beside every GDS (``layouts`` writes it through ``write_manifest``) and
the only way a chip reaches a link budget (``links`` reads it through ``read_manifest``): no gdsfactory
here. Its schema is ``manifest.schema.json`` beside this module (JSON Schema 2020-12); its top level::

    {"schema": "optolink.chip-manifest/2",
     "chip": {"name", "top_cell", "gds", "die_um": [w, h], "devices": n, "doe", "units"},
     "provenance": {"gds_file", "gds_sha256", "top_cell", "software_version",
                    "device_fingerprints": {device name: parameter fingerprint}},
     "devices": [{"name", "cell", "kind", "position_um", "ports", "parameters", "performance", ...}],
     "checks": {...}}                                            # optional: the layout-check summary

Each device entry holds at least the contract keys ``DEVICE_KEYS``: ``parameters`` are the photonics
parameter sets as nested dicts (SI; ``photonics.devices.parameters``), ``performance`` the simulated figures
(SI, units in the keys). Positions are µm in the GDS frame. Non-finite figures are stored as the strings
"inf"/"nan" and restored on reading. ``provenance`` ties the manifest to one layout: the SHA-256 of the GDS
written with it, its top cell, the software version and a fingerprint of every device's parameters
(``photonics.devices.fingerprint``). A manifest written by another tool may omit ``provenance``.

A manifest of another schema version is refused (``ManifestError``, naming both versions). The reader
returns a :class:`Manifest`: devices by name (an unknown name lists the candidates) and by kind, the chip and
its provenance; ``Device.objects()`` rebuilds a device's photonics objects from its entry.
"""

from __future__ import annotations

import json
import os
import pathlib
from dataclasses import dataclass, field

from optolink.core.files import write_json_atomic
from optolink.core.provenance import sha256_file, software_version
from optolink.core.serialize import jsonable

from . import devices as _devices

SCHEMA_NAME = "optolink.chip-manifest"
SCHEMA_VERSION = 2
SCHEMA = f"{SCHEMA_NAME}/{SCHEMA_VERSION}"
SCHEMA_FILE = pathlib.Path(__file__).resolve().with_name("manifest.schema.json")
DEVICE_KEYS = ("name", "cell", "kind", "position_um", "ports", "parameters", "performance")
TOP_KEYS = ("schema", "chip", "provenance", "devices", "checks")


class ManifestError(ValueError):
    """A file or mapping that is not a chip manifest of this schema version, or a device it does not hold."""


def load_schema() -> dict:
    """The manifest's JSON Schema (``manifest.schema.json``)."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------------------
# The typed reading
# ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Provenance:
    """Where a manifest comes from: the GDS file it was written with (name, SHA-256, top cell), the software
    version, and the parameter fingerprint of every device (by name)."""

    gds_file: str | None
    gds_sha256: str | None
    top_cell: str | None
    software_version: str | None
    device_fingerprints: dict = field(default_factory=dict)

    def check_gds(self, gds_path) -> list[str]:
        """Problems tying ``gds_path`` to this manifest (empty: its SHA-256 is the recorded one)."""
        if self.gds_sha256 is None:
            return ["the manifest records no GDS SHA-256"]
        digest = sha256_file(gds_path)
        if digest != self.gds_sha256:
            return [f"{os.fspath(gds_path)}: SHA-256 {digest[:12]}… differs from the manifest's "
                    f"{self.gds_sha256[:12]}… (the GDS changed after the manifest was written)"]
        return []


@dataclass(frozen=True)
class Device:
    """One device entry: the contract fields, the parameter fingerprint and the whole entry (``entry``)."""

    name: str
    kind: str
    cell: str
    position_um: tuple[float, float]
    ports: tuple
    parameters: dict
    performance: dict
    fingerprint: str
    entry: dict = field(repr=False, compare=False)

    def objects(self) -> dict:
        """The device's photonics parameter objects, rebuilt (and validated) from its ``parameters``."""
        try:
            return _devices.rebuild(self.kind, self.parameters)
        except (TypeError, ValueError) as exc:
            raise ManifestError(f"device {self.name!r}: parameters do not rebuild: {exc}") from exc

    def figure(self, key: str) -> float:
        """One named figure of the device's ``performance`` (a number; the message lists what there is)."""
        value = self.performance.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            what = "has no" if key not in self.performance else "has a non-numeric"
            raise ManifestError(f"{self.kind} {self.name!r} {what} figure {key!r}; its figures: "
                                f"{sorted(self.performance)}")
        return float(value)


@dataclass(frozen=True)
class Manifest:
    """A chip manifest read back: the chip, its provenance (None if not recorded), the devices in file order,
    the check summary (None if absent), where it came from and the raw mapping (``data``)."""

    chip: dict
    provenance: Provenance | None
    devices: tuple[Device, ...]
    checks: dict | None
    source: str
    data: dict = field(repr=False, compare=False)

    @property
    def names(self) -> list[str]:
        return [d.name for d in self.devices]

    @property
    def kinds(self) -> dict[str, int]:
        """Number of devices per kind (in order of first appearance)."""
        out: dict[str, int] = {}
        for d in self.devices:
            out[d.kind] = out.get(d.kind, 0) + 1
        return out

    def device(self, name: str, kind: str | None = None) -> Device:
        """The device named ``name`` (optionally checked to be of ``kind``); unknown → the candidates."""
        for d in self.devices:
            if d.name == name:
                if kind is not None and d.kind != kind:
                    raise ManifestError(f"{self.source}: device {name!r} is a {d.kind!r}, not a {kind!r}; "
                                        f"{kind!r} devices: {[x.name for x in self.of_kind(kind)]}")
                return d
        pool = [x.name for x in self.of_kind(kind)] if kind is not None else self.names
        raise ManifestError(f"{self.source}: no {kind + ' ' if kind else ''}device named {name!r}; "
                            f"candidates: {pool}")

    def of_kind(self, kind: str) -> tuple[Device, ...]:
        return tuple(d for d in self.devices if d.kind == kind)

    def pick(self, kind: str, name: str | None = None) -> Device:
        """The device ``name`` of ``kind``, or the only device of ``kind`` when no name is given."""
        if name is not None:
            return self.device(name, kind)
        found = self.of_kind(kind)
        if not found:
            raise ManifestError(f"{self.source}: no {kind!r} device (the chip's kinds: {self.kinds})")
        if len(found) > 1:
            raise ManifestError(f"{self.source}: {len(found)} {kind!r} devices {[d.name for d in found]}; "
                                "choose one by name")
        return found[0]

    def gds_status(self) -> tuple[str, str]:
        """Whether the GDS beside this manifest is the one it was written with: ``(status, message)``, status
        one of ``"verified"`` (its SHA-256 is the recorded one), ``"modified"`` (it changed after the manifest
        was written), ``"missing"`` (no such file beside the manifest) or ``"not recorded"``."""
        prov = self.provenance
        if prov is None or prov.gds_sha256 is None or not prov.gds_file:
            return "not recorded", "the manifest records no GDS file and SHA-256"
        base = os.path.dirname(os.path.abspath(self.source)) if os.path.exists(self.source) else os.getcwd()
        gds = os.path.join(base, prov.gds_file)
        if not os.path.isfile(gds):
            return "missing", f"{gds}: the GDS the manifest was written with is not there (cannot verify it)"
        problems = prov.check_gds(gds)
        if problems:
            return "modified", problems[0]
        return "verified", f"{gds}: SHA-256 matches the manifest"

    def best(self, kind: str, figure: str, *, maximize: bool = True) -> Device:
        """The device of ``kind`` with the largest (or smallest) numeric ``figure``."""
        found = [d for d in self.of_kind(kind) if isinstance(d.performance.get(figure), int | float)]
        if not found:
            raise ManifestError(f"{self.source}: no {kind!r} device with a numeric figure {figure!r}")
        return (max if maximize else min)(found, key=lambda d: d.performance[figure])


# ------------------------------------------------------------------------------------------------------
# Parsing and reading
# ------------------------------------------------------------------------------------------------------
def _restore(obj):
    if isinstance(obj, dict):
        return {k: _restore(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_restore(v) for v in obj]
    if isinstance(obj, str) and obj in ("inf", "-inf", "nan"):
        return float(obj)
    return obj


def _need(cond: bool, source: str, msg: str) -> None:
    if not cond:
        raise ManifestError(f"{source}: {msg}")


def parse(data, *, source: str = "manifest") -> Manifest:
    """A manifest mapping (as ``json.load`` gives it) → :class:`Manifest`, after checking its schema version
    and every contract key (ManifestError names the first problem)."""
    _need(isinstance(data, dict), source, f"a chip manifest is a JSON object, got {type(data).__name__}")
    schema = data.get("schema")
    _need(isinstance(schema, str) and schema.startswith(SCHEMA_NAME + "/"), source,
          f"not an optolink chip manifest (no 'schema': {SCHEMA!r})")
    _need(schema == SCHEMA, source, f"manifest schema {schema!r} is not the one this optolink reads ({SCHEMA!r}); "
                                    "rebuild the chip (optolink chip) to write a current manifest")
    unknown = sorted(set(data) - set(TOP_KEYS))
    _need(not unknown, source, f"unknown top-level key(s) {unknown}; accepted: {list(TOP_KEYS)}")
    data = _restore(data)
    chip = data.get("chip", {})
    _need(isinstance(chip, dict), source, "'chip' must be an object")
    entries = data.get("devices")
    _need(isinstance(entries, list), source, "'devices' must be a list of device entries")
    prov = data.get("provenance")
    provenance = None
    if prov is not None:
        _need(isinstance(prov, dict), source, "'provenance' must be an object")
        provenance = Provenance(prov.get("gds_file"), prov.get("gds_sha256"), prov.get("top_cell"),
                                prov.get("software_version"), dict(prov.get("device_fingerprints") or {}))
    out, seen = [], set()
    for i, e in enumerate(entries):
        _need(isinstance(e, dict), source, f"device entry {i} is not an object")
        missing = [k for k in DEVICE_KEYS if k not in e]
        _need(not missing, source, f"device entry {i} ({e.get('name', '?')!r}) lacks {missing}")
        name = e["name"]
        _need(isinstance(name, str) and name, source, f"device entry {i}: 'name' must be a non-empty string")
        _need(name not in seen, source, f"device name {name!r} appears twice")
        seen.add(name)
        _need(isinstance(e["kind"], str), source, f"device {name!r}: 'kind' must be a string")
        for key in ("parameters", "performance"):
            _need(isinstance(e[key], dict), source, f"device {name!r}: {key!r} must be an object")
        _need(isinstance(e["ports"], list), source, f"device {name!r}: 'ports' must be a list")
        pos = e["position_um"]
        _need(isinstance(pos, list) and len(pos) == 2, source, f"device {name!r}: 'position_um' must be [x, y]")
        fp = _devices.fingerprint(e["parameters"])
        if provenance is not None and name in provenance.device_fingerprints:
            _need(provenance.device_fingerprints[name] == fp, source,
                  f"device {name!r}: its parameters do not match the recorded fingerprint (edited by hand?)")
        out.append(Device(name, e["kind"], str(e["cell"]), (float(pos[0]), float(pos[1])), tuple(e["ports"]),
                          e["parameters"], e["performance"], fp, e))
    return Manifest(chip, provenance, tuple(out), data.get("checks"), source, data)


def read_manifest(path) -> Manifest:
    """Read a manifest JSON file (see ``parse``)."""
    p = pathlib.Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"manifest not found: {p}")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{p} is not valid JSON: {exc}") from None
    return parse(data, source=os.fspath(p))


def load(manifest) -> Manifest:
    """A :class:`Manifest` from a Manifest, a manifest mapping or the path of a manifest file."""
    if isinstance(manifest, Manifest):
        return manifest
    if isinstance(manifest, str | os.PathLike):
        return read_manifest(manifest)
    if isinstance(manifest, dict):
        return parse(manifest)
    raise TypeError(f"a chip manifest is a Manifest, a mapping or a file path; got {type(manifest).__name__}")


# ------------------------------------------------------------------------------------------------------
# Building and writing
# ------------------------------------------------------------------------------------------------------
def build(chip: dict, devices: list[dict], *, gds_path=None, checks: dict | None = None) -> dict:
    """A manifest mapping from the chip block and the device entries (each with the ``DEVICE_KEYS``).

    Adds the schema version and the provenance: the SHA-256 of ``gds_path`` (None without it), the chip's
    top cell, the software version and each device's parameter fingerprint."""
    if not isinstance(chip, dict) or not isinstance(devices, list | tuple) or not all(isinstance(d, dict)
                                                                                      for d in devices):
        raise TypeError("chip must be a mapping and devices a list of mappings")
    fingerprints = {d["name"]: _devices.fingerprint(d["parameters"]) for d in devices}
    gds = pathlib.Path(gds_path) if gds_path is not None else None
    out = {
        "schema": SCHEMA,
        "chip": chip,
        "provenance": {"gds_file": chip.get("gds", gds.name if gds else None),
                       "gds_sha256": sha256_file(gds) if gds is not None else None,
                       "top_cell": chip.get("top_cell"), "software_version": software_version(),
                       "device_fingerprints": fingerprints},
        "devices": devices,
    }
    if checks is not None:
        out["checks"] = checks
    parse(jsonable(out), source="manifest being written")  # refuse a bad one before it is written
    return out


def write_manifest(path, manifest: dict) -> pathlib.Path:
    """Write a manifest mapping (from ``build``) as JSON, atomically; a mapping that does not parse is refused
    before anything is written."""
    if not isinstance(manifest, dict) or manifest.get("schema") != SCHEMA:
        raise ManifestError(f"write_manifest takes a manifest mapping of schema {SCHEMA!r} (from build())")
    return write_json_atomic(path, manifest)


__all__ = ["DEVICE_KEYS", "SCHEMA", "SCHEMA_FILE", "SCHEMA_VERSION", "Device", "Manifest", "ManifestError",
           "Provenance", "build", "load", "load_schema", "parse", "read_manifest", "write_manifest"]
