"""``optolink budget`` (optolink.flows_budget): handler and demo section, driven through its own parser."""

import argparse
import json

import pytest

from optolink import flows_budget


def _run(argv):
    parser = argparse.ArgumentParser(prog="optolink")
    sub = parser.add_subparsers(dest="command", required=True)
    flows_budget.add_parser(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def test_budget_from_a_standard_writes_the_requested_formats(tmp_path, capsys):
    assert _run(["budget", "400ZR", "--spans", "1", "--span-km", "120", "--out", str(tmp_path),
                 "--format", "md,json"]) == 0
    printed = capsys.readouterr().out
    assert "400ZR, 1 × 120 km: PASS" in printed and "dB/12.5 GHz" in printed
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["400zr-1x120km.json", "400zr-1x120km.md", "budget-report.schema.json"]
    data = json.loads((tmp_path / "400zr-1x120km.json").read_text())
    assert data["figures"]["link_length"]["value"] == 120e3


def test_budget_from_a_file_and_a_preset(tmp_path, capsys):
    from links.linkfile import preset

    (tmp_path / "metro.json").write_text(json.dumps(preset("OpenZR+-metro-6x80km")))
    assert _run(["budget", str(tmp_path / "metro.json")]) == 0
    assert "OpenZR+ 400G metro" in capsys.readouterr().out
    assert not any(p.suffix == ".html" for p in tmp_path.iterdir())  # no --out: nothing written
    assert _run(["budget", "800ZR-DCI-120km", "--out", str(tmp_path / "r")]) == 0
    assert (tmp_path / "r" / "800zr-dci-120km.html").stat().st_size > 10_000


def test_strict_exit_status_on_fail(capsys):
    assert _run(["budget", "400ZR", "--spans", "12", "--span-km", "100", "--strict"]) == 1
    assert ": FAIL" in capsys.readouterr().out
    assert _run(["budget", "400ZR", "--spans", "12", "--span-km", "100"]) == 0


@pytest.mark.parametrize("argv,match", [
    (["budget", "1.6ZR"], "neither a link file"),
    (["budget", "400ZR", "--format", "html"], "--format needs --out"),
    (["budget", "400ZR", "--spans", "0"], "--spans must be an integer"),
    (["budget", "400ZR", "--launch-dbm", "loud"], "--launch-dbm must be a number"),
    (["budget", "OpenZR+-metro-6x80km", "--spans", "2"], "--spans applies to a standard"),
    (["budget", "400ZR", "--out", "x", "--format", "pdf"], "html,md,json"),
])
def test_bad_input_is_a_value_error(argv, match, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=match):
        _run(argv)
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_missing_link_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        _run(["budget", str(tmp_path / "nope.yaml")])


def test_demo_section(tmp_path, capsys):
    summary = flows_budget.demo_section(tmp_path)
    assert set(summary) == {"400ZR-DCI-120km", "OpenZR+-metro-6x80km", "800ZR-DCI-120km"}
    for name, s in summary.items():
        assert s["verdict"] == "PASS", name
        for f in s["files"]:
            assert (tmp_path / "budgets" / f.split("/")[-1]).exists()
    assert len(list((tmp_path / "budgets").glob("*.html"))) == 3
    assert not list((tmp_path / "budgets").glob(".*"))  # no staging folders left
    assert "OpenZR+ 400G metro, 6 × 80 km: PASS" in capsys.readouterr().out


def test_through_cli_main(monkeypatch, capsys):
    # the wiring of optolink/cli.py (COMMAND_MODULES), simulated here: bad input exits 2 with a clean message
    from optolink import cli

    monkeypatch.setattr(cli, "COMMAND_MODULES", ["flows_budget"])
    assert cli.main(["budget", "1.6ZR"]) == 2
    assert "optolink budget: error:" in capsys.readouterr().err
    assert cli.main(["budget", "400ZR", "--spans", "1", "--span-km", "120"]) == 0
    assert "PASS" in capsys.readouterr().out
