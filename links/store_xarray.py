"""A stored run as an ``xarray.Dataset`` on the sweep's grid, with units on every variable, and netCDF export.

**Layout.** A grid sweep's dataset has one dimension per grid parameter (in the sweep's order, the grid values
as coordinates); a Monte Carlo sweep (``random`` parameters or ``n_samples > 1``) adds a ``sample`` dimension
(last), with the random parameters' draws as coordinates on (grid..., sample). Each output is a variable on
those dimensions (plus its own array dimensions, ``<output>_dim1``, ...); points not computed yet, and points
that failed, hold NaN. ``status`` (0 not computed, 1 ok, 2 error), ``error`` (the error text) and ``point``
(the point index) sit on the same dimensions. A run written without a sweep definition reads as ``point``.

**Units** (the ``units`` attribute of every variable and coordinate, CF style): the unit declared for the name
in the sweep's ``units`` mapping; else the unit its name ends with (:func:`unit_from_name`: ``_db`` → dB,
``_dbm`` → dBm, ``_hz`` → Hz, ``_s`` → s, ``_m`` → m, ``_um`` → um, ``_w`` → W, ``_v`` → V, ... — the project's
naming rule); else ``"1"`` (dimensionless: a count, a ratio, a BER — declare the unit of anything else).

**netCDF.** :func:`write_netcdf` writes the dataset through an atomic replace, with ``h5netcdf`` (netCDF-4) when
it is installed, else SciPy's netCDF-3 writer (always there: SciPy is a dependency); ``xarray.open_dataset``
reads either.
"""

from __future__ import annotations

import json
import os

import numpy as np

# name suffix → unit, longest first (a suffix matches after an underscore, e.g. "launch_power_dbm")
UNIT_SUFFIXES = (
    ("ps_nm_km", "ps/(nm km)"), ("ps_nm", "ps/nm"), ("db_per_km", "dB/km"), ("db_per_m", "dB/m"),
    ("db_per_cm", "dB/cm"), ("per_w_km", "1/(W km)"), ("per_m", "1/m"), ("per_s", "1/s"),
    ("dbm", "dBm"), ("dbc", "dBc"), ("db", "dB"), ("ghz", "GHz"), ("thz", "THz"), ("mhz", "MHz"), ("hz", "Hz"),
    ("gbd", "GBd"), ("bps", "bit/s"), ("ps", "ps"), ("ns", "ns"), ("us", "us"), ("fs", "fs"), ("s", "s"),
    ("km", "km"), ("mm", "mm"), ("um", "um"), ("nm", "nm"), ("m", "m"), ("mw", "mW"), ("w", "W"), ("mv", "mV"),
    ("v", "V"), ("ma", "mA"), ("a", "A"), ("ohm", "ohm"), ("ff", "fF"), ("pf", "pF"), ("f", "F"), ("j", "J"),
    ("k", "K"), ("rad", "rad"), ("deg", "deg"), ("m3", "m^-3"),
)
DIMENSIONLESS = "1"


def unit_from_name(name: str, declared: dict | None = None) -> str:
    """The unit of a parameter or output: declared, else from its name's suffix, else ``"1"`` (see above)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string; got {type(name).__name__}")
    if declared is not None and not isinstance(declared, dict):
        raise TypeError(f"declared must be a mapping name → unit; got {type(declared).__name__}")
    if declared and declared.get(name):
        return str(declared[name])
    low = name.lower()
    for suffix, unit in UNIT_SUFFIXES:
        if low.endswith("_" + suffix):
            return unit
    return DIMENSIONLESS


def _grid_layout(attrs: dict):
    """``(grid names, grid sizes, n_samples, monte_carlo)`` from the run's stored definition, or None."""
    try:
        definition = json.loads(attrs["parameters"]) if isinstance(attrs.get("parameters"), str) else None
    except (ValueError, TypeError):
        definition = None
    if not isinstance(definition, dict) or not isinstance(definition.get("grid"), dict):
        return None
    names = list(definition["grid"])
    sizes = [len(v) for v in definition["grid"].values()]
    n_samples = int(definition.get("n_samples", 1))
    monte_carlo = bool(definition.get("random")) or n_samples > 1 or not names
    return names, sizes, n_samples, monte_carlo


def _decoded(a: np.ndarray) -> np.ndarray:
    return a.astype(str) if a.dtype.kind == "S" else a


