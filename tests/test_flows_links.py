"""``optolink simulate`` handler and the link demo section (optolink.flows_links), tested directly (the CLI
wiring is in optolink/cli.py)."""

import argparse
import json

import pytest

from optolink import flows_links


def _parser():
    p = argparse.ArgumentParser(prog="optolink")
    sub = p.add_subparsers(dest="command", required=True)
    flows_links.add_parser(sub)
    return p


def test_parse_osnr():
    assert flows_links.parse_osnr("18:30:1") == [float(x) for x in range(18, 31)]
    assert flows_links.parse_osnr("20:21:0.5") == [20.0, 20.5, 21.0]
    assert flows_links.parse_osnr("18,20, 24") == [18.0, 20.0, 24.0]
    assert flows_links.parse_osnr("22") == [22.0]
    for bad in ("nan", "18:nan:1", "18:30:0", "30:18:1", "a:b", "", "1:2:3:4"):
        with pytest.raises(ValueError, match="--osnr"):
            flows_links.parse_osnr(bad)


def test_simulate_command_prints_table_and_writes_files(tmp_path, capsys):
    args = _parser().parse_args(["simulate", "400ZR", "--osnr", "19:23:2", "--symbols", "4096",
                                 "--out", str(tmp_path)])
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    assert "OSNR (dB/0.1nm)" in printed and "pre-FEC 0.0122" in printed and "required OSNR" in printed
    data = json.loads((tmp_path / "simulate_400zr.json").read_text())
    assert data["osnr_db"] == [19.0, 21.0, 23.0] and len(data["ber"]) == 3
    assert data["osnr_reference_bandwidth_hz"] == 12.5e9
    assert (tmp_path / "simulate_400zr.png").stat().st_size > 1000
    assert not list(tmp_path.glob("*.tmp"))


def test_simulate_command_bad_input(tmp_path):
    p = _parser()
    for argv, match in ((["simulate", "1.6T", "--osnr", "20"], "unknown standard"),
                        (["simulate", "400ZR", "--osnr", "nan"], "--osnr"),
                        (["simulate", "400ZR", "--osnr", "20", "--symbols", "10"], "--symbols")):
        args = p.parse_args([*argv, "--out", str(tmp_path)])
        with pytest.raises(ValueError, match=match):
            args.func(args)
    assert not list(tmp_path.iterdir())  # nothing written on bad input


def test_demo_section(tmp_path):
    summary = flows_links.demo_section(tmp_path)
    for key in ("400zr_required_osnr_db", "800zr_required_osnr_db", "400zr_penalty_db"):
        assert key in summary
    assert 0.0 < summary["400zr_penalty_db"] < 1.5
    for name in ("link_400zr.json", "link_800zr.json", "link_ber_vs_osnr.png", "link_constellation.png"):
        assert (tmp_path / name).stat().st_size > 500
    json.dumps(summary)


def test_chip_flags_need_a_chip(tmp_path):
    p = _parser()
    for argv, match in ((["--modulator", "mzm_00"], "--modulator needs --chip"),
                        (["--driver-swing-v", "3"], "--driver-swing-v needs --chip"),
                        (["--store", str(tmp_path / "s.h5")], "--store caches chip simulations")):
        args = p.parse_args(["simulate", "400ZR", "--osnr", "20", *argv, "--out", str(tmp_path)])
        with pytest.raises(ValueError, match=match):
            args.func(args)
    with pytest.raises(SystemExit):  # a laser of the chip or a stated power, not both
        p.parse_args(["simulate", "400ZR", "--laser", "l", "--laser-power-dbm", "15"])
    assert not list(tmp_path.iterdir())


def test_driver_from_the_flags():
    from photonics.drivers import Driver

    args = _parser().parse_args(["simulate", "400ZR", "--driver-swing-v", "3", "--driver-bandwidth-ghz", "60",
                                 "--driver-single-ended"])
    d = flows_links.driver_from_args(args)
    assert d == Driver(swing_v=3.0, bandwidth=60e9, differential=False)
    assert flows_links.driver_from_args(_parser().parse_args(["simulate", "400ZR"])) is None
