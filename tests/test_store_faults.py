"""The results store under faults: two writers, readers during a sweep, truncated copies, dead writers,
read-only files, failed run creations and retried points — nothing stored is ever lost or changed."""

import json
import os
import pathlib
import stat
import subprocess
import sys
import time

import h5py
import numpy as np
import pytest

from links.store import Store, StoreError
from links.storefile import StoreInUseError, StoreLock, committed_size, lock_path, superblock
from links.sweep import SweepSpec, run_sweep

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

_SWEEP = (
    "import sys, json; sys.path.insert(0, {here!r})\n"
    "from links.sweep import SweepSpec, run_sweep\n"
    "spec = SweepSpec(function='fault_workloads:slow', grid={{'x': list(range({n}))}}, fixed={{'delay': {delay}}},"
    " name={name!r})\n"
    "try:\n"
    "    d = run_sweep(spec, {store!r}, scheduler='sync', progress=False, lock_timeout={timeout})\n"
    "    print(json.dumps({{'ok': True, 'n': d.n_done}}))\n"
    "except OSError as e:\n"
    "    print(json.dumps({{'ok': False, 'error': str(e)}}))\n"
)


def _writer(store, name, n=40, delay=0.01, timeout=0.0, kill_at=None):
    code = _SWEEP.format(here=str(HERE), n=n, delay=delay, name=name, store=str(store), timeout=timeout)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _outcome(proc):
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()[-2000:]
    return json.loads(out.decode().strip().splitlines()[-1])


def _wait_for_points(store, run, k, limit=30.0):
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        try:
            if run in Store(store).runs() and Store(store).read(run).n_done >= k:
                return
        except (StoreError, OSError):
            pass
        time.sleep(0.02)
    raise AssertionError(f"the writer never reached {k} points")


@pytest.mark.parametrize("timeout", [0.0, 60.0])
def test_two_concurrent_writers_never_lose_a_point(tmp_path, timeout):
    store = tmp_path / "s.h5"
    Store(store)
    a = _writer(store, "a", delay=0.1, timeout=timeout)  # 4 s: b starts while a writes
    _wait_for_points(store, "a", 3)  # a holds the lock now
    inode = store.stat().st_ino
    b = _writer(store, "b", timeout=timeout)
    ra, rb = _outcome(a), _outcome(b)
    assert ra == {"ok": True, "n": 40}
    if timeout == 0.0:  # the second writer refuses at once, naming the first
        assert not rb["ok"] and f"in use by PID {a.pid}" in rb["error"]
        assert Store(store).runs() == ["a"]
    else:  # the second waits for the first, then completes
        assert rb == {"ok": True, "n": 40}
    for run in Store(store).runs():
        d = Store(store).read(run).sorted()
        assert d.index.tolist() == list(range(40)) and np.all(d.ok)
        assert d.results["y"] == pytest.approx(3.0 * np.arange(40))
    assert store.stat().st_ino == inode  # never replaced under a live writer


def test_same_sweep_twice_at_once_stores_each_point_once(tmp_path):
    store = tmp_path / "s.h5"
    procs = [_writer(store, "same", n=30, timeout=60.0) for _ in range(2)]
    assert [_outcome(p) for p in procs] == [{"ok": True, "n": 30}] * 2
    d = Store(store).read("same")
    assert sorted(d.index.tolist()) == list(range(30))  # no duplicate rows


def test_readers_during_a_sweep_change_nothing(tmp_path):
    store = tmp_path / "s.h5"
    Store(store)
    w = _writer(store, "r", n=60, delay=0.01)
    _wait_for_points(store, "r", 2)
    inode = store.stat().st_ino
    # a notebook-style reader holding the file open in another process, plus repeated reads from this one
    nb = subprocess.Popen([sys.executable, "-c", f"import h5py, time; f = h5py.File({str(store)!r}, 'r', swmr=True);"
                           " print(f['runs/r/done'].shape[0], flush=True); time.sleep(2)"], stdout=subprocess.PIPE)
    seen = []
    while w.poll() is None:
        seen.append(Store(store).read("r").n_done)
        time.sleep(0.01)
    assert _outcome(w) == {"ok": True, "n": 60}
    nb.wait(timeout=30)
    assert int(nb.stdout.read().split()[0]) >= 2
    assert seen == sorted(seen) and len(seen) > 3  # readers saw the points arrive, in order
    d = Store(store).read("r").sorted()
    assert d.index.tolist() == list(range(60)) and store.stat().st_ino == inode


