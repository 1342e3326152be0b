"""Sweep files: every field typed, distributions feasible, a point cap, names checked, sweep files treated
as code (a function allow-list), Ctrl-C stopping cleanly and resumable."""

import os
import pathlib
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from links.store import Store
from links.sweep import (
    MAX_POINTS,
    Distribution,
    FunctionNotAllowed,
    SweepInterrupted,
    SweepSpec,
    check_function_allowed,
    load_sweep_file,
    run_sweep,
)
from optolink.cli import main

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ROOT = HERE.parent


def _file(tmp_path, text, name="sweep.yaml"):
    f = tmp_path / name
    f.write_text(text)
    return f


@pytest.mark.parametrize("field, value, match", [
    ("n_samples", 2.9, "n_samples must be an integer"),
    ("n_samples", True, "n_samples must be an integer"),
    ("n_samples", "3", "n_samples must be an integer"),
    ("n_samples", 0, "n_samples must be >= 1"),
    ("seed", 1.5, "seed must be an integer"),
    ("seed", -1, "seed must be >= 0"),
    ("name", 7, "name must be"),
    ("name", ".hidden", "name must be"),
    ("grid", [1, 2], "grid must be a mapping"),
    ("fixed", "x=1", "fixed must be a mapping"),
])
def test_every_field_is_typed(field, value, match):
    d = {"function": "sweep_workloads:trivial", "grid": {"x": [1, 2]}, field: value}
    with pytest.raises((TypeError, ValueError), match=match):
        SweepSpec.from_dict(d)


def test_yaml_scientific_notation_reaches_the_function_as_a_float(tmp_path):
    f = _file(tmp_path, "function: sweep_workloads:trivial\ngrid: {x: [1e-9, 2.5E3]}\nn_samples: 1\n")
    spec = load_sweep_file(f, allow_any_function=True)
    assert spec.grid["x"] == [1e-9, 2.5e3] and all(isinstance(v, float) for v in spec.grid["x"])
    with pytest.raises(TypeError, match="n_samples must be an integer; got float"):
        load_sweep_file(_file(tmp_path, "function: a:b\nn_samples: 1e11\n"), allow_any_function=True)


@pytest.mark.parametrize("kind, params, match", [
    ("truncnormal", {"mean": 0.0, "std": 1.0, "low": 10.0, "high": 11.0}, "only .* lies inside"),
    ("truncnormal", {"mean": 5.0, "std": 0.0, "low": 0.0, "high": 1.0}, "std must be > 0"),
    ("normal", {"mean": 0.0, "std": -1e-3}, "std must be > 0"),
    ("lognormal", {"mean": 0.0, "sigma": -1.0}, "sigma must be > 0"),
    ("lognormal", {"mean": 800.0, "sigma": 1.0}, "exp overflows"),
    ("uniform", {"low": -1e308, "high": 1e308}, "overflows"),
    ("uniform", {"low": 0.0, "high": float("inf")}, "finite"),
    ("uniform", {"low": 1.0, "high": 1.0}, "low must be < high"),
    ("normal", {"mean": 0.0, "std": 1e308}, "overflows"),
    ("normal", {"mean": True, "std": 1.0}, "finite number"),
])
def test_infeasible_distributions_are_refused_at_once(kind, params, match):
    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=match):
        Distribution(kind, params)
    assert time.perf_counter() - t0 < 0.5  # refused, never a rejection loop


def test_truncnormal_samples_stay_in_bounds_with_the_right_mean():
    # mean of a normal truncated to [mu, mu + 3 sigma]: mu + sigma·phi(0)-phi(3) / (Phi(3)-Phi(0))
    # (Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions vol. 1, eq. 13.134)
    d = Distribution("truncnormal", {"mean": 1.0, "std": 0.5, "low": 1.0, "high": 2.5})
    x = d.sample(np.random.default_rng(3), 200_000)
    assert x.min() >= 1.0 and x.max() <= 2.5
    phi = lambda z: np.exp(-z * z / 2) / np.sqrt(2 * np.pi)  # noqa: E731
    expected = 1.0 + 0.5 * (phi(0.0) - phi(3.0)) / (d.truncated_mass())
    assert x.mean() == pytest.approx(expected, abs=3e-3)


def test_point_cap_and_names():
    with pytest.raises(ValueError, match=f"at most {MAX_POINTS:,}"):
        SweepSpec(function="a:b", grid={"x": list(range(1000))}, n_samples=100_000_000_000)
    for bad in ("a/b", "", "two words", "1x"):
        with pytest.raises(ValueError, match="identifier"):
            SweepSpec(function="a:b", grid={bad: [1, 2]})
    with pytest.raises(ValueError, match="mixes"):
        SweepSpec(function="a:b", grid={"x": [1, "a"]})
    for fn in ("a", "a:", ":b", "a:b:c"):
        with pytest.raises(ValueError, match="function"):
            SweepSpec(function=fn)


