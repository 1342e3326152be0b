"""``optolink imdd`` (optolink.flows_imdd): a PAM4 lane from a chip manifest's ring or MZM, or the defaults."""

import argparse
import json

import numpy as np
import pytest

from optolink import flows_imdd
from photonics.devices import KINDS, parameters
from photonics.manifest import build, write_manifest
from photonics.modulators import MachZehnderModulator
from photonics.rings import RingModulator


def _args(*argv):
    p = argparse.ArgumentParser()
    flows_imdd.add_parser(p.add_subparsers())
    return p.parse_args(["imdd", *argv])


def _entry(name, kind, objects):
    assert set(objects) == set(KINDS[kind].args)
    return {"name": name, "cell": name, "kind": kind, "position_um": [0.0, 0.0], "ports": [],
            "parameters": parameters(kind, objects), "performance": {}}


@pytest.fixture(scope="module")
def chip(tmp_path_factory):
    path = tmp_path_factory.mktemp("chip") / "chip.manifest.json"
    ring_arg = next(iter(KINDS["ring"].args))
    mzm_arg = next(iter(KINDS["mzm"].args))
    devices = [_entry("ring_wide_gap", "ring", {ring_arg: RingModulator(gap=300e-9)}),
               _entry("mzm_2mm", "mzm", {mzm_arg: MachZehnderModulator(length=2e-3)})]
    write_manifest(path, build({"name": "t", "top_cell": "t", "die_um": [1.0, 1.0]}, devices))
    return path


def test_default_mzm_lane_writes_json_and_eye(tmp_path, capsys):
    code = flows_imdd.run(_args("800G-DR8", "--pattern", "PRBS13Q", "--out", str(tmp_path)))
    data = json.loads((tmp_path / "imdd.json").read_text())
    assert code == (0 if data["verdict"] == "PASS" else 1)
    # TDECQ ≥ 0 by its definition (added noise to reach the target SER is at most the ideal eye's); the eye
    # diagram spans the PAM4 levels the lane reports (its OMA outer, from the same waveform)
    assert data["tdecq_db"] >= 0 and data["tecq_db"] >= 0
    eye = np.asarray(data["eye"]["counts"])
    assert eye.shape == (len(data["eye"]["power_w"]), len(data["eye"]["time_ui"])) and eye.sum() > 0
    span_mw = (data["eye"]["power_w"][-1] - data["eye"]["power_w"][0]) * 1e3
    assert span_mw >= 10 ** (data["oma_outer_dbm"] / 10) * 0.9
    assert (tmp_path / "eye.png").stat().st_size > 5000
    assert "verdict" in capsys.readouterr().out


def test_a_ring_from_the_manifest_drives_the_lane(chip, tmp_path):
    flows_imdd.run(_args("800G-DR8", "--chip", str(chip), "--modulator", "ring_wide_gap", "--pattern", "PRBS13Q",
                         "--out", str(tmp_path)))
    ring = json.loads((tmp_path / "imdd.json").read_text())
    flows_imdd.run(_args("800G-DR8", "--kind", "ring", "--pattern", "PRBS13Q", "--out", str(tmp_path / "default")))
    default_ring = json.loads((tmp_path / "default" / "imdd.json").read_text())
    # a 300 nm gap ring has a higher loaded Q than the default 250 nm one, hence less bandwidth: more ISI
    assert RingModulator(gap=300e-9).q_loaded() > RingModulator().q_loaded()
    assert ring["tecq_db"] > default_ring["tecq_db"]
    # both moved to the DR8 lane's 1311 nm (their manifest/default design is C-band)
    assert ring["wavelength_m"] == default_ring["wavelength_m"] == pytest.approx(1311e-9)


@pytest.mark.parametrize("argv, match", [
    (["800G-DR8", "--modulator", "ring_wide_gap"], "give --chip"),
    (["800G-XR99"], "IM-DD standard must be one of"),
    (["800G-DR8", "--length-m", "-5"], "--length-m"),
    (["800G-DR8", "--wavelength-nm", "850"], "--wavelength-nm"),
])
def test_bad_input_is_refused_before_any_work(argv, match):
    with pytest.raises(ValueError, match=match):
        flows_imdd.run(_args(*argv))


def test_unknown_or_missing_device_lists_the_candidates(chip):
    with pytest.raises(ValueError, match="ring_wide_gap"):
        flows_imdd.run(_args("800G-DR8", "--chip", str(chip), "--modulator", "nope"))
    with pytest.raises(ValueError, match="candidates"):
        flows_imdd.run(_args("800G-DR8", "--chip", str(chip)))
