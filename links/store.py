"""HDF5 results store: one file, a group per run, points appended as they complete, safe against SIGKILL.

Schema (``optolink.store/1``)::

    /                               attrs: schema="optolink.store/1", created, software_version
    /runs/<name>/                   attrs: function, fingerprint, parameters (JSON: the whole sweep definition),
                                           seed, n_points, software_version, python, numpy, host, created
    /runs/<name>/points/<param>     the point grid, one dataset per parameter, shape (n_points,),
                                    written when the run is created (attrs: unit)
    /runs/<name>/done               int64 (n_done,): point indices in completion order — appended LAST,
                                    so every row below len(done) is complete in every other dataset
    /runs/<name>/status             int8 (n_done,): 1 = ok, 2 = error
    /runs/<name>/results/<output>   float64 (n_done, *shape), chunked + gzip (attrs: unit); NaN rows for errors
    /runs/<name>/errors             S512 (n_done,): the error ("" for ok points)

Crash safety: appends run in HDF5's single-writer/multiple-reader (SWMR) mode with ``libver="latest"``,
whose ordered metadata flushes keep the file consistent on disk after every flush: a writer killed
with SIGKILL leaves a file that ``Store`` (and ``h5py.File(path, "r", swmr=True)``) reads at once, with
every point flushed before the kill. Reopening such a file for writing first copies its complete rows
into a fresh file that atomically replaces it (HDF5 marks a crashed SWMR file as still open for writing).
"""

from __future__ import annotations

import json
import os
import pathlib
import platform
import socket
from dataclasses import dataclass, field

import h5py
import numpy as np

from optolink.core.files import atomic_path
from optolink.core.provenance import software_version, utc_now

SCHEMA = "optolink.store/1"
ERROR_WIDTH = 512
STATUS_OK, STATUS_ERROR = 1, 2


class StoreError(ValueError):
    """The file is not an optolink store, is corrupted, or does not hold what was asked."""


def _open_read(path: pathlib.Path) -> h5py.File:
    """Open for reading, also when a SWMR writer was killed (its flags still say 'open for writing')."""
    if not path.exists():
        raise FileNotFoundError(f"store file not found: {path}")
    try:
        return h5py.File(path, "r")
    except OSError as first:
        try:
            return h5py.File(path, "r", swmr=True)
        except OSError:
            raise StoreError(f"{path} is not a readable HDF5 file (corrupted or not HDF5): {first}") from None


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

    def to_xarray(self):
        """An ``xarray.Dataset`` indexed by point (requires xarray)."""
        try:
            import xarray as xr
        except ImportError as exc:
            raise ImportError("to_xarray needs xarray: pip install xarray") from exc
        data = {}
        for k, v in self.results.items():
            dims = ("point",) + tuple(f"{k}_dim{i}" for i in range(1, v.ndim))
            data[k] = (dims, v, {"unit": self.units.get(k, "")})
        coords = {"point": self.index}
        coords.update({k: ("point", v, {"unit": self.units.get(k, "")}) for k, v in self.params.items()})
        return xr.Dataset(data, coords=coords, attrs={k: str(v) for k, v in self.attrs.items()})


