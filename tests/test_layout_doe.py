"""DOE validation and the `optolink chip` handler: bad input fails clearly before any file is written."""

from __future__ import annotations

import argparse
import copy
import json

import pytest
import yaml

from layouts.doe import default_doe, load_doe, plan
from layouts.manifest import write_chip
from optolink import flows_chip

SMALL = {
    "name": "small_chip",
    "devices": {
        "mzm": {"base": {"modulator": {"length": 0.5e-3}}},
        "ring": {"sweep": {"ring.gap": [250e-9, 300e-9]}},
        "photodetector": {},
        "ec_loopback": {"kind": "loopback", "base": {"loopback": {"coupler": "edge", "length": 0.4e-3}}},
    },
}


def _with(doe, path, value):
    d = copy.deepcopy(doe)
    node = d
    for k in path[:-1]:
        node = node.setdefault(k, {})
    node[path[-1]] = value
    return d


@pytest.mark.parametrize("path, value, match", [
    (("colour",), "blue", "unknown key.*colour"),
    (("die", "gutter_um"), 5.0, "die: unknown key.*gutter_um"),
    (("layout", "pad_pich_um"), 100.0, "layout: unknown key.*pad_pich_um"),
    (("devices", "mzm", "sweeep"), {}, "devices.mzm: unknown key.*sweeep"),
    (("devices", "widget"), {}, "unknown device kind 'widget'"),
    (("devices", "mzm", "base"), {"modulatr": {}}, "base: unknown key.*modulatr"),
    (("devices", "mzm", "base"), {"modulator": {"lenght": 1e-3}}, "unknown field.*lenght"),
    (("devices", "ring", "sweep"), {"ring.gapp": [1e-7]}, "unknown field 'gapp'"),
    (("devices", "ring", "sweep"), {"gap": [1e-7]}, "dotted path"),
    (("devices", "ring", "sweep"), {"ring.gap": 2e-7}, "non-empty list"),
    (("devices", "ring", "layout"), {"ge_width_um": 10.0}, "layout: unknown key.*ge_width_um"),
    (("devices", "ring", "count"), 0, "count must be an integer"),
    (("copies",), 1.5, "copies must be an integer"),
])
def test_unknown_or_malformed_doe_keys_are_named(path, value, match):
    with pytest.raises(ValueError, match=match):
        plan(_with(SMALL, path, value))


def test_a_parameter_out_of_its_model_range_names_the_doe_point():
    bad = _with(SMALL, ("devices", "ring", "sweep"), {"ring.gap": [250e-9, 60e-9]})
    with pytest.raises(ValueError, match=r"devices.ring at \{ring.gap=6e-08\}.*gap must be in"):
        plan(bad)


def test_bad_input_writes_nothing(tmp_path):
    out = tmp_path / "chip"
    for doe in (_with(SMALL, ("devices", "ring", "sweep"), {"ring.gap": [60e-9]}),  # ring gap below minimum
                _with(SMALL, ("layout",), {"pad_pitch_um": 70.0}),  # pads would overlap
                _with(SMALL, ("devices", "mzm", "size"), 3)):  # unknown key
        with pytest.raises(ValueError):
            write_chip(out, doe)
        assert not out.exists()


def test_pads_that_would_overlap_are_refused_with_the_device_named():
    with pytest.raises(ValueError, match="device mzm_00 .*pads would overlap"):
        from layouts.chip import build_chip

        build_chip(_with(SMALL, ("devices", "mzm", "layout"), {"pad_pitch_um": 85.0}))


def test_default_doe_has_forty_unique_devices_of_every_kind():
    p = plan()
    names = [s.name for s in p.devices]
    assert len(names) >= 40 and len(set(names)) == len(names)
    assert {s.kind for s in p.devices} == {"mzm", "iq_modulator", "ring", "photodetector", "laser", "loopback"}
    grid = {(s.objects["modulator"].length, s.objects["modulator"].phase_shifter.junction_offset)
            for s in p.devices if s.kind == "mzm"}
    assert len(grid) == 12  # length × junction offset, full grid
    doe = default_doe()
    doe["copies"] = 2
    assert len(plan(doe).devices) == 2 * len(names)


def test_load_doe_yaml_json_and_errors(tmp_path):
    y = tmp_path / "doe.yaml"
    y.write_text(yaml.safe_dump(SMALL))
    j = tmp_path / "doe.json"
    j.write_text(json.dumps(SMALL))
    assert load_doe(y) == load_doe(j) == SMALL
    bad = tmp_path / "doe.txt"
    bad.write_text("x")
    with pytest.raises(ValueError, match="yaml, .yml or .json"):
        load_doe(bad)
    broken = tmp_path / "broken.yaml"
    broken.write_text("devices: [unclosed")
    with pytest.raises(ValueError, match="not valid YAML"):
        load_doe(broken)
    with pytest.raises(FileNotFoundError):
        load_doe(tmp_path / "missing.yaml")


def _args(argv):
    p = argparse.ArgumentParser()
    sub = p.add_subparsers()
    flows_chip.add_parser(sub)
    return p.parse_args(["chip", *argv])


def test_chip_command_writes_every_file(tmp_path, capsys):
    doe = tmp_path / "small.yaml"
    doe.write_text(yaml.safe_dump(SMALL))
    out = tmp_path / "out"
    args = _args(["--out", str(out), "--doe", str(doe)])
    assert args.func(args) == 0
    for name in ("chip.gds", "chip.manifest.json", "chip.h5", "chip.csv", "checks.lyrdb", "chip.png"):
        assert (out / name).stat().st_size > 0, name
    printed = capsys.readouterr().out
    assert "5 devices" in printed and "0 violation" in printed


def test_chip_command_with_an_unknown_doe_key_fails_before_writing(tmp_path):
    doe = tmp_path / "bad.json"
    doe.write_text(json.dumps(_with(SMALL, ("devices", "ring", "sweep"), {"ring.radiuss": [5e-6]})))
    out = tmp_path / "out"
    args = _args(["--out", str(out), "--doe", str(doe)])
    with pytest.raises(ValueError, match="radiuss"):
        args.func(args)
    assert not out.exists()


def test_the_same_chip_can_be_built_twice_in_one_process(tmp_path):
    import klayout.db as kdb

    from layouts.readback import read_chip

    for i in range(2):
        r = write_chip(tmp_path / str(i), SMALL, picture=False)
        ly = kdb.Layout()
        ly.read(str(r.paths["gds"]))
        assert [c.name for c in ly.top_cells()] == ["small_chip"]
        assert r.report.ok and read_chip(r.paths["gds"], r.paths["manifest"]).ok
