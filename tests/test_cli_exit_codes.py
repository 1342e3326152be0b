"""The command line's exit codes: 0 success/PASS, 1 FAIL, 2 bad input or environment (one line, no traceback,
naming the path), 130 interrupted; output paths checked before any work; --debug shows the traceback."""

import os
import time

import pytest

from optolink import cli
from optolink.cli import main


def _sweep_file(tmp_path, body="return {'y': x}"):
    (tmp_path / "exit_model.py").write_text(f"def f(x):\n    {body}\n")
    f = tmp_path / "s.yaml"
    f.write_text("function: exit_model:f\ngrid: {x: [1, 2]}\nname: e\n")
    return f


def _one_line(err: str, *needles):
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for n in needles:
        assert n in err, err


def test_success_is_0_and_bad_input_is_2(tmp_path, capsys):
    f = _sweep_file(tmp_path)
    assert main(["sweep", str(f), "--store", str(tmp_path / "r.h5"), "--scheduler", "sync"]) == 0
    capsys.readouterr()
    assert main(["sweep", str(tmp_path / "nope.yaml"), "--scheduler", "sync"]) == 2
    _one_line(capsys.readouterr().err, "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("function: exit_model:f\ngrid: {x: [1, 2]}\nn_samples: 2.9\n")
    assert main(["sweep", str(bad), "--store", str(tmp_path / "r.h5"), "--scheduler", "sync"]) == 2
    _one_line(capsys.readouterr().err, "n_samples")


def test_fail_verdict_is_1(capsys):
    # twelve 100 km spans cannot carry 400ZR (the flows_budget tests show the FAIL verdict)
    assert main(["budget", "400ZR", "--spans", "12", "--span-km", "100", "--strict"]) == 1
    assert ": FAIL" in capsys.readouterr().out


def test_out_pointing_at_a_file_is_refused_before_any_work(tmp_path, capsys):
    target = tmp_path / "afile"
    target.write_text("x")
    t0 = time.perf_counter()
    assert main(["budget", "400ZR", "--out", str(target)]) == 2
    assert time.perf_counter() - t0 < 2.0
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing computed or printed
    _one_line(captured.err, str(target), "not a directory")
    assert main(["budget", "400ZR", "--out", str(target / "sub")]) == 2
    _one_line(capsys.readouterr().err, "is a file")


def test_read_only_directory_is_refused_before_any_work(tmp_path, capsys):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        assert main(["budget", "400ZR", "--out", str(ro / "reports")]) == 2
        _one_line(capsys.readouterr().err, str(ro), "read-only")
        f = _sweep_file(tmp_path)
        assert main(["sweep", str(f), "--store", str(ro / "r.h5"), "--scheduler", "sync"]) == 2
        _one_line(capsys.readouterr().err, "--store", "read-only")
        assert os.listdir(ro) == []
    finally:
        ro.chmod(0o755)


def test_chip_h5_being_a_directory_is_refused_before_the_chip_is_built(tmp_path, capsys):
    out = tmp_path / "chip"
    (out / "chip.h5").mkdir(parents=True)
    t0 = time.perf_counter()
    assert main(["chip", "--out", str(out), "--no-picture"]) == 2
    assert time.perf_counter() - t0 < 2.0  # refused before the build (which takes seconds)
    _one_line(capsys.readouterr().err, "chip.h5", "is a directory")
    assert sorted(os.listdir(out)) == ["chip.h5"]


def test_the_files_chip_writes_are_the_ones_checked():
    pytest.importorskip("gdsfactory")
    from layouts.manifest import FILES

    assert set(FILES.values()) == set(cli.FILES_IN_OUT["chip"])


def test_store_being_a_directory_is_2(tmp_path, capsys):
    (tmp_path / "r.h5").mkdir()
    f = _sweep_file(tmp_path)
    assert main(["sweep", str(f), "--store", str(tmp_path / "r.h5"), "--scheduler", "sync"]) == 2
    _one_line(capsys.readouterr().err, "r.h5", "is a directory")


def test_interrupt_is_130_and_internal_error_is_70(tmp_path, capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    def buggy(args):
        raise ZeroDivisionError("division by zero")

    parser = cli._parser

    def patched(func):
        def make():
            p = parser()
            for action in p._subparsers._group_actions:
                action.choices["devices"].set_defaults(func=func)
            return p
        return make

    monkeypatch.setattr(cli, "_parser", patched(interrupted))
    assert main(["devices"]) == 130
    _one_line(capsys.readouterr().err, "interrupted")
    monkeypatch.setattr(cli, "_parser", patched(buggy))
    assert main(["devices"]) == 70
    _one_line(capsys.readouterr().err, "internal error", "ZeroDivisionError", "--debug")


def test_debug_shows_the_traceback(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "nope.yaml"), "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "nope.yaml" in err
    assert main(["--debug", "sweep", str(tmp_path / "nope.yaml")]) == 2
    assert "Traceback" in capsys.readouterr().err
