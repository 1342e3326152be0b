"""HDF5 results store: one file, a group per run, points appended as they complete, safe against SIGKILL.

Schema (``optolink.store/1``)::

    /                               attrs: schema="optolink.store/1", created, software_version
    /runs/<name>/                   attrs: function, fingerprint, code_fingerprint (of the function's code),
                                           parameters (JSON: the whole sweep definition), seed, n_points,
                                           software_version, python, numpy, host, created
    /runs/<name>/points/<param>     the point grid, one dataset per parameter, shape (n_points,),
                                    written when the run is created (attrs: unit, see links.store_xarray)
    /runs/<name>/done               int64 (n_done,): point indices in completion order — appended LAST,
                                    so every row below len(done) is complete in every other dataset
    /runs/<name>/status             int8 (n_done,): 1 = ok, 2 = error
    /runs/<name>/results/<output>   float64 (n_done, *shape), chunked + gzip (attrs: unit); NaN rows for errors
    /runs/<name>/errors             S512 (n_done,): the error ("" for ok points)

Crash safety: appends run in HDF5's single-writer/multiple-reader (SWMR) mode with ``libver="latest"``,
whose ordered metadata flushes keep the file consistent on disk after every flush: a writer killed
with SIGKILL leaves a file that ``Store`` (and ``h5py.File(path, "r", swmr=True)``) reads at once, with
every point flushed before the kill.

Faults (see ``links.storefile``): one writer at a time, under an advisory lock on ``<store>.lock`` holding its
PID and host (a second writer is refused, naming them, or waits up to ``lock_timeout``). A file left open for
writing is repaired — its complete rows copied into a fresh file that atomically replaces it, keeping its mode —
only when it is proven to be left by a dead writer: the lock is free and the PID recorded in it is gone. Readers
take no lock and never change the file. A truncated file is refused on open (its size is checked against the
superblock's end-of-file address, or the size recorded after the last append) before HDF5 reads it. A read-only
store stays read-only (writing is refused). A run is created under a temporary name and renamed when complete.
"""

from __future__ import annotations

import json
import os
import pathlib
import platform
import socket
import stat
import time
from dataclasses import dataclass, field

import h5py
import numpy as np

from optolink.core.files import atomic_path
from optolink.core.provenance import software_version, utc_now

from .store_xarray import unit_from_name
from .storefile import (
    USERBLOCK_SIZE,
    StoreIntegrityError,
    StoreInUseError,
    StoreLock,
    check_integrity,
    committed_size,
    is_writable,
    record_committed,
)

SCHEMA = "optolink.store/1"
ERROR_WIDTH = 512
STATUS_OK, STATUS_ERROR = 1, 2
_NEW = ".new-"  # prefix of a run being created (renamed to its name once complete)


class StoreError(ValueError):
    """The file is not an optolink store, is corrupted, or does not hold what was asked."""


def _open_read(path: pathlib.Path) -> h5py.File:
    """Open for reading without taking HDF5's file lock (a reader never blocks a writer), refusing a truncated
    file first; a file left open by a writer (live or killed) opens in SWMR mode."""
    if not path.exists():
        raise FileNotFoundError(f"store file not found: {path}")
    if path.is_dir():
        raise IsADirectoryError(f"store {path} is a directory, not an HDF5 file")
    try:
        check_integrity(path)
        try:
            return h5py.File(path, "r", locking=False)
        except OSError as exc:
            first = exc
        if check_integrity(path)["flags"]:  # opened by a writer meanwhile, or left open: SWMR, once checked
            try:
                return h5py.File(path, "r", swmr=True, locking=False)
            except OSError:
                pass
    except StoreIntegrityError as exc:
        raise StoreError(str(exc)) from None
    if "already open for write" in str(first):  # a live writer briefly outside SWMR mode: the caller retries
        raise _WriterBusy(str(first))
    raise StoreError(f"{path} is not a readable HDF5 file (corrupted or not HDF5): {first}") from None


class _WriterBusy(OSError):
    """A writer holds the file outside SWMR mode (creating a run or an output); a moment later it reads."""


