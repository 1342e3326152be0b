"""HDF5 results store and Dask sweeps: resume after SIGKILL, identical results across schedulers."""

import json
import os
import pathlib
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

from links.store import SCHEMA, Store, StoreError
from links.sweep import Distribution, SweepSpec, load_sweep_file, run_sweep

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # the workloads module, for this process and (inherited) Dask workers


def test_store_schema_units_and_provenance(tmp_path):
    spec = SweepSpec(function="sweep_workloads:quadratic", grid={"x": [1.0, 2.0, 3.0]}, units={"x": "m", "y": "m^2"},
                     name="q")
    data = run_sweep(spec, tmp_path / "s.h5", scheduler="sync", progress=False)
    assert data.n_done == 3 and np.all(data.ok)
    d = data.sorted()
    assert d.results["y"] == pytest.approx([1.0, 4.0, 9.0])
    assert d.results["curve"].shape == (3, 5)
    assert d.units["x"] == "m" and d.units["y"] == "m^2"
    with h5py.File(tmp_path / "s.h5", "r") as f:
        assert f.attrs["schema"] == SCHEMA
        g = f["runs/q"]
        assert g.attrs["seed"] == 0 and g.attrs["software_version"]
        assert json.loads(g.attrs["parameters"])["grid"]["x"] == [1.0, 2.0, 3.0]
        assert g["results/curve"].chunks is not None


def test_failing_point_is_recorded_not_fatal(tmp_path):
    spec = SweepSpec(function="sweep_workloads:fails_on_odd", grid={"x": list(range(6))}, name="f")
    data = run_sweep(spec, tmp_path / "s.h5", scheduler="sync", progress=False).sorted()
    assert data.n_done == 6
    assert list(data.ok) == [True, False] * 3
    assert "RuntimeError: odd point 1" in data.errors[1]
    assert np.isnan(data.results["y"][1]) and data.results["y"][2] == 2.0


def test_rerun_skips_stored_points(tmp_path):
    counter = tmp_path / "count.txt"
    spec = SweepSpec(function="sweep_workloads:counted", grid={"x": list(range(20))},
                     fixed={"counter": str(counter)}, name="c")
    run_sweep(spec, tmp_path / "s.h5", scheduler="sync", progress=False)
    run_sweep(spec, tmp_path / "s.h5", scheduler="sync", progress=False)
    assert len(counter.read_text().split()) == 20


def _run_sweep_process(store, counter, n, delay, kill_at=-1, wait=True):
    script = (
        f"import sys; sys.path.insert(0, {str(HERE)!r})\n"
        "from links.sweep import SweepSpec, run_sweep\n"
        f"spec = SweepSpec(function='sweep_workloads:counted', grid={{'x': list(range({n}))}},\n"
        f"                 fixed={{'counter': {str(counter)!r}, 'delay': {delay!r}}}, name='k')\n"
        f"run_sweep(spec, {str(store)!r}, scheduler='sync', progress=False)\n"
    )
    env = dict(os.environ, SWEEP_TEST_KILL_AT=str(kill_at))
    if wait:
        return subprocess.run([sys.executable, "-c", script], capture_output=True, env=env)
    return subprocess.Popen([sys.executable, "-c", script], env=env)


def test_sigkill_halfway_then_resume_exactly_once(tmp_path):
    # A 500-point sweep killed with SIGKILL halfway, then re-run, ends with exactly
    # 500 points, none computed twice, and the file is readable right after the kill.
    store, counter = tmp_path / "s.h5", tmp_path / "count.txt"
    proc = _run_sweep_process(store, counter, 500, 0.0, kill_at=250)
    assert proc.returncode == -9  # killed by SIGKILL in the middle of point 250
    data = Store(store).read("k")  # readable right after the kill
    assert data.n_done == 250 and sorted(data.index.tolist()) == list(range(250))
    with h5py.File(store, "r", swmr=True) as f:  # and by plain h5py
        assert f["runs/k/done"].shape[0] == 250
    proc = _run_sweep_process(store, counter, 500, 0.0)  # the same sweep, re-run
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    data = Store(store).read("k").sorted()
    assert data.n_done == 500 and data.index.tolist() == list(range(500))
    computed = [int(x) for x in counter.read_text().split()]
    assert len(computed) == 500 and len(set(computed)) == 500  # none computed twice
    assert data.results["y"] == pytest.approx(2.0 * np.arange(500))


def test_external_sigkill_at_random_time(tmp_path):
    store, counter = tmp_path / "s.h5", tmp_path / "count.txt"
    p = _run_sweep_process(store, counter, 300, 0.002, wait=False)
    t0 = time.time()
    while time.time() - t0 < 60:
        time.sleep(0.05)
        if counter.exists() and len(counter.read_text().split()) >= 100:
            break
    p.kill()
    p.wait()
    n_before = Store(store).read("k").n_done  # readable right after the kill
    assert 50 <= n_before < 300
    proc = _run_sweep_process(store, counter, 300, 0.002)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    data = Store(store).read("k")
    assert sorted(data.index.tolist()) == list(range(300))
    computed = [int(x) for x in counter.read_text().split()]
    # at most the one point in flight when killed (its result never reached the store) runs twice
    assert len(computed) - 300 <= 1


