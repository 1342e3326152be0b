"""Regression references: a settings snapshot of every cell and its geometry, to catch unintended changes.

``reference_cells()`` builds one instance of every cell with fixed parameters. ``snapshot(cell)`` is its
settings (the parameter sets as gdsfactory stored them), back-annotated ``info`` and ports; ``xor(cell,
reference)`` the area (µm²) per layer of the geometric XOR against a stored reference cell.
The references live in ``layouts/references/`` (``settings.json`` and ``cells.gds``, flattened cells
named after the keys of ``reference_cells``). After an intended layout change, regenerate them with::

    python -m layouts.regression --update
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

import klayout.db as kdb

from photonics.devices import Loopback
from photonics.modulators import MachZehnderModulator
from photonics.rings import RingModulator

from . import cells, use_pdk

REFERENCE_DIR = pathlib.Path(__file__).resolve().parent / "references"
SETTINGS_FILE = "settings.json"
GDS_FILE = "cells.gds"


def reference_cells(pdk=None) -> dict:
    """One component per cell function, with fixed (mostly default) parameters; a short MZM keeps the
    reference GDS small. ``pdk``: as ``layouts.chip.build_chip``."""
    with use_pdk(pdk):
        return _reference_cells()


def _reference_cells() -> dict:
    short = MachZehnderModulator(length=0.5e-3)
    return {
        "grating_coupler": cells.grating_coupler(),
        "edge_coupler": cells.edge_coupler(),
        "mzm": cells.mzm(modulator=short),
        "iq_modulator": cells.iq_modulator(),
        "ring": cells.ring(),
        "ring_add_drop": cells.ring(ring=RingModulator(drop_gap=300e-9)),
        "photodetector": cells.photodetector(),
        "laser": cells.laser(),
        "loopback_grating": cells.loopback(loopback=Loopback(length=0.5e-3)),
        "loopback_edge": cells.loopback(loopback=Loopback(length=0.5e-3, coupler="edge")),
    }


def _plain(obj):
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_plain(v) for v in obj]
    if isinstance(obj, float) and obj != obj:
        return "nan"
    if isinstance(obj, float) and obj in (float("inf"), float("-inf")):
        return str(obj)
    return obj


def snapshot(component) -> dict:
    """Settings, info and ports of a component as plain JSON data."""
    return {
        "settings": _plain(component.settings.model_dump()),
        "info": _plain(component.info.model_dump()),
        "ports": [{"name": p.name, "xy_um": [round(p.dx, 3), round(p.dy, 3)],
                   "orientation": float(p.orientation), "width_um": round(p.dwidth, 3), "type": p.port_type}
                  for p in component.ports],
    }


def _flat_regions(ly: kdb.Layout, cell: kdb.Cell) -> dict:
    out = {}
    for li in ly.layer_indexes():
        info = ly.get_info(li)
        r = kdb.Region(cell.begin_shapes_rec(li))
        if not r.is_empty():
            out[(info.layer, info.datatype)] = r
    return out


def _as_written(component) -> kdb.Layout:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "cell.gds"
        component.write_gds(path, with_metadata=False)
        ly = kdb.Layout()
        ly.read(str(path))
    return ly


def xor(component, ref_layout: kdb.Layout, ref_name: str) -> dict:
    """{(layer, datatype): XOR area in µm²} between ``component`` and the reference cell ``ref_name``
    (only layers with a difference are listed; a missing reference cell raises KeyError)."""
    if not ref_layout.has_cell(ref_name):
        raise KeyError(f"reference cell {ref_name!r} not in the reference GDS")
    ly = _as_written(component)  # compare what a GDS holds (polygons with holes are cut on writing)
    new = _flat_regions(ly, ly.top_cells()[0])
    ref = _flat_regions(ref_layout, ref_layout.cell(ref_name))
    scale = ref_layout.dbu**2
    out = {}
    for lay in sorted(set(new) | set(ref)):
        a = new.get(lay, kdb.Region())
        b = ref.get(lay, kdb.Region())
        diff = a ^ b
        if not diff.is_empty():
            out[lay] = diff.area() * scale
    return out


def write_references(directory=REFERENCE_DIR) -> list[pathlib.Path]:
    """Regenerate the stored references from the current cells."""
    from optolink.core.files import write_bytes_atomic, write_json_atomic

    directory = pathlib.Path(directory)
    comps = reference_cells()
    snaps = {name: snapshot(c) for name, c in comps.items()}
    ly = kdb.Layout()
    ly.dbu = 0.001
    for name, c in comps.items():
        cell = ly.create_cell(name)
        src = _as_written(c)
        for lay, region in _flat_regions(src, src.top_cells()[0]).items():
            cell.shapes(ly.layer(*lay)).insert(region)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        p = pathlib.Path(tmp) / GDS_FILE
        ly.write(str(p))
        data = p.read_bytes()
    return [write_json_atomic(directory / SETTINGS_FILE, snaps), write_bytes_atomic(directory / GDS_FILE, data)]


def load_references(directory=REFERENCE_DIR) -> tuple[dict, kdb.Layout]:
    directory = pathlib.Path(directory)
    snaps = json.loads((directory / SETTINGS_FILE).read_text())
    ly = kdb.Layout()
    ly.read(str(directory / GDS_FILE))
    return snaps, ly


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m layouts.regression", description=__doc__.splitlines()[0])
    p.add_argument("--update", action="store_true", help="rewrite the stored references from the current cells")
    args = p.parse_args(argv)
    if args.update:
        for path in write_references():
            print(f"wrote {path} ({path.stat().st_size} bytes)")
        return 0
    snaps, ref = load_references()
    bad = 0
    for name, comp in reference_cells().items():
        diff = xor(comp, ref, name)
        same = snapshot(comp) == snaps.get(name)
        if diff or not same:
            bad += 1
            print(f"{name}: settings {'same' if same else 'CHANGED'}, XOR {diff or 'empty'}")
    print("references match" if not bad else f"{bad} cell(s) differ from the references")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