def test_a_program_holding_the_file_open_is_refused_clearly_not_replaced(tmp_path):
    store = tmp_path / "s.h5"
    run_sweep(SweepSpec(function="fault_workloads:slow", grid={"x": [1, 2]}, fixed={"delay": 0.0}, name="a"),
              store, scheduler="sync", progress=False)
    before = store.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", f"import h5py, time; f = h5py.File({str(store)!r}, 'r');"
                               " print('open', flush=True); time.sleep(30)"], stdout=subprocess.PIPE)
    try:
        holder.stdout.readline()
        spec = SweepSpec(function="fault_workloads:slow", grid={"x": [3]}, fixed={"delay": 0.0}, name="b")
        with pytest.raises(StoreInUseError, match="held open by another program"):
            run_sweep(spec, store, scheduler="sync", progress=False)
    finally:
        holder.kill()
        holder.wait()
    assert store.read_bytes() == before


def _truncation_opens(paths):
    """Open each path with Store in a fresh process; (elapsed s, error text) per path."""
    code = ("import json, sys, time\nfrom links.store import Store\nout = []\n"
            f"for p in {[str(p) for p in paths]!r}:\n"
            "    t0 = time.perf_counter()\n"
            "    try:\n        Store(p).read(Store(p).runs()[0]); err = None\n"
            "    except Exception as e:\n        err = type(e).__name__ + ': ' + str(e)\n"
            "    out.append((time.perf_counter() - t0, err))\n"
            "print(json.dumps(out))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, cwd=HERE.parent)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    return json.loads(proc.stdout.decode())


def _make_store(tmp_path, killed: bool) -> pathlib.Path:
    store = tmp_path / ("killed.h5" if killed else "closed.h5")
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r})\nfrom links.sweep import SweepSpec, run_sweep\n"
            "spec = SweepSpec(function='sweep_workloads:counted', grid={'x': list(range(200))},"
            f" fixed={{'counter': {str(tmp_path / 'count.txt')!r}}}, name='t')\n"
            f"run_sweep(spec, {str(store)!r}, scheduler='sync', progress=False)\n")
    env = dict(os.environ, SWEEP_TEST_KILL_AT="150" if killed else "-1")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=120)
    assert proc.returncode == (-9 if killed else 0), proc.stderr.decode()[-2000:]
    return store


@pytest.mark.parametrize("killed", [False, True], ids=["closed", "writer-killed"])
def test_truncated_store_is_refused_within_a_second(tmp_path, killed):
    store = _make_store(tmp_path, killed)
    size = store.stat().st_size
    sb = superblock(store)
    assert (sb["flags"] != 0) == killed
    if killed:  # the writer recorded the size after its last append in the user block
        assert committed_size(store) == size
    cuts = sorted({int(c) for c in np.linspace(1, size - 1, 10)})
    assert len(cuts) == 10
    paths = []
    for c in cuts:
        p = tmp_path / f"cut{c}.h5"
        p.write_bytes(store.read_bytes()[:c])
        paths.append(p)
    results = _truncation_opens(paths)
    for c, (elapsed, err) in zip(cuts, results, strict=True):
        assert elapsed < 1.0, f"open of the copy cut at {c} took {elapsed:.2f} s"
        assert err is not None and err.startswith("StoreError"), (c, err)
        assert "is truncated:" in err or "not a readable HDF5" in err, (c, err)
    assert f"is truncated: {cuts[-1]} bytes" in results[-1][1]  # the cut near the end names the sizes


def test_repair_only_when_the_writer_is_proven_dead(tmp_path):
    store = _make_store(tmp_path, killed=True)
    record = json.loads(lock_path(store).read_text())  # left behind by the killed writer
    before = store.read_bytes()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:  # the same record naming a live process: not proven dead → refused, untouched
        lock_path(store).write_text(json.dumps(dict(record, pid=sleeper.pid)))
        with pytest.raises(StoreError, match="cannot be proven dead"):
            Store(store).repair()
        lock_path(store).write_text(json.dumps(dict(record, host="another-host")))
        with pytest.raises(StoreError, match="cannot be proven dead"):
            Store(store).repair()
        lock_path(store).write_text("")  # no record at all
        with pytest.raises(StoreError, match="no lock record"):
            Store(store).repair()
        assert store.read_bytes() == before
        # a reader never repairs, and reads the 150 points
        assert Store(store).read("t").n_done == 150 and store.read_bytes() == before
    finally:
        sleeper.kill()
        sleeper.wait()
    lock_path(store).write_text(json.dumps(record))  # the dead writer's own record: repaired
    mode = stat.S_IMODE(store.stat().st_mode)
    assert Store(store).repair() is True
    assert superblock(store)["flags"] == 0 and stat.S_IMODE(store.stat().st_mode) == mode
    assert sorted(Store(store).read("t").index.tolist()) == list(range(150))
    assert Store(store).repair() is False  # nothing left to repair