def _open_append(path: pathlib.Path, timeout: float) -> h5py.File:
    """Open for appending; another program holding the file open (HDF5's own lock) is waited for up to
    ``timeout`` seconds, then refused naming the cause — never mistaken for a crash."""
    deadline = time.monotonic() + max(timeout, 0.0)
    while True:
        try:
            return h5py.File(path, "a", libver="latest")
        except OSError as exc:
            if "lock" not in str(exc).lower() and "already open" not in str(exc).lower():
                raise StoreError(f"cannot open store {path} for writing: {exc}") from None
            if time.monotonic() >= deadline:
                raise StoreInUseError(f"store {path} is held open by another program (HDF5 file lock: {exc}); "
                                      "close it there (a notebook's h5py.File?) or open it with "
                                      "h5py.File(path, 'r', locking=False)") from None
            time.sleep(0.05)


def _check_schema(f: h5py.File, path) -> None:
    found = f.attrs.get("schema")
    if isinstance(found, bytes):
        found = found.decode()
    if found != SCHEMA:
        raise StoreError(
            f"{path} is an HDF5 file but not an optolink store (schema attribute {found!r}, expected {SCHEMA!r}); "
            "refusing to touch it — choose another path"
        )


@dataclass(frozen=True)
class RunData:
    """A run read back into NumPy: the grid and results of the completed points, in completion order."""

    name: str
    attrs: dict
    index: np.ndarray  # point indices
    status: np.ndarray
    params: dict  # parameter name → array (values of the completed points)
    results: dict  # output name → array (n_done, *shape)
    errors: list  # error strings ("" for ok)
    units: dict = field(default_factory=dict)
    grid: dict = field(default_factory=dict)  # the full point grid, parameter name → (n_points,)

    @property
    def n_done(self) -> int:
        return int(self.index.size)

    @property
    def ok(self) -> np.ndarray:
        return self.status == STATUS_OK

    def sorted(self) -> RunData:
        """The same data ordered by point index."""
        order = np.argsort(self.index, kind="stable")
        return RunData(self.name, self.attrs, self.index[order], self.status[order],
                       {k: v[order] for k, v in self.params.items()},
                       {k: v[order] for k, v in self.results.items()},
                       [self.errors[i] for i in order], self.units, self.grid)

    def to_xarray(self, *, flat: bool = False):
        """An ``xarray.Dataset`` on the sweep's grid (grid dimensions, plus ``sample`` for Monte Carlo), with a
        ``units`` attribute on every variable (``links.store_xarray`` states the rule); ``flat=True``: indexed
        by ``point`` in completion order. Requires xarray."""
        from .store_xarray import run_to_xarray

        return run_to_xarray(self, flat=flat)

    def to_netcdf(self, path: str | os.PathLike, *, engine: str | None = None, flat: bool = False):
        """Write :meth:`to_xarray` to a netCDF file (atomic replace; ``h5netcdf`` if installed, else SciPy's
        netCDF-3); ``xarray.open_dataset(path)`` reads it back. Returns the path."""
        from .store_xarray import write_netcdf

        return write_netcdf(self.to_xarray(flat=flat), path, engine=engine)


