"""The default test chip, built once per module through ``optolink demo``'s chip section.

Acceptance: ≥ 40 devices of every kind, zero layout-check violations and zero failed routes; the manifest
(JSON, HDF5, CSV) agrees with the GDS (read-back) and with a fresh computation by the photonics models.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math

import h5py
import klayout.db as kdb
import pytest

from layouts.checks import FIBER_PITCH_UM, RULES, read_lyrdb_counts, run_checks
from layouts.doe import plan
from layouts.readback import compare_performance, fresh_performance, read_chip
from optolink.flows_chip import demo_section
from photonics.devices import KINDS
from photonics.manifest import read_manifest
from photonics.modulators import MachZehnderModulator
from photonics.phase_shifters import DepletionPhaseShifter
from photonics.rings import RingModulator


@pytest.fixture(scope="module")
def chip(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    summary = demo_section(out)
    d = out / "chip"
    typed = read_manifest(d / "chip.manifest.json")
    return {"summary": summary, "dir": d, "manifest": typed.data, "typed": typed}


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


# ------------------------------------------------------------------------------------------------------
# The manifest as its one owner (photonics.manifest) writes and reads it
# ------------------------------------------------------------------------------------------------------
def test_written_manifest_validates_against_its_json_schema(chip):
    import jsonschema  # an independent validator of the schema file shipped with photonics

    from photonics.manifest import SCHEMA, load_schema

    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    raw = json.loads((chip["dir"] / "chip.manifest.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(raw)
    assert raw["schema"] == SCHEMA == "optolink.chip-manifest/2"
    bad = dict(raw, devices=[{k: v for k, v in raw["devices"][0].items() if k != "performance"}])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)


def test_provenance_ties_the_manifest_to_the_gds(chip, tmp_path):
    import hashlib
    import shutil

    from optolink.core.provenance import software_version
    from photonics.devices import fingerprint

    m = chip["typed"]
    gds = chip["dir"] / "chip.gds"
    assert m.provenance.gds_sha256 == hashlib.sha256(gds.read_bytes()).hexdigest()
    ly = kdb.Layout()
    ly.read(str(gds))
    assert m.provenance.top_cell == ly.top_cells()[0].name and m.provenance.software_version == software_version()
    assert set(m.provenance.device_fingerprints) == set(m.names)
    # a fingerprint depends on the parameter values only (key order does not matter) and sees any change
    d = m.devices[0]
    shuffled = json.loads(json.dumps(d.parameters, sort_keys=True))
    assert fingerprint(shuffled) == m.provenance.device_fingerprints[d.name] == d.fingerprint
    arg = next(iter(d.parameters))
    changed = {arg: dict(d.parameters[arg], **{k: v * (1 + 1e-12) for k, v in d.parameters[arg].items()
                                               if isinstance(v, float) and v != 0.0})}
    assert fingerprint(changed) != d.fingerprint
    # editing the GDS after the manifest was written is detected
    copy = tmp_path / "chip"
    shutil.copytree(chip["dir"], copy)
    with open(copy / "chip.gds", "ab") as fh:
        fh.write(b"\0\0")
    rb = read_chip(copy / "chip.gds", copy / "chip.manifest.json")
    assert any("SHA-256" in p for p in rb.problems)


def test_manifest_read_back_equals_independently_built_devices_of_every_kind(chip):
    # the manifest read from disk holds, for each DOE point, the figures of the object built here from it
    from photonics.detectors import PinPhotodiode
    from photonics.devices import LaserFootprint, Loopback
    from photonics.modulators import IQModulator

    build = {"photodetector": lambda p: PinPhotodiode(area=p["photodiode.area"],
                                                      intrinsic_thickness=p["photodiode.intrinsic_thickness"]),
             "laser": lambda p: LaserFootprint(clearance=p["footprint.clearance"]),
             "loopback": lambda p: Loopback(length=p["loopback.length"], coupler=p.get("loopback.coupler", "grating")),
             "iq_modulator": lambda p: IQModulator() if not p.get("variant") else IQModulator(
                 mzm_i=dataclasses.replace(IQModulator().mzm_i, length=2e-3),
                 mzm_q=dataclasses.replace(IQModulator().mzm_q, length=2e-3))}
    seen = set()
    for d in chip["typed"].devices:
        if d.kind in build:
            point = dict(d.entry["doe"])
            if d.name.startswith("ec_loopback"):
                point["loopback.coupler"] = "edge"
            assert d.performance == build[d.kind](point).figures(), d.name
            seen.add(d.kind)
    assert seen == set(build)


def test_bad_manifests_are_refused_clearly(chip, tmp_path):
    from photonics.manifest import ManifestError, parse

    raw = json.loads((chip["dir"] / "chip.manifest.json").read_text())
    with pytest.raises(ManifestError, match=r"schema 'optolink.chip-manifest/1' is not the one"):
        parse(dict(raw, schema="optolink.chip-manifest/1"))
    with pytest.raises(ManifestError, match="not an optolink chip manifest"):
        parse({"devices": raw["devices"]})
    with pytest.raises(ManifestError, match="lacks"):
        parse(dict(raw, devices=[{k: v for k, v in raw["devices"][0].items() if k != "ports"}]))
    m = chip["typed"]
    with pytest.raises(ManifestError, match=r"no device named 'mzm_99'; candidates: \['mzm_00'"):
        m.device("mzm_99")
    with pytest.raises(ManifestError, match=r"no laser device named 'mzm_00'|is a 'mzm', not a 'laser'"):
        m.device("mzm_00", "laser")
    with pytest.raises(ManifestError, match="choose one by name"):
        m.pick("mzm")
    edited = json.loads(json.dumps(raw))
    edited["devices"][0]["parameters"]["modulator"]["length"] = 9e-3
    with pytest.raises(ManifestError, match="fingerprint"):
        parse(edited)


def test_transmitter_figures_from_the_chip_manifest(chip):
    # links reads the chip through the same owner: a named laser's power_w and a named MZM's figures
    from links.chip import iq_modulation_loss_db, transmitter_from_manifest

    m = chip["typed"]
    las, mzm = m.best("laser", "power_w"), m.of_kind("mzm")[0]
    tx = transmitter_from_manifest(chip["dir"] / "chip.manifest.json", 59.84375e9, laser=las.name,
                                   modulator=mzm.name)
    assert tx.laser_power_dbm == pytest.approx(10 * math.log10(las.performance["power_w"] / 1e-3), rel=1e-12)
    assert tx.tx_power_dbm == pytest.approx(tx.laser_power_dbm - mzm.performance["insertion_loss_db"]
                                            - iq_modulation_loss_db("16QAM", 0.5), rel=1e-12)
    from photonics.manifest import ManifestError

    with pytest.raises(ManifestError, match="candidates"):
        transmitter_from_manifest(m, 59.84375e9, laser="dfb", modulator=mzm.name)