def test_lock_refuses_a_second_holder_in_the_same_process(tmp_path):
    store = tmp_path / "s.h5"
    Store(store)
    with StoreLock(store):
        with pytest.raises(StoreInUseError, match=f"in use by PID {os.getpid()}"):
            StoreLock(store).acquire()
        t0 = time.monotonic()
        with pytest.raises(StoreInUseError, match="after waiting 0.3 s"):
            StoreLock(store, timeout=0.3).acquire()
        assert 0.25 < time.monotonic() - t0 < 2.0
    with StoreLock(store) as lk:  # released cleanly: no record left to suspect
        assert lk.previous is None


def test_read_only_store_stays_read_only_and_mode_follows_umask(tmp_path):
    old = os.umask(0o027)
    try:
        store = tmp_path / "s.h5"
        spec = SweepSpec(function="fault_workloads:slow", grid={"x": [1, 2]}, fixed={"delay": 0.0}, name="a")
        run_sweep(spec, store, scheduler="sync", progress=False)
        assert stat.S_IMODE(store.stat().st_mode) == 0o640
    finally:
        os.umask(old)
    store.chmod(0o444)
    before = store.read_bytes()
    spec2 = SweepSpec(function="fault_workloads:slow", grid={"x": [3]}, fixed={"delay": 0.0}, name="b")
    with pytest.raises(PermissionError, match="read-only"):
        run_sweep(spec2, store, scheduler="sync", progress=False)
    assert stat.S_IMODE(store.stat().st_mode) == 0o444 and store.read_bytes() == before
    assert Store(store).read("a").n_done == 2  # still readable


def test_failed_run_creation_leaves_nothing(tmp_path):
    store = Store(tmp_path / "s.h5")
    with pytest.raises(TypeError):  # an attribute that cannot be stored fails half-way through the creation
        store.writer("r", grid={"x": np.arange(3)}, attrs={"fingerprint": "f", "bad": {1, 2}})
    with pytest.raises(ValueError, match="grid parameter"):
        store.writer("r", grid={"a/b": np.arange(3)}, attrs={"fingerprint": "f"})
    with pytest.raises(ValueError, match="numbers, booleans or strings"):
        store.writer("r", grid={"x": np.array([{"a": 1}], dtype=object)}, attrs={"fingerprint": "f"})
    assert store.runs() == []
    with h5py.File(store.path, "r") as f:
        assert list(f["runs"].keys()) == []
    with store.writer("r", grid={"x": np.arange(3)}, attrs={"fingerprint": "f"}) as w:  # the name is still free
        w.append(0, {"y": 1.0})
    assert store.read("r").n_done == 1


def test_retry_failed_replaces_the_failed_rows(tmp_path):
    flag = tmp_path / "fixed"
    spec = SweepSpec(function="fault_workloads:flaky", grid={"x": list(range(8))}, fixed={"flag": str(flag)},
                     name="f")
    first = run_sweep(spec, tmp_path / "s.h5", scheduler="sync", progress=False)
    assert first.n_done == 8 and int((~first.ok).sum()) == 4
    flag.touch()
    d = run_sweep(spec, tmp_path / "s.h5", scheduler="sync", progress=False, retry_failed=True).sorted()
    assert d.index.tolist() == list(range(8))  # no duplicate indices
    assert np.all(d.ok) and d.errors == [""] * 8  # no stale error rows
    assert d.results["y"] == pytest.approx(np.arange(8) + 0.5)
    with pytest.raises(ValueError, match="already stored"), \
            Store(tmp_path / "s.h5").writer("f", grid=spec.points(), attrs={"fingerprint": spec.fingerprint}) as w:
        w.append(0, {"y": 0.0})
