"""The default test chip, built once per module through ``optolink demo``'s chip section.

Acceptance: ≥ 40 devices of every kind, zero layout-check violations and zero failed routes; the manifest
(JSON, HDF5, CSV) agrees with the GDS (read-back) and with a fresh computation by the photonics models.
"""

from __future__ import annotations

import csv
import json
import math

import h5py
import klayout.db as kdb
import pytest

from layouts.annotation import KINDS
from layouts.checks import FIBER_PITCH_UM, RULES, read_lyrdb_counts, run_checks
from layouts.doe import plan
from layouts.manifest import read_manifest
from layouts.readback import compare_performance, fresh_performance, read_chip
from optolink.flows_chip import demo_section
from photonics.modulators import MachZehnderModulator
from photonics.phase_shifters import DepletionPhaseShifter
from photonics.rings import RingModulator


@pytest.fixture(scope="module")
def chip(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    summary = demo_section(out)
    d = out / "chip"
    return {"summary": summary, "dir": d, "manifest": read_manifest(d / "chip.manifest.json")}


def test_default_chip_has_every_kind_and_at_least_40_devices(chip):
    m = chip["manifest"]
    assert len(m["devices"]) >= 40
    kinds = {d["kind"] for d in m["devices"]}
    assert kinds == set(KINDS)
    rings = [d for d in m["devices"] if d["kind"] == "ring"]
    assert all(d["parameters"]["ring"]["heater"] is not None for d in rings)
    assert all({"e_heater_1", "e_heater_2"} <= {p["name"] for p in d["ports"]} for d in rings)
    assert any(d["parameters"]["ring"]["drop_gap"] is not None for d in rings)  # add-drop rings too
    couplers = {f["coupler"] for d in m["devices"] for f in d["fiber_ports"]}
    assert couplers == {"grating", "edge"}
    lasers = [d for d in m["devices"] if d["kind"] == "laser"]
    assert all(d["performance"]["threshold_current_a"] > 0 for d in lasers)


def test_zero_violations_and_every_optical_port_routed(chip):
    m = chip["manifest"]
    assert m["checks"]["violations"] == 0 and m["checks"]["failed"] == {}
    rep = run_checks(chip["dir"] / "chip.gds", m)  # independently, on the file written
    assert rep.ok, rep.summary()
    assert "error_layer" in {r.name for r in rep.results}
    for d in m["devices"]:
        optical = [p["name"] for p in d["ports"] if p["type"] == "optical"]
        routed = {f["port"] for f in d["fiber_ports"]}
        assert set(optical) <= routed, d["name"]
        assert all(r["length_um"] > 0 for r in d["routes"])


def test_grating_couplers_sit_on_the_fiber_array_pitch(chip):
    for d in chip["manifest"]["devices"]:
        xs = sorted(f["xy_um"][0] for f in d["fiber_ports"] if f["coupler"] == "grating")
        ys = {f["xy_um"][1] for f in d["fiber_ports"] if f["coupler"] == "grating"}
        for a, b in zip(xs, xs[1:], strict=False):
            k = (b - a) / FIBER_PITCH_UM
            assert k == pytest.approx(round(k), abs=1e-5) and round(k) >= 1
        assert len(ys) <= 1  # one row per device


def test_files_beside_the_gds(chip):
    d = chip["dir"]
    raw = (d / "chip.gds").read_bytes()
    assert b"$$$CONTEXT_INFO$$$" not in raw and b"kfactory" not in raw  # no gdsfactory metadata cell
    ly = kdb.Layout()
    ly.read(str(d / "chip.gds"))
    assert [c.name for c in ly.top_cells()] == [chip["manifest"]["chip"]["top_cell"]]
    counts = read_lyrdb_counts(d / "checks.lyrdb")
    assert {f"{n}.width" for n in RULES} <= set(counts) and sum(counts.values()) == 0
    assert (d / "chip.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and (d / "chip.png").stat().st_size > 20_000
    assert not list(d.glob("*.tmp")) and not list(d.glob(".*"))


def test_csv_lists_every_probe_pad_and_fiber_coupler(chip):
    m = chip["manifest"]
    with open(chip["dir"] / "chip.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    by_dev = {d["name"]: d for d in m["devices"]}
    n_expected = sum(sum(p["type"] == "electrical" for p in d["ports"]) + len(d["fiber_ports"])
                     for d in m["devices"])
    assert len(rows) == n_expected
    for r in rows:
        dev = by_dev[r["device"]]
        if r["role"] == "probe":
            port = next(p for p in dev["ports"] if p["name"] == r["port"])
        else:
            port = next(f for f in dev["fiber_ports"] if f["port"] == r["port"])
        assert [float(r["x_um"]), float(r["y_um"])] == port["xy_um"]


def test_hdf5_mirrors_the_json_manifest(chip):
    m = chip["manifest"]
    with h5py.File(chip["dir"] / "chip.h5", "r") as f:
        assert json.loads(f.attrs["manifest_json"])["chip"]["name"] == m["chip"]["name"]
        devices = f["devices"][...]
        assert [n.decode() for n in devices["name"]] == [d["name"] for d in m["devices"]]
        assert list(devices["x_um"]) == [d["position_um"][0] for d in m["devices"]]
        assert len(f["ports"]) == sum(len(d["ports"]) for d in m["devices"])
        for kind in {d["kind"] for d in m["devices"]}:
            table = f["performance"][kind][...]
            of_kind = [d for d in m["devices"] if d["kind"] == kind]
            assert [n.decode() for n in table["name"]] == [d["name"] for d in of_kind]
            for key, value in of_kind[0]["performance"].items():
                got = table[key][0]
                assert got == value or (math.isnan(value) and math.isnan(got))
        rings = f["parameters"]["ring"][...]
        assert sorted(set(rings["ring.gap"])) == [200e-9, 250e-9, 300e-9]
        assert math.isnan(rings["ring.drop_gap"][0])  # an all-pass ring: None → NaN


def test_round_trip_recovers_every_device_with_its_parameters_and_performance(chip):
    rb = read_chip(chip["dir"] / "chip.gds", chip["dir"] / "chip.manifest.json")
    assert rb.ok, rb.problems[:5]
    specs = {s.name: s for s in plan().devices}
    assert {d.name for d in rb.devices} == set(specs)
    for dev in rb.devices:
        assert dev.objects == specs[dev.name].objects  # the parameter sets survive JSON
        assert compare_performance(dev.performance, fresh_performance(dev)) == [], dev.name


def test_manifest_figures_equal_independently_built_photonics_objects(chip):
    by_doe = {json.dumps(d["doe"], sort_keys=True): d for d in chip["manifest"]["devices"]}
    mzm = by_doe[json.dumps({"modulator.length": 2e-3, "modulator.phase_shifter.junction_offset": 50e-9},
                            sort_keys=True)]
    ref = MachZehnderModulator(length=2e-3, phase_shifter=DepletionPhaseShifter(junction_offset=50e-9)).figures()
    assert mzm["performance"] == ref
    ring = by_doe[json.dumps({"ring.gap": 200e-9, "ring.radius": 5e-6}, sort_keys=True)]
    assert ring["performance"] == RingModulator(gap=200e-9, radius=5e-6).figures()


def test_read_back_flags_a_manifest_that_disagrees_with_the_gds(chip, tmp_path):
    m = json.loads((chip["dir"] / "chip.manifest.json").read_text())
    m["devices"][0]["position_um"][0] += 1.0
    m["devices"][1]["ports"][0]["xy_um"] = [-500.0, -500.0]
    path = tmp_path / "bad.manifest.json"
    path.write_text(json.dumps(m))
    rb = read_chip(chip["dir"] / "chip.gds", path)
    assert len(rb.problems) == 2
    assert m["devices"][0]["name"] in rb.problems[0] and m["devices"][1]["name"] in rb.problems[1]


def test_demo_section_headline_figures(chip):
    s = chip["summary"]
    names = {d["name"] for d in chip["manifest"]["devices"]}
    assert s["devices"] == len(names) and s["check_violations"] == 0
    assert s["best_mzm"]["name"] in names and s["best_laser"]["name"] in names
    mzms = [d for d in chip["manifest"]["devices"] if d["kind"] == "mzm"]
    assert s["best_mzm"]["eo_bandwidth_hz"] == max(d["performance"]["eo_bandwidth_hz"] for d in mzms)
    assert chip["dir"].joinpath("chip.manifest.json").samefile(s["manifest"])


def test_mzm_length_and_ring_gap_sweeps_change_geometry_and_figures_together(chip):
    devs = chip["manifest"]["devices"]
    mzms = [d for d in devs if d["kind"] == "mzm"]
    for offset in {d["doe"]["modulator.phase_shifter.junction_offset"] for d in mzms}:
        row = sorted((d for d in mzms if d["doe"]["modulator.phase_shifter.junction_offset"] == offset),
                     key=lambda d: d["parameters"]["modulator"]["length"])
        base = row[0]
        for d in row[1:]:
            dl = (d["parameters"]["modulator"]["length"] - base["parameters"]["modulator"]["length"]) * 1e6
            width = lambda e: e["bbox_um"][2] - e["bbox_um"][0]  # noqa: E731
            assert width(d) - width(base) == pytest.approx(dl, abs=1e-3)  # the die grows by the added length
            # same phase shifter: Vπ·L is fixed, so Vπ scales as 1/L
            assert d["performance"]["vpi_v"] * d["performance"]["length_m"] == pytest.approx(
                base["performance"]["vpi_v"] * base["performance"]["length_m"], rel=1e-12)
    rings = [d for d in devs if d["kind"] == "ring" and d["parameters"]["ring"]["drop_gap"] is None]
    for radius in {d["parameters"]["ring"]["radius"] for d in rings}:
        row = sorted((d for d in rings if d["parameters"]["ring"]["radius"] == radius),
                     key=lambda d: d["parameters"]["ring"]["gap"])
        k = [d["performance"]["power_coupling"] for d in row]
        assert all(a > b for a, b in zip(k, k[1:], strict=False))  # wider gap, weaker coupling