class Store:
    """An HDF5 results store at ``path``. Creating one never overwrites a foreign or corrupted file.

    ``lock_timeout`` (s): how long a writer waits for another writer (or a program holding the file open) to
    finish before refusing; 0 refuses at once."""

    def __init__(self, path: str | os.PathLike, *, lock_timeout: float = 0.0):
        self.path = pathlib.Path(path)
        self.lock_timeout = float(lock_timeout)
        if not self.path.exists():
            self._create()
        self._retrying(self._check)

    def _check(self) -> None:
        with _open_read(self.path) as f:
            _check_schema(f, self.path)

    def _create(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with StoreLock(self.path, self.lock_timeout):
            if self.path.exists():  # created meanwhile by another process
                return
            with atomic_path(self.path) as tmp:
                with h5py.File(tmp, "w", libver="latest", userblock_size=USERBLOCK_SIZE) as f:
                    f.attrs["schema"] = SCHEMA
                    f.attrs["created"] = utc_now()
                    f.attrs["software_version"] = software_version()
                    f.create_group("runs")
                record_committed(tmp)

    # --- reading -------------------------------------------------------------------------------------
    def _retrying(self, fn, *args):
        """Readers take no lock: one that opens while the writer briefly leaves SWMR mode (to create a run or an
        output) can see a half-updated view, or find the file briefly unreadable. Such a read is retried for up
        to 10 s (a loaded machine can stretch the writer's brief window), then refused clearly."""
        deadline = time.monotonic() + 10.0
        while True:
            try:
                return fn(*args)
            except (StoreError, FileNotFoundError, IsADirectoryError):
                raise
            except (OSError, KeyError, RuntimeError) as exc:
                if time.monotonic() >= deadline:
                    raise StoreError(f"cannot read {self.path} (being written, or damaged): {exc}") from None
                time.sleep(0.05)

    def runs(self) -> list[str]:
        """The names of the stored runs."""
        return self._retrying(self._runs)

    def read(self, run: str) -> RunData:
        """Read a run's completed points (also while it is written, and right after the writer was killed)."""
        return self._retrying(self._read, run)

    def done_indices(self, run: str) -> np.ndarray:
        """Indices of the points already stored (ok or error)."""
        return self._retrying(self._done_indices, run)

    def run_attrs(self, run: str) -> dict | None:
        """A run's attributes (its definition and provenance), ``None`` if there is no such run."""
        return self._retrying(self._run_attrs, run)

    def _runs(self) -> list[str]:
        with _open_read(self.path) as f:
            _check_schema(f, self.path)
            return sorted(k for k in f["runs"].keys() if not k.startswith(_NEW))

    def _read(self, run: str) -> RunData:
        """Read a run's completed points (also right after the writer was killed)."""
        with _open_read(self.path) as f:
            _check_schema(f, self.path)
            if run.startswith(_NEW) or run not in f["runs"]:
                raise StoreError(f"no run {run!r} in {self.path}; runs: {self._runs()}")
            g = f["runs"][run]
            n = min(g["done"].shape[0], g["status"].shape[0] if "status" in g else g["done"].shape[0])
            index = g["done"][:n].astype(np.int64)
            status = g["status"][:n] if "status" in g else np.ones(n, np.int8)
            grid = {k: g["points"][k][()] for k in g["points"]}
            units = {k: _attr(g["points"][k], "unit") or unit_from_name(k) for k in g["points"]}
            params = {k: v[index] for k, v in grid.items()}
            results = {}
            for k in g["results"]:
                results[k] = g["results"][k][:n]
                units[k] = _attr(g["results"][k], "unit") or unit_from_name(k)
            errors = [e.decode("utf-8", "replace") for e in g["errors"][:n]] if "errors" in g else [""] * n
            attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
        return RunData(run, attrs, index, status, params, results, errors, units, grid)

    def _done_indices(self, run: str) -> np.ndarray:
        """Indices of the points already stored (ok or error)."""
        with _open_read(self.path) as f:
            _check_schema(f, self.path)
            if run.startswith(_NEW) or run not in f["runs"]:
                return np.zeros(0, np.int64)
            g = f["runs"][run]
            n = min(g["done"].shape[0], g["status"].shape[0])
            return g["done"][:n].astype(np.int64)

    def _run_attrs(self, run: str) -> dict | None:
        with _open_read(self.path) as f:
            _check_schema(f, self.path)
            if run.startswith(_NEW) or run not in f["runs"]:
                return None
            return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f["runs"][run].attrs.items()}

    # --- writing -------------------------------------------------------------------------------------
    def writer(self, run: str, *, grid: dict, attrs: dict, units: dict | None = None) -> RunWriter:
        """A writer appending points to ``run`` under the store's writer lock; creates the run (with its grid)
        if it is new. An existing run must have the same ``attrs["fingerprint"]``; otherwise StoreError."""
        lock = self._lock_for_writing()
        try:
            return RunWriter(self.path, run, grid, attrs, units or {}, lock=lock, open_timeout=self.lock_timeout)
        except BaseException:
            lock.release()
            raise

    def repair(self, *, force: bool = False) -> bool:
        """Repair a file left open for writing (copy its complete rows into a fresh file); True if it did.

        Without ``force`` only a file proven to be left by a dead writer is repaired (as every writer does on
        its own); ``force=True`` is for a file whose writer cannot be identified (e.g. copied from another
        host) — use it only when no program is writing the file."""
        lock = self._lock_for_writing(force=force)
        lock.release()
        return bool(lock.repaired)

    def _lock_for_writing(self, force: bool = False) -> StoreLock:
        if self.path.is_dir():
            raise IsADirectoryError(f"store {self.path} is a directory, not an HDF5 file")
        if not is_writable(self.path):
            raise PermissionError(f"store {self.path} is read-only; refusing to write it (copy it, or choose "
                                  "another store)")
        lock = StoreLock(self.path, self.lock_timeout)
        lock.acquire()
        lock.repaired = False
        try:
            try:
                sb = check_integrity(self.path)
            except StoreIntegrityError as exc:
                raise StoreError(str(exc)) from None
            if sb["flags"]:  # still marked open for writing, and no writer holds the lock
                if not (force or lock.previous_writer_dead()):
                    prev = lock.previous or {}
                    who = (f"PID {prev.get('pid')} on {prev.get('host')}, which cannot be proven dead from here"
                           if prev else "a writer that left no lock record")
                    raise StoreError(
                        f"store {self.path} is marked open for writing by {who}; refusing to touch it. If no "
                        "program is writing it, repair it with links.store.Store(path).repair(force=True)")
                self._repair_copy()
                lock.repaired = True
        except BaseException:
            lock.release()
            raise
        return lock

    def _repair_copy(self) -> None:
        """Copy the complete rows of a file whose writer died into a fresh file that atomically replaces it
        (HDF5 marks such a file as still open for writing); the file keeps its mode."""
        mode = stat.S_IMODE(self.path.stat().st_mode)
        with h5py.File(self.path, "r", swmr=True, locking=False) as src:
            _check_schema(src, self.path)
            with atomic_path(self.path, suffix=".repair") as tmp:
                with h5py.File(tmp, "w", libver="latest", userblock_size=USERBLOCK_SIZE) as dst:
                    for k, v in src.attrs.items():
                        dst.attrs[k] = v
                    runs = dst.create_group("runs")
                    for name, g in src["runs"].items():
                        if name.startswith(_NEW):  # a creation that never completed
                            continue
                        n = min(g["done"].shape[0], g["status"].shape[0], g["errors"].shape[0],
                                *[r.shape[0] for r in g["results"].values()])
                        h = runs.create_group(name)
                        for k, v in g.attrs.items():
                            h.attrs[k] = v
                        src.copy(g["points"], h, "points")
                        for key in ("done", "status", "errors"):
                            _copy_rows(g[key], h, key, n)
                        res = h.create_group("results")
                        for k, d in g["results"].items():
                            _copy_rows(d, res, k, n)
                record_committed(tmp)
        os.chmod(self.path, mode)


