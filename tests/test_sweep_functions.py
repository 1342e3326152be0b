"""Sweep functions: a module of the working directory without PYTHONPATH, plain callables (notebook use), on the
synchronous scheduler and a LocalCluster, and the resume guarantee kept by the fingerprint of the function's
code (changed code is refused, never mixed into a stored run)."""

import functools
import importlib
import pathlib
import sys
import textwrap

import numpy as np
import pytest

from links.store import Store, StoreError
from links.sweep import SweepSpec, load_sweep_file, run_sweep
from links.sweep_function import code_fingerprint, function_name, resolve_function


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A fresh working directory that is not on sys.path (as for ``python /elsewhere/script.py``)."""
    d = tmp_path / "work"
    d.mkdir()
    monkeypatch.chdir(d)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(d))])
    yield d
    for name in [m for m in sys.modules if m.startswith("cwd_sweep_")]:
        del sys.modules[name]


def _module(directory: pathlib.Path, name: str, body: str) -> None:
    (directory / f"{name}.py").write_text(textwrap.dedent(body))
    importlib.invalidate_caches()


def test_module_of_the_working_directory_without_pythonpath(workdir):
    _module(workdir, "cwd_sweep_a", "def f(x):\n    return {'y': 3 * x}\n")
    assert str(workdir) not in sys.path
    data = run_sweep(SweepSpec(function="cwd_sweep_a:f", grid={"x": [1.0, 2.0]}, name="a"), workdir / "s.h5",
                     scheduler="sync", progress=False).sorted()
    assert data.results["y"].tolist() == [3.0, 6.0]


def test_sweep_file_in_another_directory_finds_the_module_of_the_working_directory(workdir, tmp_path):
    _module(workdir, "cwd_sweep_b", "def f(x):\n    return {'y': x + 1}\n")
    other = tmp_path / "defs"
    other.mkdir()
    sweep = other / "s.yaml"
    sweep.write_text("function: cwd_sweep_b:f\ngrid: {x: [1, 2]}\nname: b\n")
    spec = load_sweep_file(sweep)  # allowed by default: the module lives in the working directory
    assert run_sweep(spec, workdir / "s.h5", scheduler="sync", progress=False).sorted().results["y"].tolist() \
        == [2.0, 3.0]


@pytest.mark.parametrize("make", [
    lambda: (lambda x: {"y": 2.0 * x}),
    lambda: functools.partial(lambda x, k: {"y": k * x}, k=2.0),
])
def test_plain_callables_run_and_resume(tmp_path, make):
    fn = make()
    spec = SweepSpec(function=fn, grid={"x": [1.0, 2.0, 3.0]}, name="c")
    data = run_sweep(spec, tmp_path / "s.h5", scheduler="sync", progress=False).sorted()
    assert data.results["y"].tolist() == [2.0, 4.0, 6.0]
    assert data.attrs["function"] == function_name(fn) and data.attrs["code_fingerprint"] == code_fingerprint(fn)
    again = run_sweep(SweepSpec(function=make(), grid={"x": [1.0, 2.0, 3.0]}, name="c"), tmp_path / "s.h5",
                      scheduler="sync", progress=False)  # the same code (a new object): resumes, nothing to do
    assert again.n_done == 3


def _from_source(source: str):
    ns = {}
    exec(source, ns)  # no source file: the bytecode is fingerprinted
    return ns["f"]


def test_changed_code_of_a_callable_is_refused_not_mixed(tmp_path):
    store = tmp_path / "s.h5"
    v1 = _from_source("def f(x):\n    return {'y': x}\n")
    v2 = _from_source("def f(x):\n    return {'y': 2 * x}\n")
    assert function_name(v1) == function_name(v2) and code_fingerprint(v1) != code_fingerprint(v2)
    run_sweep(SweepSpec(function=v1, grid={"x": [1, 2]}, name="r"), store, scheduler="sync", progress=False)
    with pytest.raises(StoreError, match="code changed"):
        run_sweep(SweepSpec(function=v2, grid={"x": [1, 2]}, name="r"), store, scheduler="sync", progress=False)
    assert Store(store).read("r").sorted().results["y"].tolist() == [1.0, 2.0]  # untouched


def test_closure_values_and_helpers_are_part_of_the_code():
    def make(k):
        return lambda x: {"y": k * x}

    assert code_fingerprint(make(2.0)) == code_fingerprint(make(2.0))
    assert code_fingerprint(make(2.0)) != code_fingerprint(make(3.0))
    h1 = _from_source("SCALE = 2.0\ndef g(x):\n    return SCALE * x\ndef f(x):\n    return {'y': g(x)}\n")
    h2 = _from_source("SCALE = 2.0\ndef g(x):\n    return SCALE * x + 1\ndef f(x):\n    return {'y': g(x)}\n")
    h3 = _from_source("SCALE = 3.0\ndef g(x):\n    return SCALE * x\ndef f(x):\n    return {'y': g(x)}\n")
    assert len({code_fingerprint(h1), code_fingerprint(h2), code_fingerprint(h3)}) == 3


def test_edited_module_function_is_refused_on_resume(workdir):
    _module(workdir, "cwd_sweep_c", "def f(x):\n    return {'y': x}\n")
    spec = SweepSpec(function="cwd_sweep_c:f", grid={"x": [1, 2, 3]}, name="m")
    run_sweep(spec, workdir / "s.h5", scheduler="sync", progress=False)
    _module(workdir, "cwd_sweep_c", "def f(x):\n    return {'y': x * 10.0}  # edited\n")
    importlib.reload(sys.modules["cwd_sweep_c"])
    with pytest.raises(StoreError, match="code changed"):
        run_sweep(spec, workdir / "s.h5", scheduler="sync", progress=False)


def test_resolve_refuses_what_is_not_a_function():
    with pytest.raises(ValueError, match="not callable"):
        resolve_function(3)
    with pytest.raises(ValueError, match="or a callable"):
        SweepSpec(function=3)


def test_callables_and_working_directory_modules_on_a_local_cluster(workdir):
    # ~4 s: one LocalCluster start for the two kinds of function that a worker cannot import by itself (a
    # lambda of the session, pickled by value, and a module of the working directory, which is not on sys.path)
    _module(workdir, "cwd_sweep_d", "def f(x):\n    return {'y': x * x}\n")
    from distributed import Client, LocalCluster

    import links.sweep as sweep

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        address = client.scheduler.address
        offset = 0.5
        for fn, name in [(lambda x: {"y": x + offset}, "lam"), ("cwd_sweep_d:f", "mod")]:
            data = sweep.run_sweep(SweepSpec(function=fn, grid={"x": [1.0, 2.0, 3.0, 4.0]}, name=name),
                                   workdir / "s.h5", scheduler=address, progress=False).sorted()
            assert np.all(data.ok), data.errors
            expect = [1.5, 2.5, 3.5, 4.5] if name == "lam" else [1.0, 4.0, 9.0, 16.0]
            assert data.results["y"].tolist() == expect