def test_grid_of_mappings_is_refused_before_any_run_is_created(tmp_path):
    store = tmp_path / "s.h5"
    f = _file(tmp_path, "function: sweep_workloads:trivial\ngrid: {x: [{a: 1}, {a: 2}]}\nname: m\n")
    assert main(["sweep", str(f), "--store", str(store), "--scheduler", "sync", "--allow-any-function"]) == 2
    assert not store.exists()
    ok = _file(tmp_path, "function: sweep_workloads:trivial\ngrid: {x: [1, 2]}\nname: m\n", "ok.yaml")
    assert main(["sweep", str(ok), "--store", str(store), "--scheduler", "sync", "--allow-any-function"]) == 0
    assert Store(store).read("m").n_done == 2  # the name was never taken by a half-made run


def test_standard_library_and_builtins_are_refused_by_default(tmp_path, capsys):
    marker = tmp_path / "ran"
    f = _file(tmp_path, f"function: os:system\nfixed: {{command: 'touch {marker}'}}\nname: s\n")
    store = tmp_path / "s.h5"
    assert main(["sweep", str(f), "--store", str(store), "--scheduler", "sync"]) == 2
    err = capsys.readouterr().err
    assert "standard library" in err and "--allow-any-function" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not marker.exists() and not store.exists()
    for fn in ("builtins:eval", "subprocess:run", "numpy:save", "links.linkfile:load_link"):
        with pytest.raises(FunctionNotAllowed):
            check_function_allowed(fn, [tmp_path])
    # opted in: it runs (the sweep records the function's result as a failed point, not a dict)
    assert main(["sweep", str(f), "--store", str(store), "--scheduler", "sync", "--allow-any-function"]) == 0
    assert marker.exists()


def test_entry_points_and_the_users_own_modules_are_allowed(tmp_path, monkeypatch):
    check_function_allowed("links.yields:die_margin", [tmp_path])
    sub = tmp_path / "project"
    sub.mkdir()
    (sub / "my_model_xyz.py").write_text("def f(x):\n    return {'y': 2 * x}\n")
    f = _file(sub, "function: my_model_xyz:f\ngrid: {x: [1.0, 2.0]}\nname: own\n")
    monkeypatch.chdir(tmp_path)  # the module is beside the sweep file, not in the working directory
    assert main(["sweep", str(f), "--store", str(tmp_path / "s.h5"), "--scheduler", "sync"]) == 0
    assert Store(tmp_path / "s.h5").read("own").sorted().results["y"].tolist() == [2.0, 4.0]


def test_keyboard_interrupt_stops_cleanly_and_resumes(tmp_path):
    # a first Ctrl-C lets the point being computed finish (it is stored), then stops
    spec = SweepSpec(function="fault_workloads:interrupt_at", grid={"x": list(range(10))}, fixed={"at": 4}, name="i")
    with pytest.raises(SweepInterrupted, match=r"interrupted after 5 points \(5 of 10 stored.*re-run to resume"):
        run_sweep(spec, tmp_path / "s.h5", scheduler="sync", progress=False)
    assert Store(tmp_path / "s.h5").read("i").n_done == 5
    # a second Ctrl-C stops at once: the point in progress is lost, every finished one is kept
    twice = SweepSpec(function="fault_workloads:interrupt_at", grid={"x": list(range(10))},
                      fixed={"at": 4, "times": 2}, name="i3")
    with pytest.raises(SweepInterrupted, match=r"interrupted after 4 points"):
        run_sweep(twice, tmp_path / "s.h5", scheduler="sync", progress=False)
    assert Store(tmp_path / "s.h5").read("i3").n_done == 4
    spec2 = SweepSpec(function="fault_workloads:interrupt_at", grid={"x": list(range(10))}, fixed={"at": -1},
                      name="i2")
    assert run_sweep(spec2, tmp_path / "s.h5", scheduler="sync", progress=False).n_done == 10


def test_ctrl_c_on_the_command_line_exits_130(tmp_path):
    (tmp_path / "slow_model.py").write_text("import time\ndef f(x):\n    time.sleep(0.05)\n    return {'y': x}\n")
    xs = ", ".join(map(str, range(400)))
    f = _file(tmp_path, f"function: slow_model:f\ngrid: {{x: [{xs}]}}\nname: c\n")
    cmd = [sys.executable, "-c", "import sys; from optolink.cli import main; sys.exit(main(sys.argv[1:]))",
           "sweep", str(f), "--store", str(tmp_path / "s.h5"), "--scheduler", "sync"]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    t0 = time.monotonic()
    while time.monotonic() - t0 < 60:
        if (tmp_path / "s.h5").exists() and "c" in Store(tmp_path / "s.h5").runs() and \
                Store(tmp_path / "s.h5").read("c").n_done >= 3:
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    err = err.decode()
    assert proc.returncode == 130, err
    assert "interrupted after" in err and "re-run to resume" in err and "Traceback" not in err
    n = Store(tmp_path / "s.h5").read("c").n_done
    assert 3 <= n < 400