def _attr(obj, key, default=""):
    v = obj.attrs.get(key, default)
    return v.decode() if isinstance(v, bytes) else v


def _copy_rows(dset, group, name, n):
    data = dset[:n]
    new = group.create_dataset(name, data=data, maxshape=(None,) + dset.shape[1:],
                               chunks=dset.chunks or True, compression=dset.compression)
    for k, v in dset.attrs.items():
        new.attrs[k] = v


class RunWriter:
    """Appends completed points to one run in SWMR mode, holding the store's writer lock; a context manager."""

    def __init__(self, path: pathlib.Path, run: str, grid: dict, attrs: dict, units: dict, *,
                 lock: StoreLock | None = None, open_timeout: float = 0.0):
        self.path, self.run, self.units = path, run, dict(units)
        self._lock, self._open_timeout, self._commit_fd = lock, open_timeout, None
        _check_name("run name", run)
        grid = {_check_name("grid parameter", k): np.asarray(v) for k, v in grid.items()}
        for k, v in grid.items():
            if v.ndim != 1 or v.dtype.kind not in "biufUS":
                raise ValueError(f"grid parameter {k!r} must be a list of numbers, booleans or strings; got "
                                 f"shape {v.shape}, dtype {v.dtype}")
        sizes = {v.shape[0] for v in grid.values()}
        if len(sizes) > 1:
            raise ValueError(f"grid arrays must all have the same length; got {sorted(sizes)}")
        self.n_points = sizes.pop() if sizes else 0
        self._f = _open_append(path, open_timeout)
        try:
            _check_schema(self._f, path)
            runs = self._f["runs"]
            for stale in [k for k in runs if k.startswith(_NEW)]:  # creations that never completed
                del runs[stale]
            if run in runs:
                old = runs[run].attrs.get("fingerprint")
                if isinstance(old, bytes):
                    old = old.decode()
                if old != attrs.get("fingerprint"):
                    raise StoreError(
                        f"run {run!r} already exists in {path} with different parameters (fingerprint {old} vs "
                        f"{attrs.get('fingerprint')}); use another run name"
                    )
                old_code = _attr(runs[run], "code_fingerprint", None)
                if old_code is not None and attrs.get("code_fingerprint") not in (None, old_code):
                    raise StoreError(
                        f"run {run!r} in {path} was computed by another version of {attrs.get('function')!r} (its "
                        f"code changed: fingerprint {old_code} vs {attrs.get('code_fingerprint')}); resuming would "
                        "mix points of both — use another run name (or restore the function)")
            else:
                self._create(runs, grid, attrs)
            self._g = runs[run]
            n = min(self._g["done"].shape[0], self._g["status"].shape[0])
            self._row = {int(i): r for r, i in enumerate(self._g["done"][:n])}  # point index → row
            self._status = {int(i): int(s) for i, s in zip(self._g["done"][:n], self._g["status"][:n], strict=True)}
            if self._f.userblock_size == USERBLOCK_SIZE and committed_size(path) is not None:
                self._commit_fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
            self._f.swmr_mode = True
        except BaseException:
            self._f.close()
            raise

    def stored(self) -> tuple[np.ndarray, np.ndarray]:
        """``(index, status)`` of the points already stored in this run (read under the writer lock)."""
        idx = np.fromiter(self._status.keys(), np.int64, len(self._status))
        st = np.fromiter(self._status.values(), np.int8, len(self._status))
        return idx, st

    def _create(self, runs, grid, attrs):
        """Build the run under a temporary name, then rename it: a failed creation leaves nothing behind."""
        tmp = _NEW + self.run
        g = runs.create_group(tmp)
        try:
            for k, v in attrs.items():
                g.attrs[k] = v if isinstance(v, int | float | str | np.integer | np.floating) else json.dumps(v)
            pts = g.create_group("points")
            for k, v in grid.items():
                d = pts.create_dataset(k, data=v if v.dtype.kind != "U" else v.astype("S"))
                d.attrs["unit"] = unit_from_name(k, self.units)
            g.create_dataset("done", shape=(0,), maxshape=(None,), dtype="i8", chunks=(1024,))
            g.create_dataset("status", shape=(0,), maxshape=(None,), dtype="i1", chunks=(1024,))
            g.create_dataset("errors", shape=(0,), maxshape=(None,), dtype=f"S{ERROR_WIDTH}", chunks=(256,))
            g.create_group("results")
        except BaseException:
            del runs[tmp]
            raise
        runs.move(tmp, self.run)
        self._f.flush()

    def _ensure_outputs(self, values: dict) -> None:
        """Create result datasets for new outputs (needs leaving SWMR mode briefly: HDF5 forbids new objects)."""
        res = self._g["results"]
        new = {k: v for k, v in values.items() if k not in res}
        if not new:
            return
        n = self._g["done"].shape[0]
        self._f.close()
        self._f = _open_append(self.path, max(self._open_timeout, 10.0))  # a reader's brief open is waited for
        self._g = self._f["runs"][self.run]
        res = self._g["results"]
        for k, v in new.items():
            shape = np.shape(v)
            row = int(np.prod(shape)) if shape else 1
            chunk_rows = max(1, min(1024, 65536 // max(row, 1)))
            d = res.create_dataset(k, shape=(n,) + shape, maxshape=(None,) + shape, dtype="f8",
                                   chunks=(chunk_rows,) + shape, compression="gzip" if row > 16 else None,
                                   fillvalue=np.nan)
            d.attrs["unit"] = unit_from_name(k, self.units)
        self._f.swmr_mode = True

    def append(self, index: int, values: dict | None, error: str | None = None) -> None:
        """Store point ``index``: its output ``values`` (name → scalar or array), or the ``error`` it raised."""
        self.append_many([(index, values, error)])

    def append_many(self, points) -> None:
        """Store several ``(index, values, error)`` points with one flush (all land, or none counts).

        A point stored earlier with an error is replaced in place (its row keeps its position; its status is
        written last); storing a point already stored as ok is refused."""
        rows = []
        for index, values, error in points:
            if not 0 <= index < self.n_points:
                raise ValueError(f"index must be in [0, {self.n_points}); got {index}")
            if self._status.get(int(index)) == STATUS_OK:
                raise ValueError(f"point {index} of run {self.run!r} is already stored")
            arrays = {}
            for k, v in (values or {}).items():
                _check_name("output name", k)
                try:
                    arrays[k] = np.asarray(v, dtype=float)
                except (TypeError, ValueError):
                    raise ValueError(f"output {k!r} must be a number or an array of numbers; got "
                                     f"{type(v).__name__}") from None
            rows.append((int(index), arrays, error))
        if len({i for i, _, _ in rows}) != len(rows):
            raise ValueError("a point index appears twice in one append")
        if not rows:
            return
        for _, arrays, _ in rows:
            self._ensure_outputs(arrays)
        g = self._g
        for _, arrays, _ in rows:
            for k, d in g["results"].items():
                if k in arrays and arrays[k].shape != d.shape[1:]:
                    raise ValueError(f"output {k!r} has shape {arrays[k].shape}; this run stores {d.shape[1:]}")
        fresh = [r for r in rows if r[0] not in self._row]
        for index, arrays, error in [r for r in rows if r[0] in self._row]:
            self._replace(self._row[index], arrays, error)
            self._status[index] = STATUS_ERROR if error is not None else STATUS_OK
        if fresh:
            self._append(fresh)
        if self._commit_fd is not None:
            record_committed(self.path, self._commit_fd)

    def _replace(self, row: int, arrays: dict, error) -> None:
        g = self._g
        for k, d in g["results"].items():
            d[row] = arrays[k] if k in arrays else np.full(d.shape[1:], np.nan)
            d.flush()
        g["errors"][row] = (error or "").encode("utf-8", "replace")[:ERROR_WIDTH]
        g["errors"].flush()
        g["status"][row] = STATUS_ERROR if error is not None else STATUS_OK  # last: the replacement's commit
        g["status"].flush()

    def _append(self, rows) -> None:
        g = self._g
        n, m = g["done"].shape[0], len(rows)
        for k, d in g["results"].items():
            block = np.full((m,) + d.shape[1:], np.nan)
            for j, (_, arrays, _) in enumerate(rows):
                if k in arrays:
                    block[j] = arrays[k]
            d.resize((n + m,) + d.shape[1:])
            d[n:n + m] = block
            d.flush()
        st = g["status"]
        st.resize((n + m,))
        st[n:n + m] = [STATUS_ERROR if e is not None else STATUS_OK for _, _, e in rows]
        st.flush()
        er = g["errors"]
        er.resize((n + m,))
        er[n:n + m] = [(e or "").encode("utf-8", "replace")[:ERROR_WIDTH] for _, _, e in rows]
        er.flush()
        done = g["done"]  # last: a row counts only once this is on disk
        done.resize((n + m,))
        done[n:n + m] = [i for i, _, _ in rows]
        done.flush()
        for j, (i, _, e) in enumerate(rows):
            self._row[i] = n + j
            self._status[i] = STATUS_ERROR if e is not None else STATUS_OK

    def close(self) -> None:
        try:
            if self._f.id.valid:
                self._f.close()
            if self._commit_fd is not None:
                record_committed(self.path, self._commit_fd)
                os.close(self._commit_fd)
                self._commit_fd = None
        finally:
            if self._lock is not None:
                self._lock.release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _check_name(what: str, name) -> str:
    """A name usable as an HDF5 link: a non-empty string without '/', not '.' and not starting with '.'."""
    if not isinstance(name, str) or not name or "/" in name or name.startswith("."):
        raise ValueError(f"{what} must be a non-empty string without '/' that does not start with '.'; "
                         f"got {name!r}")
    return name


def describe_environment() -> dict:
    """Provenance recorded with every run."""
    return {"software_version": software_version(), "python": platform.python_version(),
            "numpy": np.__version__, "h5py": h5py.__version__, "host": socket.gethostname(), "created": utc_now()}
