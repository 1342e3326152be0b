"""The command line: `optolink demo` writes its results; `optolink devices` prints the table."""

import json

from optolink.cli import main


def test_demo_writes_devices_json_and_plots(tmp_path, capsys):
    assert main(["demo", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "vpi_l" in printed and "eo_bandwidth" in printed
    data = json.loads((tmp_path / "devices.json").read_text())
    devices = data["devices"]
    assert {"phase_shifter", "mzm_tw_3mm", "photodiode"} <= set(devices)
    mzm = devices["mzm_tw_3mm"]
    assert mzm["performance"]["eo_bandwidth_hz"] >= 30e9
    assert mzm["parameters"]["length"] == 3e-3
    assert (tmp_path / "mzm.png").stat().st_size > 1000
    assert not list(tmp_path.glob("*.tmp"))  # atomic writes leave no temporaries


def test_devices_json(capsys):
    assert main(["devices", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert 1.5 <= data["phase_shifter"]["performance"]["vpi_l_v_cm"] <= 3.0
