"""IM-DD lanes at O-band and their process yield: devices moved to 1311 nm, the ring's fast RK4 step, the
die-to-die variation and the TDECQ yield through the sweep engine and the store, the demo's IM-DD section."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from links.imdd.lane_yield import LaneYield, RingVariation, device_parameters, die_tdecq, run_lane_yield, vary_ring
from links.imdd.patterns import prbs13q
from links.imdd.transmitters import at_wavelength, ring_pam4
from photonics.materials import silica_index, silicon_index
from photonics.rings import RingModulator

BAUD = 53.125e9
O_BAND = 1311e-9


# ------------------------------------------------------------------------------------------------ O-band
def test_materials_at_o_band_match_published_indices():
    # silica: Malitson, JOSA 55, 1205 (1965): n(1.31 µm) = 1.4468, n(1.55 µm) = 1.4440; silicon: Li, J. Phys.
    # Chem. Ref. Data 9, 561 (1980), room temperature: n(1.31 µm) ≈ 3.50, n(1.55 µm) ≈ 3.48
    assert float(silica_index(1.31e-6)) == pytest.approx(1.4468, abs=5e-4)
    assert float(silica_index(1.55e-6)) == pytest.approx(1.4440, abs=5e-4)
    assert float(silicon_index(1.31e-6, 293.0)) == pytest.approx(3.50, abs=0.01)
    assert float(silicon_index(1.31e-6, 293.0)) > float(silicon_index(1.55e-6, 293.0))  # normal dispersion


def test_an_o_band_ring_resonates_near_1311_nm_with_the_fsr_of_its_group_index():
    """FSR = λ²/(n_g·L) at each band with the group index of the waveguide solved there; the resonance moves to
    within FSR/2 of the new design wavelength; the gap is re-chosen so the coupling stays the C-band design's."""
    c_band = RingModulator()
    o_band = at_wavelength(c_band, O_BAND)
    assert o_band.design_wavelength == O_BAND and o_band.heater.waveguide == o_band.waveguide
    for ring in (c_band, o_band):
        lam = float(ring.resonance_wavelength())
        assert abs(lam - ring.design_wavelength) <= float(ring.fsr()) / 2
        assert float(ring.fsr()) == pytest.approx(lam**2 / (ring.group_index * ring.length), rel=2e-3)
    ratio = float(o_band.fsr()) / float(c_band.fsr())
    lam_ratio = float(o_band.resonance_wavelength()) / float(c_band.resonance_wavelength())
    assert ratio == pytest.approx(lam_ratio**2 * c_band.group_index / o_band.group_index, rel=3e-3)
    assert ratio < 0.8  # ≈ (1311/1550)² = 0.72: the O-band FSR is much narrower
    assert o_band.power_coupling == pytest.approx(c_band.power_coupling, rel=1e-6)
    # the more confined O-band mode couples less: the same coupling needs a narrower gap, and the layout's gap
    # left as it is gives an under-coupled, high-Q ring
    assert o_band.gap < c_band.gap
    kept = at_wavelength(c_band, O_BAND, keep_coupling=False)
    assert kept.gap == c_band.gap and kept.power_coupling < c_band.power_coupling
    assert kept.q_loaded() > o_band.q_loaded()
    # a C-band ring already at the process's minimum gap cannot keep its coupling in the O band: an error naming
    # the gap, or with clamp_gap the minimum gap (the closest the process allows)
    tight = RingModulator(gap=c_band.coupling_model.min_gap)
    with pytest.raises(ValueError, match="no gap"):
        at_wavelength(tight, O_BAND)
    clamped = at_wavelength(tight, O_BAND, clamp_gap=True)
    assert clamped.gap == tight.coupling_model.min_gap and clamped.power_coupling < tight.power_coupling


def test_an_o_band_mzm_uses_the_1310_nm_plasma_dispersion():
    from photonics.modulators import MachZehnderModulator

    c_band = MachZehnderModulator()
    o_band = at_wavelength(c_band, O_BAND)
    assert o_band.phase_shifter.waveguide.wavelength == O_BAND
    # Δφ = 2π·Δn_eff·L/λ: the phase per volt follows the 1.3 µm fit and the shorter wavelength, so Vπ changes
    assert o_band.vpi != pytest.approx(c_band.vpi, rel=1e-3)


def test_ring_fast_step_and_warm_up_match_the_reference_simulation():
    """The lane's ring waveform (RK4 at h·ω = 0.5, 64 warm-up symbols) against RingModulator.simulate at its
    default step over two periods of the pattern (second period kept): within 1e-4 of the mean power."""
    ring = RingModulator()
    sym = prbs13q()[:1024]
    fast = ring_pam4(ring, sym, BAUD, 8)
    from links.imdd.transmitters import pam4_drive

    v = pam4_drive(sym, 8, 0.0, 2.0)
    ref = np.asarray(ring.simulate(np.concatenate([v, v]), 8 * BAUD, wavelength=ring.operating_wavelength(1.0),
                                   input_power=1e-3).through_power)[v.size:]
    assert np.max(np.abs(fast - ref)) < 1e-4 * ref.mean()