def test_local_cluster_equals_sync(tmp_path):
    # Acceptance: a LocalCluster with 2 workers and the synchronous scheduler give identical results
    spec = SweepSpec(function="sweep_workloads:quadratic", grid={"x": [0.5, 1.0, 1.5]},
                     random={"a": Distribution("normal", {"mean": 1.0, "std": 0.1})}, n_samples=4, seed=7, name="mc")
    a = run_sweep(spec, tmp_path / "a.h5", scheduler="sync", progress=False).sorted()
    b = run_sweep(spec, tmp_path / "b.h5", scheduler="local", workers=2, progress=False).sorted()
    assert a.n_done == b.n_done == 12
    for k in ("y", "noisy", "curve"):
        np.testing.assert_array_equal(a.results[k], b.results[k])
    np.testing.assert_array_equal(a.params["a"], b.params["a"])


def test_foreign_and_corrupted_files_are_refused(tmp_path):
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["data"] = np.arange(3)
    before = foreign.read_bytes()
    with pytest.raises(StoreError, match="not an optolink store"):
        Store(foreign)
    spec = SweepSpec(function="sweep_workloads:trivial", grid={"x": [1, 2]}, name="t")
    with pytest.raises(StoreError):
        run_sweep(spec, foreign, scheduler="sync", progress=False)
    assert foreign.read_bytes() == before  # never overwritten
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"this is not hdf5" * 100)
    with pytest.raises(StoreError, match="not a readable HDF5"):
        Store(junk)
    assert junk.read_bytes() == b"this is not hdf5" * 100


def test_changed_definition_is_refused(tmp_path):
    s1 = SweepSpec(function="sweep_workloads:trivial", grid={"x": [1, 2]}, name="t")
    s2 = SweepSpec(function="sweep_workloads:trivial", grid={"x": [1, 2, 3]}, name="t")
    run_sweep(s1, tmp_path / "s.h5", scheduler="sync", progress=False)
    with pytest.raises(StoreError, match="different parameters"):
        run_sweep(s2, tmp_path / "s.h5", scheduler="sync", progress=False)


def test_bad_specs_and_files(tmp_path):
    with pytest.raises(ValueError, match="function"):
        SweepSpec(function="no_colon")
    with pytest.raises(ValueError, match="n_samples"):
        SweepSpec(function="a:b", n_samples=0)
    with pytest.raises(ValueError, match="std"):
        Distribution("normal", {"mean": 0.0, "std": -1.0})
    with pytest.raises(ValueError, match="kind"):
        Distribution("cauchy", {})
    with pytest.raises(ValueError, match="cannot import"):
        run_sweep(SweepSpec(function="nonexistent_module_xyz:f"), tmp_path / "s.h5", scheduler="sync")
    f = tmp_path / "sweep.yaml"
    f.write_text("function: sweep_workloads:trivial\ngrid: {x: [1, 2]}\nbogus: 3\n")
    with pytest.raises(ValueError, match="bogus"):
        load_sweep_file(f, allow_any_function=True)
    f.write_text("function: sweep_workloads:trivial\ngrid: {x: [1, 2]}\n"
                 "random: {y: {kind: uniform, low: 0, high: 1}}\n")
    spec = load_sweep_file(f, allow_any_function=True)
    assert spec.random["y"].kind == "uniform" and spec.points()["y"].shape == (2,)
    assert not os.path.exists(tmp_path / "s.h5") or Store(tmp_path / "s.h5").runs() == []


def test_cli_sweep(tmp_path, capsys):
    from optolink.cli import main

    f = tmp_path / "sweep.yaml"  # the function's module lives beside the sweep file: allowed by default
    (tmp_path / "cli_workload.py").write_text((HERE / "sweep_workloads.py").read_text())
    f.write_text("function: cli_workload:fails_on_odd\ngrid: {x: [0, 1, 2, 3]}\nname: cli\n")
    assert main(["sweep", str(f), "--store", str(tmp_path / "r.h5"), "--scheduler", "sync"]) == 0
    out = capsys.readouterr().out
    assert "4 points" in out and "2 failed" in out and "odd point 1" in out
    assert main(["sweep", str(tmp_path / "missing.yaml"), "--scheduler", "sync"]) == 2
    assert "not found" in capsys.readouterr().err


def test_read_into_xarray(tmp_path):
    xr = pytest.importorskip("xarray")
    spec = SweepSpec(function="sweep_workloads:quadratic", grid={"x": [1.0, 2.0]}, units={"y": "m^2"}, name="xa")
    data = run_sweep(spec, tmp_path / "s.h5", scheduler="sync", progress=False).sorted()
    ds = data.to_xarray()
    assert isinstance(ds, xr.Dataset)
    assert ds["y"].values.tolist() == [1.0, 4.0] and ds["y"].attrs["units"] == "m^2"
    assert ds["curve"].shape == (2, 5) and ds["x"].values.tolist() == [1.0, 2.0]
