"""Sweep overhead per point: optolink's store-backed sweep vs the same work with bare Dask/Python."""

from __future__ import annotations

import tempfile
import time

N_POINTS = 500


def trivial(x):
    """The swept function: no work, so the time measured is the sweep machinery's."""
    return {"y": x}


def _bare_sync(n):

    t0 = time.perf_counter()
    [trivial(x) for x in range(n)]
    return time.perf_counter() - t0


def _bare_dask(n):
    from distributed import Client, LocalCluster


    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=40) as cluster, \
            Client(cluster) as client:
        client.gather(client.map(trivial, range(20)))  # warm up the workers
        t0 = time.perf_counter()
        client.gather(client.map(trivial, range(n), pure=False))
        return time.perf_counter() - t0


def run() -> list[dict]:
    import pathlib
    import sys

    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    from links.sweep import SweepSpec, run_sweep

    rows = []
    for scheduler in ("sync", "local"):
        with tempfile.TemporaryDirectory() as tmp:
            spec = SweepSpec(function="benchmarks.bench_sweep:trivial", grid={"x": list(range(N_POINTS))}, name="b")
            if scheduler == "local":
                # the cluster start-up is a one-off cost, measured separately
                t0 = time.perf_counter()
                run_sweep(SweepSpec(function="benchmarks.bench_sweep:trivial", grid={"x": [0]}, name="warm"),
                          f"{tmp}/w.h5", scheduler="local", workers=2, progress=False)
                startup = time.perf_counter() - t0
            t0 = time.perf_counter()
            data = run_sweep(spec, f"{tmp}/s.h5", scheduler=scheduler, workers=2, progress=False)
            total = time.perf_counter() - t0
            assert data.n_done == N_POINTS
        bare = _bare_sync(N_POINTS) if scheduler == "sync" else _bare_dask(N_POINTS)
        per_point = (total - (startup if scheduler == "local" else 0.0)) / N_POINTS
        rows.append({
            "benchmark": f"sweep overhead per point ({scheduler}, {N_POINTS} trivial points, HDF5 store)",
            "optolink": f"{per_point * 1e3:.2f} ms/point",
            "peer": f"bare {'Python loop' if scheduler == 'sync' else 'Dask client.map'}: "
                    f"{bare / N_POINTS * 1e3:.3f} ms/point",
            "ratio": f"{per_point / max(bare / N_POINTS, 1e-9):.1f}× (aim: overhead ≤ 10 ms/point)",
            "notes": "local: 2-worker LocalCluster, cluster start-up excluded" if scheduler == "local"
            else "every point flushed to the SWMR store as it completes",
        })
    return rows
