"""The store read into xarray on the sweep's grid (grid dimensions; a ``sample`` dimension for Monte Carlo), units
on every variable by the stated rule, and netCDF export through an atomic write."""

import math

import numpy as np
import pytest

from links.store_xarray import netcdf_engine, unit_from_name, write_netcdf
from links.sweep import Distribution, SweepSpec, run_sweep

xr = pytest.importorskip("xarray")


def figures(x, mode, a=1.0, rng=None):
    """A sweep function with outputs whose names say their units (and one that says none)."""
    if mode == "bad" and x > 2:
        raise RuntimeError("bad point")
    gain = 2.0 if mode == "two" else 1.0
    return {"power_dbm": gain * a * x, "loss_db": -x, "delay_s": x * 1e-12, "ber": 1e-3 * x,
            "trace": np.arange(3) * x}


def _grid_run(tmp_path):
    spec = SweepSpec(function=figures, grid={"x": [1.0, 2.0, 3.0], "mode": ["one", "two", "bad"]},
                     units={"x": "m", "ber": "1"}, name="g")
    return run_sweep(spec, tmp_path / "s.h5", scheduler="sync", progress=False)


def test_grid_sweep_reads_on_grid_dimensions(tmp_path):
    ds = _grid_run(tmp_path).to_xarray()
    assert dict(ds.sizes) == {"x": 3, "mode": 3, "trace_dim1": 3}
    assert ds["x"].values.tolist() == [1.0, 2.0, 3.0] and ds["mode"].values.tolist() == ["one", "two", "bad"]
    assert ds["power_dbm"].dims == ("x", "mode")
    # the value at (x, mode) is the function's at those arguments, whatever the completion order
    for x in (1.0, 2.0, 3.0):
        assert float(ds["power_dbm"].sel(x=x, mode="two")) == 2.0 * x
        assert float(ds["power_dbm"].sel(x=x, mode="one")) == x
    assert ds["trace"].sel(x=3.0, mode="one").values.tolist() == [0.0, 3.0, 6.0]
    assert math.isnan(float(ds["power_dbm"].sel(x=3.0, mode="bad")))  # the failed point
    assert int(ds["status"].sel(x=3.0, mode="bad")) == 2 and int(ds["status"].sel(x=1.0, mode="bad")) == 1
    assert "bad point" in str(ds["error"].sel(x=3.0, mode="bad").values)
    assert int(ds["point"].sel(x=2.0, mode="two")) == 1 * 3 + 1  # Cartesian order, last parameter fastest


def test_units_on_every_variable_by_the_rule(tmp_path):
    ds = _grid_run(tmp_path).to_xarray()
    for name in list(ds.data_vars) + list(ds.coords):
        assert "units" in ds[name].attrs, name
    assert ds["x"].attrs["units"] == "m"  # declared
    assert ds["power_dbm"].attrs["units"] == "dBm" and ds["loss_db"].attrs["units"] == "dB"  # from the names
    assert ds["delay_s"].attrs["units"] == "s"
    assert ds["ber"].attrs["units"] == "1" and ds["mode"].attrs["units"] == "1"  # dimensionless


@pytest.mark.parametrize("name, unit", [
    ("launch_power_dbm", "dBm"), ("osnr_db", "dB"), ("alpha_db_per_km", "dB/km"), ("eo_bandwidth_hz", "Hz"),
    ("vpi_v", "V"), ("gap_m", "m"), ("width_um", "um"), ("latency_s", "s"), ("dispersion_ps_nm_km", "ps/(nm km)"),
    ("gamma_per_w_km", "1/(W km)"), ("ber", "1"), ("cycle_slips", "1"), ("mass", "1"), ("s", "1"),
])
def test_unit_from_name(name, unit):
    assert unit_from_name(name) == unit
    assert unit_from_name(name, {name: "furlong"}) == "furlong"  # a declared unit wins