def run_to_xarray(run, *, flat: bool = False):
    """The dataset of ``run`` (a ``links.store.RunData``) on its grid (see the module docstring);
    ``flat=True``: indexed by ``point`` in completion order instead."""
    try:
        import xarray as xr
    except ImportError as exc:
        raise ImportError("to_xarray needs xarray: pip install xarray") from exc
    units = {k: unit_from_name(k, run.units) for k in [*run.grid, *run.results]}
    attrs = {k: str(v) for k, v in run.attrs.items()}
    layout = None if flat else _grid_layout(run.attrs)
    n_points = len(next(iter(run.grid.values()))) if run.grid else 0
    if layout is None or n_points != int(np.prod(layout[1]) * layout[2]):
        data = {k: (("point",) + tuple(f"{k}_dim{i}" for i in range(1, v.ndim)), v, {"units": units[k]})
                for k, v in run.results.items()}
        data["status"] = ("point", run.status, {"units": DIMENSIONLESS, "flag_values": "1 2",
                                                "flag_meanings": "ok error"})
        coords = {"point": run.index}
        coords.update({k: ("point", _decoded(v), {"units": units[k]}) for k, v in run.params.items()})
        return xr.Dataset(data, coords=coords, attrs=attrs)
    names, sizes, n_samples, monte_carlo = layout
    dims = tuple(names) + (("sample",) if monte_carlo else ())
    shape = tuple(sizes) + ((n_samples,) if monte_carlo else ())
    coords = {}
    for axis, k in enumerate(names):  # the grid values along each axis (the point grid repeats them)
        full = _decoded(run.grid[k]).reshape(shape)
        coords[k] = (k, full[tuple(slice(None) if a == axis else 0 for a in range(len(shape)))],
                     {"units": units[k]})
    if monte_carlo:
        coords["sample"] = ("sample", np.arange(n_samples), {"units": DIMENSIONLESS})
    for k, v in run.grid.items():  # the random draws: on every dimension
        if k not in names and k != "sample":
            coords[k] = (dims, _decoded(v).reshape(shape), {"units": units[k]})
    coords["point"] = (dims, np.arange(n_points).reshape(shape), {"units": DIMENSIONLESS})
    status = np.zeros(n_points, np.int8)
    status[run.index] = run.status
    errors = np.full(n_points, "", dtype=object)
    errors[run.index] = run.errors
    data = {}
    for k, v in run.results.items():
        full = np.full((n_points,) + v.shape[1:], np.nan)
        full[run.index] = v
        extra = tuple(f"{k}_dim{i}" for i in range(1, v.ndim))
        data[k] = (dims + extra, full.reshape(shape + v.shape[1:]), {"units": units[k]})
    data["status"] = (dims, status.reshape(shape), {"units": DIMENSIONLESS, "flag_values": "0 1 2",
                                                    "flag_meanings": "not_computed ok error"})
    data["error"] = (dims, errors.astype(str).reshape(shape), {"units": DIMENSIONLESS})
    return xr.Dataset(data, coords=coords, attrs=attrs)


def netcdf_engine() -> str:
    """``"h5netcdf"`` when installed (netCDF-4), else ``"scipy"`` (netCDF-3, always available)."""
    try:
        import h5netcdf  # noqa: F401
    except ImportError:
        return "scipy"
    return "h5netcdf"


def write_netcdf(dataset, path: str | os.PathLike, *, engine: str | None = None):
    """Write ``dataset`` to ``path`` as netCDF through a temporary file and an atomic replace; the path."""
    from optolink.core.files import atomic_path

    engine = engine or netcdf_engine()
    if engine not in ("h5netcdf", "scipy", "netcdf4"):
        raise ValueError(f"engine must be 'h5netcdf', 'scipy' or 'netcdf4'; got {engine!r}")
    ds = dataset.copy()
    if engine == "scipy":  # netCDF-3: no 64-bit integers, no booleans
        for name in list(ds.variables):
            kind = ds[name].dtype.kind
            if kind == "b" or (kind in "iu" and ds[name].dtype.itemsize == 8):
                v = ds[name].values
                fits = v.size == 0 or (np.abs(v.astype(np.int64)).max() < 2**31)
                ds[name] = ds[name].astype(np.int32 if fits else np.float64)
    with atomic_path(path, suffix=".nc.tmp") as tmp:
        ds.to_netcdf(tmp, engine=engine, format="NETCDF3_64BIT" if engine == "scipy" else None)
    return path
