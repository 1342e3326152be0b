"""Parameter sweeps and Monte Carlo over any function of parameters, on Dask, into the HDF5 store.

A sweep is a function (``"package.module:function"``) called once per point with keyword arguments:
the Cartesian product of ``grid`` values, times ``n_samples`` Monte Carlo samples whose ``random``
parameters are drawn up front from ``seed`` (so the points, and the results, do not depend on the
scheduler). A function that accepts ``rng`` gets a Generator seeded by (seed, point index). It returns
a dict of scalars or arrays.

Every completed point is written to the store at once (``links.store``); re-running skips the points
already stored (a resumed sweep never recomputes one); a point that raises is recorded with its error.
Schedulers: ``"sync"`` (in-process, sequential), ``"local"`` (a ``distributed.LocalCluster``, the default)
or the address of an existing Dask scheduler (``"tcp://host:8786"``).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import itertools
import json
import math
import sys
import time
import traceback
from dataclasses import dataclass, field

import numpy as np

from optolink.core.files import read_mapping

from .store import RunData, Store, describe_environment

_DISTRIBUTIONS = {"normal": ("mean", "std"), "uniform": ("low", "high"), "lognormal": ("mean", "sigma"),
                  "truncnormal": ("mean", "std", "low", "high")}


@dataclass(frozen=True)
class Distribution:
    """A random parameter: ``kind`` in normal(mean, std), uniform(low, high), lognormal(mean, sigma) of the
    underlying normal, truncnormal(mean, std, low, high) — values in the parameter's own (SI) unit."""

    kind: str
    params: dict

    def __post_init__(self):
        if self.kind not in _DISTRIBUTIONS:
            raise ValueError(f"distribution kind must be one of {sorted(_DISTRIBUTIONS)}; got {self.kind!r}")
        need = set(_DISTRIBUTIONS[self.kind])
        if set(self.params) != need:
            raise ValueError(f"{self.kind} distribution needs exactly {sorted(need)}; got {sorted(self.params)}")
        for k, v in self.params.items():
            if not isinstance(v, int | float) or not math.isfinite(v):
                raise ValueError(f"distribution parameter {k!r} must be a finite number; got {v!r}")
        p = self.params
        if self.kind in ("normal", "truncnormal") and p["std"] < 0:
            raise ValueError(f"std must be >= 0; got {p['std']}")
        if self.kind in ("uniform", "truncnormal") and not p["low"] < p["high"]:
            raise ValueError(f"low must be < high; got {p['low']} >= {p['high']}")

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        p = self.params
        if self.kind == "normal":
            return rng.normal(p["mean"], p["std"], n)
        if self.kind == "uniform":
            return rng.uniform(p["low"], p["high"], n)
        if self.kind == "lognormal":
            return rng.lognormal(p["mean"], p["sigma"], n)
        out = rng.normal(p["mean"], p["std"], n)  # truncated normal by rejection
        bad = (out < p["low"]) | (out > p["high"])
        while np.any(bad):
            out[bad] = rng.normal(p["mean"], p["std"], int(bad.sum()))
            bad = (out < p["low"]) | (out > p["high"])
        return out

    def to_dict(self) -> dict:
        return {"kind": self.kind, **self.params}


