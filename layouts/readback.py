"""Read a chip back: GDS + manifest → every device with its rebuilt photonics objects and performance.

``read_chip`` reads the manifest through ``photonics.manifest`` and checks it against the GDS (which carries
no gdsfactory metadata): the GDS's SHA-256 is the one the manifest records, each device's cell is
instantiated in the top cell at the manifest position, and each of its ports lies on drawn geometry of its
layer (waveguide for optical ports, top metal for pads; GDS layers from the layer map the manifest records,
the generic one if it records none). ``fresh_performance`` recomputes a device's figures
from its rebuilt parameter objects with the photonics models (uncached), to compare with the manifest.
"""

from __future__ import annotations

import math
import pathlib
from dataclasses import dataclass

import klayout.db as kdb

from photonics import devices
from photonics.manifest import ManifestError, read_manifest

from .checks import layer
from .layer_map import GENERIC, LayerMap

PORT_LAYERS = {"optical": layer("WG", GENERIC), "electrical": layer("MTOP", GENERIC)}  # the generic map's
POSITION_TOLERANCE_UM = 0.0015  # one database unit and rounding


@dataclass(frozen=True)
class DeviceReadback:
    """A device recovered from a chip: name, kind, the rebuilt parameter objects (by argument name), the
    manifest performance, position (µm) and ports."""

    name: str
    kind: str
    cell: str
    objects: dict
    performance: dict
    position_um: tuple[float, float]
    ports: tuple


@dataclass(frozen=True)
class ChipReadback:
    """All devices of a chip and the problems found comparing the manifest with the GDS (empty: consistent)."""

    name: str
    devices: tuple[DeviceReadback, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def by_name(self, name: str) -> DeviceReadback:
        for d in self.devices:
            if d.name == name:
                return d
        raise KeyError(f"no device named {name!r}; candidates: {[d.name for d in self.devices]}")


def fresh_performance(device: DeviceReadback) -> dict:
    """The device's figures recomputed from its rebuilt objects by the photonics models (no cache)."""
    return devices.figures(device.kind, device.objects)


def compare_performance(stored: dict, fresh: dict, rel: float = 1e-12) -> list[str]:
    """Mismatches between two figure dicts (keys and values, relative tolerance ``rel``)."""
    out = []
    if set(stored) != set(fresh):
        out.append(f"figure names differ: {sorted(set(stored) ^ set(fresh))}")
    for k in set(stored) & set(fresh):
        a, b = stored[k], fresh[k]
        if isinstance(a, int | float) and isinstance(b, int | float):
            if not (a == b or (math.isnan(a) and math.isnan(b))
                    or (math.isfinite(a) and math.isfinite(b) and math.isclose(a, b, rel_tol=rel, abs_tol=0))):
                out.append(f"{k}: manifest {a!r} != fresh {b!r}")
        elif a != b:
            out.append(f"{k}: manifest {a!r} != fresh {b!r}")
    return out


def read_chip(gds_path, manifest_path) -> ChipReadback:
    """Load the GDS and its manifest; rebuild every device; list any manifest/GDS inconsistency."""
    manifest = read_manifest(manifest_path)
    gds_path = pathlib.Path(gds_path)
    if not gds_path.is_file():
        raise FileNotFoundError(f"GDS not found: {gds_path}")
    ly = kdb.Layout()
    ly.read(str(gds_path))
    problems: list[str] = list(manifest.provenance.check_gds(gds_path)) if manifest.provenance else []
    tops = ly.top_cells()
    top_name = manifest.chip["top_cell"]
    if len(tops) != 1 or tops[0].name != top_name:
        problems.append(f"top cell(s) {[t.name for t in tops]} != manifest {top_name!r}")
    top = ly.cell(top_name) if ly.has_cell(top_name) else tops[0]
    placements: dict[str, list[kdb.DPoint]] = {}
    for inst in top.each_inst():
        placements.setdefault(inst.cell.name, []).append(inst.dcplx_trans.disp)
    recorded = manifest.chip.get("layer_map")
    lm = LayerMap.from_mapping(recorded, where=f"{manifest_path}: chip.layer_map") if recorded else GENERIC
    port_layers = {"optical": ly.find_layer(*lm.layer("WG")), "electrical": ly.find_layer(*lm.layer("MTOP"))}

    found_devices = []
    for dev in manifest.devices:
        name = dev.name
        x, y = dev.position_um
        found = [p for p in placements.get(dev.cell, []) if abs(p.x - x) <= POSITION_TOLERANCE_UM
                 and abs(p.y - y) <= POSITION_TOLERANCE_UM]
        if not found:
            problems.append(f"{name}: no instance of cell {dev.cell!r} at ({x}, {y}) µm in the GDS")
        for port in dev.ports:
            if port["type"] not in port_layers:
                continue
            px, py = port["xy_um"]
            box = kdb.DBox(px - 0.005, py - 0.005, px + 0.005, py + 0.005).to_itype(ly.dbu)
            li = port_layers[port["type"]]
            near = kdb.Region(top.begin_shapes_rec_touching(li, box)) if li is not None else kdb.Region()
            if (near & kdb.Region(box)).is_empty():
                problems.append(f"{name}.{port['name']}: no {port['type']} geometry at ({px}, {py}) µm")
        try:
            objects = dev.objects()
        except ManifestError as exc:
            problems.append(str(exc))
            continue
        found_devices.append(DeviceReadback(name, dev.kind, dev.cell, objects, dev.performance, (x, y), dev.ports))
    return ChipReadback(manifest.chip["name"], tuple(found_devices), tuple(problems))
