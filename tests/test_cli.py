"""The command line: `optolink demo` writes its results; `optolink devices` prints the table."""

import json

from optolink.cli import main
from optolink.flows import DEMO_SECTIONS


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
    # every section ran (the independent ones in a side process) and its summary reached summary.json
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(DEMO_SECTIONS) <= set(summary)
    for name in ("report.html", "network/network.html", "link_ber_vs_osnr.png", "chain.json", "imdd/eye_ring.png",
                 "imdd/imdd_demo.json", "solvers/solver_mode_profile.png"):
        assert (tmp_path / name).stat().st_size > 1000, name
    # the side process's sections are printed whole, each with its timing line
    for name in DEMO_SECTIONS:
        assert f"== {name} ==" in printed and f"({name}: " in printed


def test_devices_json(capsys):
    assert main(["devices", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert 1.5 <= data["phase_shifter"]["performance"]["vpi_l_v_cm"] <= 3.0