class Store:
    """An HDF5 results store at ``path``. Creating one never overwrites a foreign or corrupted file."""

    def __init__(self, path: str | os.PathLike):
        self.path = pathlib.Path(path)
        if self.path.exists():
            with _open_read(self.path) as f:
                _check_schema(f, self.path)
        else:
            with atomic_path(self.path) as tmp, h5py.File(tmp, "w", libver="latest") as f:
                f.attrs["schema"] = SCHEMA
                f.attrs["created"] = utc_now()
                f.attrs["software_version"] = software_version()
                f.create_group("runs")

    # --- reading -------------------------------------------------------------------------------------
    def runs(self) -> list[str]:
        with _open_read(self.path) as f:
            _check_schema(f, self.path)
            return sorted(f["runs"].keys())

    def read(self, run: str) -> RunData:
        """Read a run's completed points (also right after the writer was killed)."""
        with _open_read(self.path) as f:
            _check_schema(f, self.path)
            if run not in f["runs"]:
                raise StoreError(f"no run {run!r} in {self.path}; runs: {sorted(f['runs'].keys())}")
            g = f["runs"][run]
            n = g["done"].shape[0]
            index = g["done"][:n].astype(np.int64)
            status = g["status"][:n] if "status" in g else np.ones(n, np.int8)
            n = min(n, status.shape[0])
            index, status = index[:n], status[:n]
            grid = {k: g["points"][k][()] for k in g["points"]}
            units = {k: _attr(g["points"][k], "unit") for k in g["points"]}
            params = {k: v[index] for k, v in grid.items()}
            results = {}
            for k in g["results"]:
                results[k] = g["results"][k][:n]
                units[k] = _attr(g["results"][k], "unit")
            errors = [e.decode("utf-8", "replace") for e in g["errors"][:n]] if "errors" in g else [""] * n
            attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}
        return RunData(run, attrs, index, status, params, results, errors, units, grid)

    def done_indices(self, run: str) -> np.ndarray:
        """Indices of the points already stored (ok or error)."""
        with _open_read(self.path) as f:
            _check_schema(f, self.path)
            if run not in f["runs"]:
                return np.zeros(0, np.int64)
            g = f["runs"][run]
            n = min(g["done"].shape[0], g["status"].shape[0])
            return g["done"][:n].astype(np.int64)

    def run_attrs(self, run: str) -> dict | None:
        with _open_read(self.path) as f:
            _check_schema(f, self.path)
            if run not in f["runs"]:
                return None
            return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f["runs"][run].attrs.items()}

    # --- writing -------------------------------------------------------------------------------------
    def writer(self, run: str, *, grid: dict, attrs: dict, units: dict | None = None) -> RunWriter:
        """A writer appending points to ``run``; creates the run (with its grid) if it is new.

        An existing run must have the same ``attrs["fingerprint"]``; otherwise StoreError (never mixed).
        """
        self._repair_if_crashed()
        return RunWriter(self.path, run, grid, attrs, units or {})

    def _repair_if_crashed(self) -> None:
        try:
            with h5py.File(self.path, "a", libver="latest"):
                return
        except OSError:
            pass
        # a killed SWMR writer: copy the complete rows into a fresh file, then replace atomically
        with h5py.File(self.path, "r", swmr=True) as src:
            _check_schema(src, self.path)
            with atomic_path(self.path, suffix=".repair") as tmp, h5py.File(tmp, "w", libver="latest") as dst:
                for k, v in src.attrs.items():
                    dst.attrs[k] = v
                runs = dst.create_group("runs")
                for name, g in src["runs"].items():
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
    """Appends completed points to one run in SWMR mode; use as a context manager."""

    def __init__(self, path: pathlib.Path, run: str, grid: dict, attrs: dict, units: dict):
        self.path, self.run, self.units = path, run, dict(units)
        grid = {k: np.asarray(v) for k, v in grid.items()}
        sizes = {v.shape[0] for v in grid.values()}
        if len(sizes) > 1:
            raise ValueError(f"grid arrays must all have the same length; got {sorted(sizes)}")
        self.n_points = sizes.pop() if sizes else 0
        self._f = h5py.File(path, "a", libver="latest")
        try:
            _check_schema(self._f, path)
            runs = self._f["runs"]
            if run in runs:
                old = runs[run].attrs.get("fingerprint")
                if isinstance(old, bytes):
                    old = old.decode()
                if old != attrs.get("fingerprint"):
                    raise StoreError(
                        f"run {run!r} already exists in {path} with different parameters (fingerprint {old} vs "
                        f"{attrs.get('fingerprint')}); use another run name"
                    )
            else:
                self._create(runs, grid, attrs)
            self._g = runs[run]
            self._f.swmr_mode = True
        except BaseException:
            self._f.close()
            raise

    def _create(self, runs, grid, attrs):
        g = runs.create_group(self.run)
        for k, v in attrs.items():
            g.attrs[k] = v if isinstance(v, int | float | str | np.integer | np.floating) else json.dumps(v)
        pts = g.create_group("points")
        for k, v in grid.items():
            d = pts.create_dataset(k, data=v if v.dtype.kind != "U" else v.astype("S"))
            d.attrs["unit"] = self.units.get(k, "")
        g.create_dataset("done", shape=(0,), maxshape=(None,), dtype="i8", chunks=(1024,))
        g.create_dataset("status", shape=(0,), maxshape=(None,), dtype="i1", chunks=(1024,))
        g.create_dataset("errors", shape=(0,), maxshape=(None,), dtype=f"S{ERROR_WIDTH}", chunks=(256,))
        g.create_group("results")

    def _ensure_outputs(self, values: dict) -> None:
        """Create result datasets for new outputs (needs leaving SWMR mode briefly: HDF5 forbids new objects)."""
        res = self._g["results"]
        new = {k: v for k, v in values.items() if k not in res}
        if not new:
            return
        n = self._g["done"].shape[0]
        self._f.close()
        self._f = h5py.File(self.path, "a", libver="latest")
        self._g = self._f["runs"][self.run]
        res = self._g["results"]
        for k, v in new.items():
            shape = np.shape(v)
            row = int(np.prod(shape)) if shape else 1
            chunk_rows = max(1, min(1024, 65536 // max(row, 1)))
            d = res.create_dataset(k, shape=(n,) + shape, maxshape=(None,) + shape, dtype="f8",
                                   chunks=(chunk_rows,) + shape, compression="gzip" if row > 16 else None,
                                   fillvalue=np.nan)
            d.attrs["unit"] = self.units.get(k, "")
        self._f.swmr_mode = True

    def append(self, index: int, values: dict | None, error: str | None = None) -> None:
        """Store point ``index``: its output ``values`` (name → scalar or array), or the ``error`` it raised."""
        self.append_many([(index, values, error)])

    def append_many(self, points) -> None:
        """Store several ``(index, values, error)`` points with one flush (all land, or none counts)."""
        rows = []
        for index, values, error in points:
            if not 0 <= index < self.n_points:
                raise ValueError(f"index must be in [0, {self.n_points}); got {index}")
            arrays = {}
            for k, v in (values or {}).items():
                try:
                    arrays[k] = np.asarray(v, dtype=float)
                except (TypeError, ValueError):
                    raise ValueError(f"output {k!r} must be a number or an array of numbers; got "
                                     f"{type(v).__name__}") from None
            rows.append((int(index), arrays, error))
        if not rows:
            return
        for _, arrays, _ in rows:
            self._ensure_outputs(arrays)
        g = self._g
        n, m = g["done"].shape[0], len(rows)
        for k, d in g["results"].items():
            block = np.full((m,) + d.shape[1:], np.nan)
            for j, (_, arrays, _) in enumerate(rows):
                if k in arrays:
                    if arrays[k].shape != d.shape[1:]:
                        raise ValueError(f"output {k!r} has shape {arrays[k].shape}; this run stores {d.shape[1:]}")
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

    def close(self) -> None:
        if self._f.id.valid:
            self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def describe_environment() -> dict:
    """Provenance recorded with every run."""
    return {"software_version": software_version(), "python": platform.python_version(),
            "numpy": np.__version__, "h5py": h5py.__version__, "host": socket.gethostname(), "created": utc_now()}
