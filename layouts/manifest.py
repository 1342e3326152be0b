"""Everything written beside the GDS: the chip manifest (through ``photonics.manifest``, its one owner), HDF5
and CSV tables, the check markers and a picture (``write_chip``).

``build_manifest`` turns a built chip into manifest device entries: the ``photonics.manifest`` contract keys
(name, cell, kind, position_um, ports, parameters, performance) plus the layout's own — rotation_deg,
bbox_um, fiber_ports (port, coupler, xy_um, orientation), routes (from, to, length_um), layout_um (the cell's
µm keywords) and doe (the DOE point, dotted path → value); ``photonics.manifest.build`` adds the schema
version and the provenance (the GDS's SHA-256, top cell, software version, parameter fingerprints).
The chip entry records the PDK (``pdk``) and its layer map (``layer_map``: name, pdk, logical layer →
[layer, datatype]); ``chip.lyp`` beside the GDS is that map's KLayout layer properties.
HDF5 (``chip.h5``): tables for analysis — ``devices``, ``ports``, ``fiber_ports``, and per device kind
``performance/<kind>`` and ``parameters/<kind>`` (flattened dotted names; None → NaN) — plus the full JSON.
CSV (``chip.csv``): one row per probe pad and fiber coupler, what a prober or fiber-alignment script needs.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import pathlib
import tempfile
import time
from dataclasses import dataclass

import numpy as np

from optolink.core.files import write_bytes_atomic, write_text_atomic
from photonics import devices
from photonics import manifest as chip_manifest

from . import use_pdk
from .checks import CheckReport, lyrdb_bytes, run_checks
from .chip import ChipBuild, build_chip, device_ports
from .doe import default_doe, plan
from .layer_map import active as active_layer_map
from .layer_map import lyp_text

FILES = {"gds": "chip.gds", "manifest": "chip.manifest.json", "hdf5": "chip.h5", "csv": "chip.csv",
         "lyrdb": "checks.lyrdb", "picture": "chip.png", "lyp": "chip.lyp"}


def _position(p) -> list[float]:
    d = p.ref.dcplx_trans.disp
    return [round(d.x, 6), round(d.y, 6)]


def build_manifest(build: ChipBuild, *, doe: dict | None = None, report: CheckReport | None = None,
                   gds_path=None) -> dict:
    """The manifest mapping of a built chip (``photonics.manifest`` schema; figures from ``build.figures``).

    ``gds_path``: the GDS file written from ``build`` (its SHA-256 goes into the provenance)."""
    entries = []
    for p in build.devices:
        b = p.ref.dbbox()
        entries.append({
            "name": p.spec.name,
            "cell": p.cell.name,
            "kind": p.spec.kind,
            "position_um": _position(p),
            "rotation_deg": float(p.ref.dcplx_trans.angle),
            "bbox_um": [round(b.left, 3), round(b.bottom, 3), round(b.right, 3), round(b.top, 3)],
            "ports": device_ports(p),
            "fiber_ports": [{"port": port, "coupler": kind, "xy_um": [round(xy[0], 6), round(xy[1], 6)],
                             "orientation": orient} for port, kind, xy, orient in p.fibers],
            "routes": [{"from": a, "to": b_, "length_um": round(length, 3)} for a, b_, length in p.routes],
            "parameters": devices.parameters(p.spec.kind, p.spec.objects),
            "performance": build.figures(p),
            "layout_um": dict(p.spec.layout),
            "doe": dict(p.spec.doe),
        })
    chip = {"name": build.plan.name, "top_cell": build.plan.name, "gds": FILES["gds"],
            "die_um": [build.die_um[0], build.die_um[1]], "devices": len(entries),
            "doe": copy.deepcopy(doe) if doe is not None else None,
            "units": "positions µm (GDS frame, die lower-left at 0,0); parameters and performance SI"}
    lm = build.layer_map or active_layer_map()  # the layer map the chip was drawn with
    chip["pdk"] = lm.name
    chip["layer_map"] = lm.to_dict()
    return chip_manifest.build(chip, entries, gds_path=gds_path,
                               checks=report.summary() if report is not None else None)


# ------------------------------------------------------------------------------------------------------
# HDF5 and CSV
# ------------------------------------------------------------------------------------------------------
def _table(rows: list[dict]) -> np.ndarray:
    """Rows of scalars → a numpy structured array (numbers as f8 with None → NaN, the rest as UTF-8 bytes)."""
    keys = list(dict.fromkeys(k for r in rows for k in r))
    cols = []
    for k in keys:
        vals = [r.get(k) for r in rows]
        if all(v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in vals):
            cols.append((k, "f8", [math.nan if v is None else float(v) for v in vals]))
        else:
            enc = [("" if v is None else str(v)).encode() for v in vals]
            cols.append((k, f"S{max(1, max(len(e) for e in enc))}", enc))
    out = np.zeros(len(rows), dtype=[(k, t) for k, t, _ in cols])
    for k, _, vals in cols:
        out[k] = vals
    return out


def hdf5_bytes(manifest: dict) -> bytes:
    """The manifest as an HDF5 file image: tables (one row per device, port or fiber coupler; performance and
    flattened parameters per device kind) plus the full JSON text in the root attribute ``manifest_json``."""
    import h5py

    from optolink.core.serialize import jsonable

    from .params import flatten

    devs = manifest["devices"]
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "chip.h5"
        with h5py.File(path, "w") as f:
            f.attrs["schema"] = chip_manifest.SCHEMA
            f.attrs["name"] = manifest["chip"]["name"]
            f.attrs["die_um"] = np.asarray(manifest["chip"]["die_um"], dtype=float)
            f.attrs["manifest_json"] = json.dumps(jsonable(manifest))
            f.create_dataset("devices", data=_table([
                {"name": d["name"], "kind": d["kind"], "cell": d["cell"], "x_um": d["position_um"][0],
                 "y_um": d["position_um"][1], "rotation_deg": d["rotation_deg"], "bbox_x0_um": d["bbox_um"][0],
                 "bbox_y0_um": d["bbox_um"][1], "bbox_x1_um": d["bbox_um"][2], "bbox_y1_um": d["bbox_um"][3]}
                for d in devs]))
            f.create_dataset("ports", data=_table([
                {"device": d["name"], "port": p["name"], "x_um": p["xy_um"][0], "y_um": p["xy_um"][1],
                 "orientation_deg": p["orientation"], "type": p["type"], "width_um": p["width_um"]}
                for d in devs for p in d["ports"]]))
            fibers = [{"device": d["name"], "port": fp["port"], "coupler": fp["coupler"], "x_um": fp["xy_um"][0],
                       "y_um": fp["xy_um"][1], "orientation_deg": fp["orientation"]}
                      for d in devs for fp in d["fiber_ports"]]
            if fibers:
                f.create_dataset("fiber_ports", data=_table(fibers))
            perf, par = f.create_group("performance"), f.create_group("parameters")
            for kind in sorted({d["kind"] for d in devs}):
                of_kind = [d for d in devs if d["kind"] == kind]
                perf.create_dataset(kind, data=_table([{"name": d["name"], **d["performance"]} for d in of_kind]))
                par.create_dataset(kind, data=_table([{"name": d["name"], **flatten(d["parameters"])}
                                                      for d in of_kind]))
        return path.read_bytes()


CSV_COLUMNS = ("device", "kind", "port", "role", "x_um", "y_um", "orientation_deg", "coupler", "parameters")


def csv_text(manifest: dict) -> str:
    """Test-automation table: a row per probe pad and per fiber coupler of every device."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for dev in manifest["devices"]:
        params = "; ".join(f"{k}={v}" for k, v in dev["doe"].items())
        for p in dev["ports"]:
            if p["type"] == "electrical":
                w.writerow((dev["name"], dev["kind"], p["name"], "probe", p["xy_um"][0], p["xy_um"][1],
                            p["orientation"], "", params))
        for f in dev["fiber_ports"]:
            w.writerow((dev["name"], dev["kind"], f["port"], "fiber", f["xy_um"][0], f["xy_um"][1],
                        f["orientation"], f["coupler"], params))
    return buf.getvalue()