def test_monte_carlo_has_a_sample_dimension(tmp_path):
    spec = SweepSpec(function=figures, grid={"x": [1.0, 2.0]}, fixed={"mode": "one"},
                     random={"a": Distribution("normal", {"mean": 1.0, "std": 0.1})}, n_samples=4, seed=3, name="mc")
    data = run_sweep(spec, tmp_path / "s.h5", scheduler="sync", progress=False)
    ds = data.to_xarray()
    assert ds["power_dbm"].dims == ("x", "sample") and ds.sizes["sample"] == 4
    draws = spec.points()["a"].reshape(2, 4)
    np.testing.assert_array_equal(ds["a"].values, draws)  # the random draws, on (x, sample)
    np.testing.assert_allclose(ds["power_dbm"].values, draws * np.array([[1.0], [2.0]]), rtol=1e-15)
    only_samples = run_sweep(SweepSpec(function=lambda a: {"y": a}, random={"a": Distribution(
        "uniform", {"low": 0.0, "high": 1.0})}, n_samples=5, name="u"), tmp_path / "s.h5", scheduler="sync",
        progress=False).to_xarray()
    assert only_samples["y"].dims == ("sample",) and only_samples.sizes["sample"] == 5


def test_flat_layout_and_runs_without_a_definition(tmp_path):
    data = _grid_run(tmp_path)
    flat = data.to_xarray(flat=True)
    assert flat["power_dbm"].dims == ("point",) and flat.sizes["point"] == 9
    from links.store import Store

    store = Store(tmp_path / "w.h5")
    with store.writer("raw", grid={"x": np.arange(3.0)}, attrs={"fingerprint": "f"}) as w:
        w.append(0, {"y_w": 1.0})
    ds = store.read("raw").to_xarray()  # no sweep definition: by point
    assert ds["y_w"].dims == ("point",) and ds["y_w"].attrs["units"] == "W"


def test_netcdf_export_round_trip(tmp_path):
    data = _grid_run(tmp_path)
    path = data.to_netcdf(tmp_path / "g.nc")
    with xr.open_dataset(path) as back:
        assert back["power_dbm"].dims == ("x", "mode")
        np.testing.assert_array_equal(back["power_dbm"].values, data.to_xarray()["power_dbm"].values)
        assert back["power_dbm"].attrs["units"] == "dBm" and back["x"].attrs["units"] == "m"
        assert back["mode"].values.tolist() == ["one", "two", "bad"]
        assert back.attrs["function"].endswith(":figures")


def test_netcdf_scipy_engine_is_always_there(tmp_path):
    assert netcdf_engine() in ("h5netcdf", "scipy")
    ds = _grid_run(tmp_path).to_xarray()
    write_netcdf(ds, tmp_path / "n3.nc", engine="scipy")
    with xr.open_dataset(tmp_path / "n3.nc", engine="scipy") as back:
        assert back["point"].values.tolist() == ds["point"].values.tolist()
        assert back["status"].values.tolist() == ds["status"].values.tolist()


def test_netcdf_write_is_atomic(tmp_path, monkeypatch):
    ds = _grid_run(tmp_path).to_xarray()
    target = tmp_path / "keep.nc"
    target.write_bytes(b"the previous export")

    def broken(self, path, **kw):
        with open(path, "wb") as fh:
            fh.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(xr.Dataset, "to_netcdf", broken)
    with pytest.raises(OSError, match="disk full"):
        write_netcdf(ds, target)
    assert target.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".keep")) == []


def test_cli_sweep_writes_netcdf(tmp_path, monkeypatch, capsys):
    from optolink.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "cli_nc_workload.py").write_text("def f(x):\n    return {'y_db': 2.0 * x}\n")
    (tmp_path / "s.yaml").write_text("function: cli_nc_workload:f\ngrid: {x: [1.0, 2.0]}\nname: nc\n")
    assert main(["sweep", "s.yaml", "--store", "r.h5", "--scheduler", "sync", "--netcdf", "r.nc"]) == 0
    with xr.open_dataset(tmp_path / "r.nc") as back:
        assert back["y_db"].values.tolist() == [2.0, 4.0] and back["y_db"].attrs["units"] == "dB"
    assert main(["sweep", "s.yaml", "--store", "r.h5", "--netcdf", str(tmp_path / "no" / "r.nc")]) == 2
    assert "--netcdf" in capsys.readouterr().err