# ------------------------------------------------------------------------------------------------ dies
def test_ring_die_variation_moves_coupling_and_resonance_the_right_way():
    ring = at_wavelength(RingModulator(), O_BAND)
    wide = vary_ring(ring, gap_delta=10e-9)
    big = vary_ring(ring, radius_delta=5e-9)
    doped = vary_ring(ring, na_scale=1.1, nd_scale=1.1)
    assert wide.power_coupling < ring.power_coupling  # evanescent coupling falls with the gap
    # Δλ/λ = ΔL/L·(n_eff/n_g) for a fixed order: a larger ring resonates to the red
    lam = float(ring.resonance_wavelength())
    shift = float(big.resonance_wavelength()) - lam
    expected = lam * 5e-9 / ring.radius * ring.waveguide.neff / ring.group_index
    assert shift == pytest.approx(expected, rel=0.05)
    assert doped.phase_shifter.na == pytest.approx(1.1 * ring.phase_shifter.na)


@pytest.fixture(scope="module")
def ring_params():
    return device_parameters("ring", at_wavelength(RingModulator(), O_BAND))


def test_die_function_returns_the_lane_figures(ring_params):
    r = die_tdecq(kind="ring", device=ring_params, pattern="PRBS13Q", sps=4)
    assert set(r) >= {"tdecq_db", "oma_outer_dbm", "extinction_ratio_db", "margin_db", "lane_pass"}
    assert 0.0 <= r["tdecq_db"] < 10.0 and r["resonance_shift_m"] == 0.0
    wider = die_tdecq(kind="ring", device=ring_params, pattern="PRBS13Q", sps=4, gap_delta=30e-9)
    # less coupling: a higher loaded Q, less bandwidth, more ISI (and the heater takes up the resonance shift)
    assert wider["tdecq_db"] > r["tdecq_db"]
    with pytest.raises(ValueError, match="kind must be"):
        die_tdecq(kind="vcsel", device=ring_params)


def test_yield_reads_back_from_the_store_and_reacts_to_the_limit(ring_params, tmp_path):
    ring = at_wavelength(RingModulator(), O_BAND)
    store = tmp_path / "y.h5"
    var = RingVariation(gap_std=15e-9)
    y = run_lane_yield("ring", ring, n_dies=4, store=store, sps=4, variation=var)
    assert isinstance(y, LaneYield) and y.n_dies == 4 and np.isfinite(y.tdecq_db).all()
    values = [y.yield_at(lim) for lim in (0.5, 1.0, 2.0, 3.0, 3.4, 5.0)]
    assert all(0.0 <= v <= 1.0 for v in values)
    assert all(b >= a for a, b in zip(values, values[1:], strict=False))
    assert y.yield_at() == y.yield_at(3.4)  # the preset's limit (800G-DR8: 3.4 dB)
    assert y.yield_at(float(np.min(y.tdecq_db)) - 1e-9) == 0.0 and y.yield_at(float(np.max(y.tdecq_db))) == 1.0
    again = run_lane_yield("ring", ring, n_dies=4, store=store, sps=4, variation=var)  # read back, not re-run
    np.testing.assert_array_equal(again.tdecq_db, y.tdecq_db)
    assert again.run == y.run and math.isfinite(again.to_dict()["tdecq_mean_db"])


# ------------------------------------------------------------------------------------------------ the demo
@pytest.fixture(scope="module")
def chip(tmp_path_factory):
    from photonics.devices import KINDS, parameters
    from photonics.manifest import build, write_manifest
    from photonics.modulators import MachZehnderModulator

    def entry(name, kind, obj):
        dev = {next(iter(KINDS[kind].args)): obj}
        return {"name": name, "cell": name, "kind": kind, "position_um": [0.0, 0.0], "ports": [],
                "parameters": parameters(kind, dev), "performance": obj.figures()}

    devices = [entry("ring_fast", "ring", RingModulator(gap=220e-9)),
               entry("ring_slow", "ring", RingModulator(gap=320e-9)),
               entry("mzm_3mm", "mzm", MachZehnderModulator(length=3e-3))]
    path = tmp_path_factory.mktemp("chip") / "chip.manifest.json"
    write_manifest(path, build({"name": "t", "top_cell": "t", "die_um": [1.0, 1.0]}, devices))
    return path


def test_lane_candidates_pick_the_fast_enough_strongest_modulator(chip):
    from optolink.flows_imdd import lane_candidates

    c = lane_candidates(chip, BAUD)
    # the 320 nm gap ring has the larger extinction but too little bandwidth for 53 GBd
    assert RingModulator(gap=320e-9).eo_bandwidth() < 0.45 * BAUD <= RingModulator(gap=220e-9).eo_bandwidth()
    assert c["ring"].name == "ring_fast" and c["mzm"].name == "mzm_3mm"


def test_demo_section_writes_its_files_and_a_yield_per_device(chip, tmp_path):
    from optolink.flows_imdd import demo_section

    s = demo_section(chip, tmp_path, n_dies=2, sps=4)
    data = json.loads((tmp_path / "imdd" / "imdd_demo.json").read_text())
    assert set(data["lanes"]) == {"ring", "mzm"} and (tmp_path / "results.h5").exists()
    for kind, lane in s["lanes"].items():
        assert (tmp_path / "imdd" / f"eye_{kind}.png").stat().st_size > 5000
        assert lane["wavelength_m"] == pytest.approx(1311e-9)
        y = lane["yield"]
        assert 0.0 <= y["yield"] <= 1.0 and y["n_dies"] == 2
        by = [y["by_limit"][k] for k in sorted(y["by_limit"], key=float)]
        assert all(b >= a for a, b in zip(by, by[1:], strict=False))