# ------------------------------------------------------------------------------------------------------
# Everything beside the GDS
# ------------------------------------------------------------------------------------------------------
@dataclass
class ChipResult:
    """What ``write_chip`` wrote (paths by key of ``FILES``), the manifest, the check report and timings (s)."""

    paths: dict
    manifest: dict
    report: CheckReport
    build: ChipBuild
    timings: dict


def _rename_top(path: pathlib.Path, name: str) -> None:
    import klayout.db as kdb

    ly = kdb.Layout()
    ly.read(str(path))
    ly.top_cells()[0].name = name
    ly.write(str(path))


def write_chip(out_dir, doe: dict | None = None, *, picture: bool = True, annotate: bool = True,
               pdk=None) -> ChipResult:
    """Build the chip of ``doe`` (default: the built-in DOE), check it and write, into ``out_dir``:
    ``chip.gds`` (no metadata cell), ``chip.manifest.json``, ``chip.h5``, ``chip.csv``, ``checks.lyrdb``,
    ``chip.lyp`` (KLayout layer properties of the PDK's layer map) and ``chip.png``.

    Bad input (unknown DOE key, parameter out of range, overlapping pads, a failed route) raises before any
    file is written. Layout-check violations do not raise: the files are written (the marker database
    shows them) and ``result.report.ok`` is False. ``pdk``: as ``build_chip``.
    """
    with use_pdk(pdk):
        return _write_chip(out_dir, doe, picture=picture, annotate=annotate)


