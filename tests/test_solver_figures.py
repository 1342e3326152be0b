"""Device figures from the cross-section solvers: a ring's simulated dips vs its bent-mode FSR, the results
cache, and the solver figures against the closed forms."""

import json
import math

import numpy as np
import pytest
from scipy.optimize import minimize_scalar
from scipy.signal import argrelmin

from photonics import solver_cache
from photonics.devices import with_model
from photonics.rings import RingModulator
from photonics.solver_figures import device_figures, ring_figures, ring_transmission


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTOLINK_CACHE", str(tmp_path))
    solver_cache.clear_memory()
    yield
    solver_cache.clear_memory()


def _dips(ring, lo, hi):
    lam = np.linspace(lo, hi, 6001)
    t = ring_transmission(ring, lam)
    out = []
    for i in argrelmin(t)[0]:
        res = minimize_scalar(lambda w: float(ring_transmission(ring, np.array([w]))[0]),
                              bounds=(lam[i - 1], lam[i + 1]), method="bounded", options={"xatol": 1e-16})
        out.append(res.x)
    return np.array(out)


def test_ring_fsr_from_bent_group_index_equals_dip_spacing():
    # FSR = λ²/(n_g L) with n_g the bent mode's group index (Hellmann-Feynman derivative at λ0, material
    # dispersion included) against the spacing of the transmission dips of the same ring simulated with n_eff(λ)
    # solved at three wavelengths (Bogaerts et al., Laser Photon. Rev. 6, 47 (2012), eq. 9), on the same grid. Six
    # mode solves (straight + bent at three wavelengths), the least that resolves n_eff(λ) across two FSRs
    ring = RingModulator()
    fig = ring_figures(ring)  # the ring's own figures: what every chip build and link uses
    lam0 = ring.design_wavelength
    dips = _dips(ring, lam0 - 1.2 * fig["fsr_m"], lam0 + 1.2 * fig["fsr_m"])
    assert dips.size >= 2
    k = np.searchsorted(dips, lam0)
    a, b = dips[k - 1], dips[k]
    mid = 0.5 * (a + b)
    fsr = mid**2 / (fig["group_index"] * ring.length)
    assert (b - a) == pytest.approx(fsr, rel=5e-3)


def test_cache_memory_disk_and_damage(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"x": np.float64(1.5), "y": np.arange(3)}
    key = (RingModulator(), 20e-9)
    first = solver_cache.cached("probe", key, compute)
    assert first == {"x": 1.5, "y": [0, 1, 2]}
    assert solver_cache.cached("probe", key, compute) == first and len(calls) == 1  # memory
    solver_cache.clear_memory()
    assert solver_cache.cached("probe", key, compute) == first and len(calls) == 1  # disk
    files = list((tmp_path / "solvers").glob("probe-*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text())["value"] == first
    files[0].write_text("{partial")  # a damaged entry is recomputed and rewritten
    solver_cache.clear_memory()
    assert solver_cache.cached("probe", key, compute) == first and len(calls) == 2
    assert solver_cache.cached("probe", (RingModulator(radius=8e-6), 20e-9), compute) == first
    assert len(calls) == 3  # another device is another fingerprint


def test_cache_off(monkeypatch, tmp_path):
    monkeypatch.setenv("OPTOLINK_CACHE", "off")
    assert solver_cache.cache_directory() is None
    assert solver_cache.cached("probe", (1,), lambda: {"a": 1}) == {"a": 1}
    assert not any(tmp_path.iterdir())


def test_closed_form_choice_and_bad_input():
    ring = RingModulator()
    cf = device_figures(ring, model="closed_form")
    closed = with_model(ring, "closed_form")
    assert cf["fsr_m"] == pytest.approx(float(closed.fsr()), rel=1e-12)
    assert cf["group_index"] == pytest.approx(closed.waveguide.mode.group_index, rel=1e-12)  # the EIM mode
    assert cf["bend_loss_db_per_round_trip"] == 0.0
    # the default ring is the solver's: its figures are device_figures(ring) exactly (one path)
    assert device_figures(ring)["fsr_m"] == pytest.approx(float(ring.fsr()), rel=1e-12)
    with pytest.raises(ValueError, match="model"):
        device_figures(ring, model="eim")
    with pytest.raises(TypeError, match="device"):
        device_figures("ring")
    assert math.isfinite(cf["q_loaded"])
