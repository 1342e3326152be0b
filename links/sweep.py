"""Parameter sweeps and Monte Carlo over any function of parameters, on Dask, into the HDF5 store.

A sweep is a function (``"package.module:function"``, or from Python a plain callable) called once per point
with keyword arguments:
the Cartesian product of ``grid`` values, times ``n_samples`` Monte Carlo samples whose ``random``
parameters are drawn up front from ``seed`` (so the points, and the results, do not depend on the
scheduler). A function that accepts ``rng`` gets a Generator seeded by (seed, point index). It returns
a dict of scalars or arrays. A name resolves from the installed packages or, without ``PYTHONPATH``, from a module
in the working directory (or the sweep file's directory); a callable (a notebook's function, a lambda, a
``functools.partial``) is shipped to Dask workers by value. A run records the fingerprint of the function's code
and refuses to resume with changed code (``links.sweep_function``): a run never mixes points of two versions.

Every completed point is written to the store at once (``links.store``); re-running skips the points
already stored (a resumed sweep never recomputes one); a point that raises is recorded with its error.
Schedulers: ``"sync"`` (in-process, sequential), ``"local"`` (a ``distributed.LocalCluster``, the default)
or the address of an existing Dask scheduler (``"tcp://host:8786"``).

**A sweep file is code.** Its ``function`` is imported and called, so a sweep file can run anything the named
function does. :func:`load_sweep_file` therefore runs by default only the optolink entry points listed in
``ALLOWED_FUNCTIONS`` and functions of modules that live in the working directory or in the sweep file's own
directory (your code, next to your sweep). The standard library, builtins and every other installed package
are refused (``function: os:system`` is an error); ``allow_any_function=True`` (``optolink sweep
--allow-any-function``) opts in to any importable function. A :class:`SweepSpec` built in Python is not
restricted: the program that builds it chose its function.

Every field of a sweep definition is typed (``n_samples: 2.9`` or ``true`` is refused, not rounded), the
distributions are checked for feasibility before anything is drawn, a sweep has at most ``MAX_POINTS`` points,
and an interrupted sweep stops with :class:`SweepInterrupted` ("interrupted after N points; re-run to
resume"), every completed point stored: a first Ctrl-C lets the point in progress finish, a second stops at
once.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import itertools
import json
import math
import numbers
import os
import pathlib
import signal
import sys
import threading
import traceback
from dataclasses import dataclass, field

import numpy as np

from optolink.core.files import read_mapping
from optolink.core.progress import Progress
from optolink.core.validate import check_int

from .store import STATUS_OK, RunData, Store, describe_environment
from .sweep_function import (  # noqa: F401 - ALLOWED_FUNCTIONS, FunctionNotAllowed: part of this module's API
    ALLOWED_FUNCTIONS,
    FunctionNotAllowed,
    add_to_path,
    check_function_allowed,
    check_function_spec,
    code_fingerprint,
    function_name,
    module_directories,
    resolve_function,
)

MAX_POINTS = 10_000_000  # grid product × n_samples; the point grid alone takes 8 bytes per point and parameter
TRUNCNORMAL_MIN_MASS = 1e-3  # below this, rejection sampling of a truncated normal is not worth waiting for

class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: every completed point is stored; re-running resumes."""


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
        if not isinstance(self.params, dict) or set(self.params) != need:
            raise ValueError(f"{self.kind} distribution needs exactly {sorted(need)}; got "
                             f"{sorted(self.params) if isinstance(self.params, dict) else self.params!r}")
        for k, v in self.params.items():
            if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
                raise ValueError(f"{self.kind} distribution parameter {k!r} must be a finite number; got {v!r}")
        p = {k: float(v) for k, v in self.params.items()}
        spread = p.get("std", p.get("sigma"))
        if self.kind == "normal" and spread == 0:  # allowed: every draw is the mean (a parameter held fixed)
            pass
        elif spread is not None and not spread > 0:
            raise ValueError(f"{self.kind} distribution: {'std' if 'std' in p else 'sigma'} must be > 0; "
                             f"got {spread} (use a fixed parameter for a constant)")
        if self.kind in ("uniform", "truncnormal"):
            if not p["low"] < p["high"]:
                raise ValueError(f"{self.kind} distribution: low must be < high; got {p['low']} >= {p['high']}")
            if not math.isfinite(p["high"] - p["low"]):
                raise ValueError(f"{self.kind} distribution: high - low overflows; got [{p['low']}, {p['high']}]")
        if self.kind in ("normal", "truncnormal") and not math.isfinite(abs(p["mean"]) + 40 * p["std"]):
            raise ValueError(f"{self.kind} distribution: mean ± 40·std overflows; got mean {p['mean']}, "
                             f"std {p['std']}")
        if self.kind == "lognormal" and p["mean"] + 10 * p["sigma"] > 700:
            raise ValueError(f"lognormal distribution: mean + 10·sigma must be <= 700 (exp overflows beyond); "
                             f"got {p['mean'] + 10 * p['sigma']:g}")
        if self.kind == "truncnormal":
            mass = self.truncated_mass()
            if not mass >= TRUNCNORMAL_MIN_MASS:
                raise ValueError(f"truncnormal distribution: only {mass:.3g} of the normal(mean {p['mean']:g}, std "
                                 f"{p['std']:g}) lies inside [{p['low']:g}, {p['high']:g}]; it must be >= "
                                 f"{TRUNCNORMAL_MIN_MASS:g} (move the bounds or the mean)")

    def truncated_mass(self) -> float:
        """truncnormal: the probability of the untruncated normal inside [low, high] (1 for the other kinds)."""
        p = self.params
        if self.kind != "truncnormal":
            return 1.0

        def cdf(x):
            return 0.5 * math.erfc(-(x - p["mean"]) / (p["std"] * math.sqrt(2.0)))

        return cdf(p["high"]) - cdf(p["low"])

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
    """What to sweep. ``function``: "module:function" or a callable; ``grid``: name → list of values (Cartesian
    product); ``random``: name → Distribution; ``n_samples``: Monte Carlo samples per grid point; ``fixed``:
    constant keyword arguments; ``units``: name → unit text stored with the data (parameters and outputs; an
    output without one takes the unit its name says, ``links.store.unit_from_name``); ``name``: the run name."""

    function: object  # "package.module:function" or a callable
    grid: dict = field(default_factory=dict)
    random: dict = field(default_factory=dict)
    n_samples: int = 1
    seed: int = 0
    fixed: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    name: str = "sweep"

    def __post_init__(self):
        check_function_spec(self.function)
        check_int("n_samples", self.n_samples, low=1)
        check_int("seed", self.seed, low=0)
        for what in ("grid", "random", "fixed", "units"):
            value = getattr(self, what)
            if not isinstance(value, dict):
                raise TypeError(f"{what} must be a mapping of parameter names; got {type(value).__name__}")
            for k in value:
                if not isinstance(k, str) or not k.isidentifier():
                    raise ValueError(f"{what}: parameter name {k!r} must be a Python identifier (a keyword "
                                     "argument of the function; no '/', spaces or dots)")
        for k, v in self.grid.items():
            _check_grid_values(k, v)
        for k, v in self.random.items():
            if not isinstance(v, Distribution):
                raise TypeError(f"random[{k!r}] must be a Distribution")
        for k, v in self.units.items():
            if not isinstance(v, str):
                raise TypeError(f"units[{k!r}] must be a string; got {type(v).__name__}")
        clash = (set(self.grid) & set(self.random)) | (set(self.grid) & set(self.fixed)) | \
            (set(self.random) & set(self.fixed))
        if clash:
            raise ValueError(f"parameters given twice (grid/random/fixed): {sorted(clash)}")
        if not isinstance(self.name, str) or not self.name or "/" in self.name or self.name.startswith("."):
            raise ValueError(f"name must be a non-empty run name without '/', not starting with '.'; "
                             f"got {self.name!r}")
        if self.n_points > MAX_POINTS:
            sizes = " × ".join([f"{len(v)} ({k})" for k, v in self.grid.items()] + [f"{self.n_samples} (n_samples)"])
            raise ValueError(f"the sweep has {self.n_points:,} points ({sizes}); at most {MAX_POINTS:,} are allowed "
                             "in one run — split it into several runs")

    @property
    def n_points(self) -> int:
        """Grid product × n_samples (computed without building the grid)."""
        return math.prod(len(v) for v in self.grid.values()) * self.n_samples

    def definition(self) -> dict:
        return {"function": function_name(self.function),
                "grid": {k: list(np.asarray(v).tolist()) for k, v in self.grid.items()},
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
        """From a YAML/JSON mapping; unknown keys are refused, naming them, and every field is type-checked."""
        if not isinstance(d, dict):
            raise TypeError(f"a sweep definition must be a mapping; got {type(d).__name__}")
        allowed = {"function", "grid", "random", "n_samples", "seed", "fixed", "units", "name"}
        unknown = set(d) - allowed
        if unknown:
            raise ValueError(f"unknown sweep key(s) {sorted(unknown)}; allowed: {sorted(allowed)}")
        if "function" not in d:
            raise ValueError("sweep definition needs 'function' ('package.module:function')")
        maps = {}
        for key in ("grid", "random", "fixed", "units"):
            v = d.get(key)
            if v is not None and not isinstance(v, dict):
                raise TypeError(f"{key} must be a mapping; got {type(v).__name__} {v!r}")
            maps[key] = dict(v or {})
        random = {}
        for k, v in maps["random"].items():
            if not isinstance(v, dict) or "kind" not in v:
                raise ValueError(f"random[{k!r}] must be a mapping with 'kind' and its parameters")
            v = dict(v)
            try:
                random[k] = Distribution(v.pop("kind"), v)
            except ValueError as exc:
                raise ValueError(f"random[{k!r}]: {exc}") from None
        return cls(function=d["function"], grid=maps["grid"], random=random, n_samples=d.get("n_samples", 1),
                   seed=d.get("seed", 0), fixed=maps["fixed"], units=maps["units"], name=d.get("name", "sweep"))


def _check_grid_values(name: str, values) -> None:
    """A grid axis: a non-empty list of numbers, of booleans or of strings (one kind; no mappings or lists)."""
    if isinstance(values, np.ndarray):
        if values.ndim != 1 or values.size == 0 or values.dtype.kind not in "biufUS":
            raise ValueError(f"grid[{name!r}] must be a non-empty 1-D array of numbers, booleans or strings")
        return
    if not isinstance(values, list | tuple) or len(values) == 0:
        raise ValueError(f"grid[{name!r}] must be a non-empty list of values; got {values!r}")
    kinds = set()
    for v in values:
        if isinstance(v, bool | np.bool_):
            kinds.add("boolean")
        elif isinstance(v, numbers.Real):
            kinds.add("number")
        elif isinstance(v, str):
            kinds.add("string")
        else:
            raise ValueError(f"grid[{name!r}] values must be numbers, booleans or strings; got "
                             f"{type(v).__name__} {v!r} (a mapping or a list belongs in 'fixed')")
    if len(kinds) > 1:
        raise ValueError(f"grid[{name!r}] mixes {' and '.join(sorted(kinds))}s; use one kind of value")


def run_point(function, kwargs: dict, seed: int, index: int, paths=()):
    """Evaluate one point (runs on a worker): ``(index, values, error)``; exceptions become the error text.
    ``function``: a name, a callable, or a callable pickled by value (bytes); ``paths``: directories the
    function's module may need on the worker's ``sys.path``."""
    try:
        if isinstance(function, bytes):
            import cloudpickle

            add_to_path(paths)
            fn = cloudpickle.loads(function)
        else:
            fn = resolve_function(function, [os.getcwd(), *paths])
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


def dask_client(scheduler: str, workers: int | None):
    """``(client, cluster)`` for ``scheduler``: "local" (a LocalCluster of ``workers`` processes, default 2, one
    thread each; ``cluster`` is returned so the caller closes it) or a scheduler address (``cluster`` None). An
    unreachable address is an OSError, anything else a ValueError."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        return Client(cluster), cluster
    if isinstance(scheduler, str) and scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
        try:
            return Client(scheduler, timeout=10), None
        except (OSError, TimeoutError) as exc:
            raise OSError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    raise ValueError(f"scheduler must be 'sync', 'local' or a scheduler address like tcp://host:8786; "
                     f"got {scheduler!r}")


def run_sweep(spec: SweepSpec, store: str | Store, *, scheduler: str = "local", workers: int | None = None,
              progress: bool = True, retry_failed: bool = False, max_in_flight: int | None = None,
              lock_timeout: float = 0.0) -> RunData:
    """Run (or resume) ``spec`` into ``store``; returns the run's data. See the module docstring.

    The points to compute are read under the store's writer lock (``lock_timeout``: seconds to wait for
    another writer), so two processes running the same sweep never compute or store a point twice.
    ``retry_failed`` recomputes the points stored with an error, replacing their rows."""
    if not isinstance(spec, SweepSpec):
        raise TypeError("spec must be a SweepSpec")
    store = store if isinstance(store, Store) else Store(store, lock_timeout=lock_timeout)
    fn = resolve_function(spec.function)  # fail early, before any file changes
    points = spec.points()
    n = spec.n_points
    attrs = {"function": function_name(spec.function), "fingerprint": spec.fingerprint,
             "code_fingerprint": code_fingerprint(fn), "parameters": spec.definition(),
             "seed": spec.seed, "n_points": n, **describe_environment()}
    with store.writer(spec.name, grid=points, attrs=attrs, units=spec.units) as w:
        index, status = w.stored()
        skip = set(index[status == STATUS_OK].tolist()) if retry_failed else set(index.tolist())
        pending = [i for i in range(n) if i not in skip]
        prog = Progress(n, done=n - len(pending), enabled=progress, label=f"sweep {spec.name}", unit="points")
        start = prog.done
        try:
            with _interruptible() as interrupted:
                if pending and scheduler == "sync":
                    for i in pending:  # one point at a time: each is on disk before the next starts
                        interrupted.check()
                        idx, values, err = run_point(fn, _point_kwargs(spec, points, i), spec.seed, i)
                        w.append(idx, values, err)
                        prog.step(err is not None)
                elif pending:
                    _run_dask(spec, fn, points, pending, w, prog, scheduler, workers, max_in_flight, interrupted)
                interrupted.check()
        except KeyboardInterrupt:
            prog.close()
            raise SweepInterrupted(f"interrupted after {prog.done - start} points ({prog.done} of {n} stored in "
                                   f"run {spec.name!r}); re-run to resume") from None
    return store.read(spec.name)


class _Interrupt:
    """A Ctrl-C during a sweep: the first one lets the current point finish (it is stored) and stops before
    the next; a second one stops at once. (Raising KeyboardInterrupt from the signal handler straight away is
    not enough: Python ignores it when it lands in a weakref callback or a ``__del__``.)"""

    def __init__(self):
        self.requested = False

    def check(self) -> None:
        if self.requested:
            raise KeyboardInterrupt


@contextlib.contextmanager
def _interruptible():
    flag = _Interrupt()
    if threading.current_thread() is not threading.main_thread():
        yield flag  # signal handlers belong to the main thread; a sweep in a worker thread keeps the default
        return
    previous = signal.getsignal(signal.SIGINT)

    def on_sigint(signum, frame):
        if flag.requested:
            raise KeyboardInterrupt
        flag.requested = True
        sys.stderr.write("\nstopping after the current point (Ctrl-C again to stop now)\n")
        sys.stderr.flush()

    signal.signal(signal.SIGINT, on_sigint)
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, previous)


def _run_dask(spec, fn, points, pending, writer, prog, scheduler, workers, max_in_flight, interrupted=None):
    import cloudpickle
    from distributed import as_completed

    # the workers import a named function from the same directories; a callable travels pickled (by reference
    # when its module is importable there, else by value), unpickled only once those directories are on the path
    paths = [os.getcwd(), *module_directories(fn)]
    function = spec.function if isinstance(spec.function, str) else cloudpickle.dumps(spec.function)

    client, cluster = dask_client(scheduler, workers)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or (workers or 2))
        # enough tasks in flight to hide the scheduler round trip; bounded so a kill loses little
        limit = max_in_flight or max(16, 8 * n_workers)
        remaining = iter(pending)

        def submit(i):
            return client.submit(run_point, function, _point_kwargs(spec, points, i), spec.seed, i, paths,
                                 pure=False, key=f"point-{spec.fingerprint[:8]}-{i}")

        queue = as_completed([submit(i) for i in itertools.islice(remaining, limit)])
        for batch in queue.batches():  # whatever has completed: written at once, one flush
            results = [fut.result() for fut in batch]
            writer.append_many(results)
            if interrupted is not None:
                interrupted.check()
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


def load_sweep_file(path, *, allow_any_function: bool = False) -> SweepSpec:
    """A sweep definition from a YAML or JSON file, its function checked against the policy of the module
    docstring (unless ``allow_any_function``). The working directory and the file's directory become
    importable (appended to ``sys.path``, so they never shadow an installed module)."""
    spec = SweepSpec.from_dict(read_mapping(path, "sweep file"))
    directories = [pathlib.Path.cwd().resolve(), pathlib.Path(path).resolve().parent]
    add_to_path(d for d in directories if not (d == directories[0] and "" in sys.path))
    if not allow_any_function:
        check_function_allowed(spec.function, directories)
    return spec