def _write_chip(out_dir, doe: dict | None, *, picture: bool, annotate: bool) -> ChipResult:
    t0 = time.perf_counter()
    doe_dict = default_doe() if doe is None else copy.deepcopy(doe)
    chip_plan = plan(doe_dict)
    build = build_chip(chip_plan, annotate=annotate)
    t_build = time.perf_counter()
    out = pathlib.Path(out_dir)
    with tempfile.TemporaryDirectory() as tmp:
        gds_tmp = pathlib.Path(tmp) / FILES["gds"]
        build.component.write_gds(gds_tmp, with_metadata=False)
        if build.component.name != chip_plan.name:  # an earlier chip of this name lives in memory
            _rename_top(gds_tmp, chip_plan.name)
        gds = gds_tmp.read_bytes()
        t_gds = time.perf_counter()
        first = build_manifest(build, doe=doe_dict, gds_path=gds_tmp)
        report = run_checks(gds_tmp, first)
        t_checks = time.perf_counter()
        manifest = build_manifest(build, doe=doe_dict, report=report, gds_path=gds_tmp)
        h5 = hdf5_bytes(manifest)
        table = csv_text(manifest)
        rdb = lyrdb_bytes(report)
        t_manifest = time.perf_counter()
        png = None
        if picture:
            from .render import picture as render

            png_tmp = pathlib.Path(tmp) / FILES["picture"]
            render(gds_tmp, png_tmp, title=f"{chip_plan.name}: {len(build.devices)} devices, "
                                           f"{report.violations} check violations")
            png = png_tmp.read_bytes()
    t_pic = time.perf_counter()
    paths = {
        "gds": write_bytes_atomic(out / FILES["gds"], gds),
        "manifest": chip_manifest.write_manifest(out / FILES["manifest"], manifest),
        "hdf5": write_bytes_atomic(out / FILES["hdf5"], h5),
        "csv": write_text_atomic(out / FILES["csv"], table),
        "lyrdb": write_bytes_atomic(out / FILES["lyrdb"], rdb),
        "lyp": write_text_atomic(out / FILES["lyp"], lyp_text(build.layer_map)),
    }
    if png is not None:
        paths["picture"] = write_bytes_atomic(out / FILES["picture"], png)
    t_end = time.perf_counter()
    timings = {"build_s": t_build - t0, "gds_s": t_gds - t_build, "checks_s": t_checks - t_gds,
               "manifest_s": t_manifest - t_checks, "picture_s": t_pic - t_manifest, "write_s": t_end - t_pic,
               "total_s": t_end - t0}
    return ChipResult({k: pathlib.Path(v) for k, v in paths.items()}, manifest, report, build, timings)