@dataclass(frozen=True)
class SweepSpec:
    """What to sweep. ``function``: "module:function"; ``grid``: name → list of values (Cartesian product);
    ``random``: name → Distribution; ``n_samples``: Monte Carlo samples per grid point; ``fixed``: constant
    keyword arguments; ``units``: name → unit text stored with the data; ``name``: the run name."""

    function: str
    grid: dict = field(default_factory=dict)
    random: dict = field(default_factory=dict)
    n_samples: int = 1
    seed: int = 0
    fixed: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    name: str = "sweep"

    def __post_init__(self):
        if not isinstance(self.function, str) or ":" not in self.function:
            raise ValueError(f"function must be 'package.module:function'; got {self.function!r}")
        if not isinstance(self.n_samples, int) or self.n_samples < 1:
            raise ValueError(f"n_samples must be an integer >= 1; got {self.n_samples!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"seed must be an integer >= 0; got {self.seed!r}")
        for k, v in self.grid.items():
            if not isinstance(v, list | tuple | np.ndarray) or len(v) == 0:
                raise ValueError(f"grid[{k!r}] must be a non-empty list of values")
        for k, v in self.random.items():
            if not isinstance(v, Distribution):
                raise TypeError(f"random[{k!r}] must be a Distribution")
        clash = (set(self.grid) & set(self.random)) | (set(self.grid) & set(self.fixed)) | \
            (set(self.random) & set(self.fixed))
        if clash:
            raise ValueError(f"parameters given twice (grid/random/fixed): {sorted(clash)}")
        if not self.name or "/" in self.name:
            raise ValueError(f"name must be a non-empty run name without '/'; got {self.name!r}")

    def definition(self) -> dict:
        return {"function": self.function, "grid": {k: list(np.asarray(v).tolist()) for k, v in self.grid.items()},
                "random": {k: v.to_dict() for k, v in self.random.items()}, "n_samples": self.n_samples,
                "seed": self.seed, "fixed": self.fixed, "units": self.units}

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.definition(), sort_keys=True, default=str).encode()).hexdigest()[:32]

    def points(self) -> dict:
        """The point grid: parameter name → array of length n_points (grid product × samples)."""
        names = list(self.grid)
        combos = list(itertools.product(*[list(self.grid[k]) for k in names])) or [()]
        n = len(combos) * self.n_samples
        out = {k: np.repeat(np.asarray([c[i] for c in combos]), self.n_samples) for i, k in enumerate(names)}
        rng = np.random.default_rng(self.seed)
        for k in sorted(self.random):  # sorted: the draw order must not depend on dict order
            out[k] = self.random[k].sample(rng, n)
        if not out:
            out["sample"] = np.arange(n)
        return out

    @classmethod
    def from_dict(cls, d: dict) -> SweepSpec:
        """From a YAML/JSON mapping; unknown keys are refused, naming them."""
        allowed = {"function", "grid", "random", "n_samples", "seed", "fixed", "units", "name"}
        unknown = set(d) - allowed
        if unknown:
            raise ValueError(f"unknown sweep key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
        if "function" not in d:
            raise ValueError("sweep definition needs 'function' ('package.module:function')")
        random = {}
        for k, v in (d.get("random") or {}).items():
            if not isinstance(v, dict) or "kind" not in v:
                raise ValueError(f"random[{k!r}] must be a mapping with 'kind' and its parameters")
            v = dict(v)
            random[k] = Distribution(v.pop("kind"), v)
        return cls(function=d["function"], grid=dict(d.get("grid") or {}), random=random,
                   n_samples=int(d.get("n_samples", 1)), seed=int(d.get("seed", 0)), fixed=dict(d.get("fixed") or {}),
                   units=dict(d.get("units") or {}), name=str(d.get("name", "sweep")))


def resolve_function(path: str):
    """Import ``"package.module:function"``."""
    module, _, attr = path.partition(":")
    try:
        obj = importlib.import_module(module)
    except ImportError as exc:
        raise ValueError(f"function {path!r}: cannot import module {module!r} ({exc})") from None
    for part in attr.split("."):
        if not hasattr(obj, part):
            raise ValueError(f"function {path!r}: module {module!r} has no {attr!r}")
        obj = getattr(obj, part)
    if not callable(obj):
        raise ValueError(f"function {path!r} is not callable")
    return obj


def run_point(function: str, kwargs: dict, seed: int, index: int):
    """Evaluate one point (runs on a worker): ``(index, values, error)``; exceptions become the error text."""
    try:
        fn = resolve_function(function)
        kw = dict(kwargs)
        if "rng" in inspect.signature(fn).parameters:
            kw["rng"] = np.random.default_rng([seed, index])
        values = fn(**kw)
        if not isinstance(values, dict):
            raise TypeError(f"the sweep function must return a dict of outputs; got {type(values).__name__}")
        return index, {k: np.asarray(v, dtype=float) for k, v in values.items()}, None
    except Exception as exc:  # recorded with the point, never fatal to the sweep
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" at {tb[-1].filename}:{tb[-1].lineno}" if tb else ""
        return index, None, f"{type(exc).__name__}: {exc}{where}"


def _point_kwargs(spec: SweepSpec, points: dict, i: int) -> dict:
    kw = dict(spec.fixed)
    for k, v in points.items():
        if k == "sample" and k not in spec.grid:
            continue
        x = v[i]
        kw[k] = x.item() if hasattr(x, "item") else x
    return kw


class _Progress:
    def __init__(self, total: int, done: int, enabled: bool):
        self.total, self.done, self.enabled = total, done, enabled
        self.t0 = time.perf_counter()
        self._last = 0.0

    def step(self, failed: bool = False):
        self.done += 1
        now = time.perf_counter()
        if self.enabled and (now - self._last > 0.2 or self.done == self.total):
            self._last = now
            frac = self.done / max(self.total, 1)
            bar = "#" * int(30 * frac)
            sys.stderr.write(f"\r[{bar:<30}] {self.done}/{self.total} points  {now - self.t0:6.1f} s")
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def run_sweep(spec: SweepSpec, store: str | Store, *, scheduler: str = "local", workers: int | None = None,
              progress: bool = True, retry_failed: bool = False, max_in_flight: int | None = None) -> RunData:
    """Run (or resume) ``spec`` into ``store``; returns the run's data. See the module docstring."""
    if not isinstance(spec, SweepSpec):
        raise TypeError("spec must be a SweepSpec")
    store = store if isinstance(store, Store) else Store(store)
    resolve_function(spec.function)  # fail early, before any file changes
    points = spec.points()
    n = next(iter(points.values())).shape[0]
    attrs = {"function": spec.function, "fingerprint": spec.fingerprint, "parameters": spec.definition(),
             "seed": spec.seed, "n_points": n, **describe_environment()}
    existing = store.read(spec.name) if spec.name in store.runs() else None
    skip = set()
    if existing is not None:
        ok = existing.status == 1
        skip = set(existing.index[ok].tolist()) if retry_failed else set(existing.index.tolist())
    pending = [i for i in range(n) if i not in skip]
    prog = _Progress(n, n - len(pending), progress)
    with store.writer(spec.name, grid=points, attrs=attrs, units=spec.units) as w:
        if pending:
            if scheduler == "sync":
                for i in pending:  # one point at a time: each is on disk before the next starts
                    idx, values, err = run_point(spec.function, _point_kwargs(spec, points, i), spec.seed, i)
                    w.append(idx, values, err)
                    prog.step(err is not None)
            else:
                _run_dask(spec, points, pending, w, prog, scheduler, workers, max_in_flight)
    return store.read(spec.name)


def _run_dask(spec, points, pending, writer, prog, scheduler, workers, max_in_flight):
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
    elif scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        client = Client(scheduler)
    else:
        raise ValueError(f"scheduler must be 'sync', 'local' or a scheduler address like tcp://host:8786; "
                         f"got {scheduler!r}")
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or (workers or 2))
        # enough tasks in flight to hide the scheduler round trip; bounded so a kill loses little
        limit = max_in_flight or max(16, 8 * n_workers)
        remaining = iter(pending)

        def submit(i):
            return client.submit(run_point, spec.function, _point_kwargs(spec, points, i), spec.seed, i,
                                 pure=False, key=f"point-{spec.fingerprint[:8]}-{i}")

        queue = as_completed([submit(i) for i in itertools.islice(remaining, limit)])
        for batch in queue.batches():  # whatever has completed: written at once, one flush
            results = [fut.result() for fut in batch]
            writer.append_many(results)
            for fut, (_, _, err) in zip(batch, results, strict=True):
                prog.step(err is not None)
                fut.release()
                nxt = next(remaining, None)
                if nxt is not None:
                    queue.add(submit(nxt))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def load_sweep_file(path) -> SweepSpec:
    """A sweep definition from a YAML or JSON file."""
    return SweepSpec.from_dict(read_mapping(path, "sweep file"))
