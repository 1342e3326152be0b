"""Process yield: device figures per die, the bandwidth penalty, yield statistics and sensitivities."""

import math

import numpy as np
import pytest

from links.chip import modulator_bandwidth_penalty_db
from links.linkfile import preset
from links.yields import (
    ProcessVariation,
    TransmitterDesign,
    YieldResult,
    bandwidth_penalty_db,
    die_figures,
    die_margin,
    iq_transmission,
    run_yield,
)
from photonics.electrodes import LumpedElectrode
from photonics.modulators import MachZehnderModulator


def test_bandwidth_penalty_matches_single_pole_closed_form():
    # A lumped MZM with an open termination and no pad is a single pole (tests/test_modulators.py), for which
    # ⟨|H|²⟩⟨|H|⁻²⟩ over |f| ≤ R/2 has the closed form (2B/R)·atan(R/2B)·(1 + R²/12B²)
    m = MachZehnderModulator(length=0.5e-3, electrode=LumpedElectrode(pad_capacitance=0.0),
                             termination_impedance=None)
    for baud in (30e9, 60e9, 120e9):
        assert bandwidth_penalty_db(m, baud) == pytest.approx(
            modulator_bandwidth_penalty_db(m.eo_bandwidth(), baud), abs=0.01)
    assert bandwidth_penalty_db(m, 120e9) > bandwidth_penalty_db(m, 30e9) > 0


def test_iq_transmission_small_drive_limit_and_bound():
    # Limit case with a known value, independent of the device model: at small drive a null-biased push-pull
    # MZM's field is linear in the drive voltage, so the mean power over the equiprobable square-QAM levels
    # ±(2k − 1)/(√M − 1) scales as their mean square: 16QAM/QPSK → (1/9 + 1)/2 = 5/9 and
    # 64QAM/QPSK → (1 + 9 + 25 + 49)/(4·49) = 3/7 at the same outer level.
    m = MachZehnderModulator(phase_bias=math.pi, splitter_imbalance_db=0.0)
    v_small = 0.02
    qpsk = iq_transmission(m, v_small, "QPSK")
    assert iq_transmission(m, v_small, "16QAM") / qpsk == pytest.approx(5 / 9, rel=2e-3)
    assert iq_transmission(m, v_small, "64QAM") / qpsk == pytest.approx(3 / 7, rel=2e-3)
    # bound: |sin| ≤ 1 and the IQ combiner's 3 dB leave at most half the MZM's peak transmission
    t_peak = 10 ** (-m.insertion_loss_db / 10)
    assert 0 < iq_transmission(m, 2.0, "16QAM") < t_peak / 2
    with pytest.raises(ValueError, match="driver_peak_v"):
        iq_transmission(m, 100.0, "16QAM")


def test_die_figures_follow_the_process():
    d = TransmitterDesign()
    nominal = die_figures(d, 60e9)
    wide_gap = die_figures(d, 60e9, gap_delta=2e-6)
    heavy = die_figures(d, 60e9, na_scale=1.2, nd_scale=1.2)
    assert heavy["vpi_v"] < nominal["vpi_v"]  # more carriers to deplete: more efficient
    assert heavy["insertion_loss_db"] > nominal["insertion_loss_db"]  # and more free-carrier absorption
    assert wide_gap["eo_bandwidth_hz"] != pytest.approx(nominal["eo_bandwidth_hz"], rel=1e-3)
    assert math.isfinite(nominal["tx_power_dbm"]) and nominal["tx_power_dbm"] < d.laser_power_dbm


def test_die_margin_is_the_budget_with_this_transceiver():
    d = TransmitterDesign()
    out = die_margin(design=d.to_dict(), link=preset("400ZR-DCI-120km"))
    assert out["required_osnr_db"] == pytest.approx(26.0 + out["bandwidth_penalty_db"])
    assert out["pass"] == 1.0 and out["margin_db"] > 0
    low = die_margin(design=TransmitterDesign(laser_power_dbm=-5.0).to_dict(), link=preset("400ZR-DCI-120km"))
    assert low["tx_power_margin_db"] < 0 and low["pass"] == 0.0  # below 400ZR's −10 dBm Tx minimum


def test_yield_statistics_on_synthetic_dies():
    rng = np.random.default_rng(3)
    n = 4000
    z = {k: rng.normal(0, 1, n) for k in ("a", "b")}
    margin = 0.5 + 0.4 * z["a"] - 0.2 * z["b"] + rng.normal(0, 0.05, n)
    r = YieldResult("synthetic", margin, {"a": 2.0 * z["a"], "b": 3.0 * z["b"]}, {}, {"a": 2.0, "b": 3.0})
    # P(margin ≥ 0) for margin ~ N(0.5, √(0.16 + 0.04 + 0.0025))
    expected = 0.5 * math.erfc(-0.5 / math.sqrt(0.2025) / math.sqrt(2))
    assert r.yield_fraction == pytest.approx(expected, abs=0.02)
    lo, hi = r.yield_interval()
    assert lo < r.yield_fraction < hi and hi - lo < 0.04
    s = r.sensitivities()
    assert s["a"] == pytest.approx(0.4, abs=0.01) and s["b"] == pytest.approx(-0.2, abs=0.01)


def test_run_yield_end_to_end():
    link = preset("400ZR-DCI-120km")
    # a laser this weak leaves the Tx power at the 400ZR minimum: the process decides which dies pass
    r = run_yield(TransmitterDesign(laser_power_dbm=4.0), link, n_dies=24, seed=2, method="estimate")
    assert r.margins_db.shape == (24,) and np.all(np.isfinite(r.margins_db))
    assert 0.0 < r.yield_fraction < 1.0
    sens = r.sensitivities("tx_power_dbm")
    assert abs(sens["na_scale"]) > 0 and set(sens) == {"width_delta", "na_scale", "nd_scale", "offset_delta",
                                                       "gap_delta"}
    strong = run_yield(TransmitterDesign(laser_power_dbm=15.0), link, n_dies=6, seed=2, method="estimate",
                       variation=ProcessVariation(width_std=0, doping_rel_std=0, offset_std=0, gap_std=0))
    assert strong.yield_fraction == 1.0 and np.ptp(strong.margins_db) < 1e-9


def test_bad_input():
    with pytest.raises(ValueError, match="n_dies"):
        run_yield(TransmitterDesign(), preset("400ZR-DCI-120km"), n_dies=1)
    with pytest.raises(ValueError, match="unknown standard"):
        run_yield(TransmitterDesign(), {"standard": "1.6T"}, n_dies=4)
    with pytest.raises(ValueError, match="method"):
        run_yield(TransmitterDesign(), preset("400ZR-DCI-120km"), n_dies=4, method="magic")
    with pytest.raises(ValueError, match="a design .* or a chip"):
        run_yield(None, preset("400ZR-DCI-120km"), n_dies=4)
    with pytest.raises(ValueError, match="doping_rel_std"):
        ProcessVariation(doping_rel_std=-0.1)
    with pytest.raises(ValueError, match="laser_power_dbm"):
        TransmitterDesign(laser_power_dbm=float("nan"))


def test_cli_yield(tmp_path, capsys):
    from optolink.cli import main

    assert main(["yield", "400ZR-DCI-120km", "--dies", "8", "--laser-dbm", "4", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "yield" in out and "Tx power sensitivity" in out
    assert (tmp_path / "yield.json").exists() and (tmp_path / "yield.png").stat().st_size > 1000
    assert main(["yield", "400ZR-DCI-120km", "--dies", "1", "--out", str(tmp_path)]) == 2


# --- the yield from the simulation's physics (the surrogate path) ----------------------------------------------
def _synthetic_surrogate(log10_floor: float, required: float | None):
    """A surrogate over the features of the default design's dies with constant targets (a stand-in for one
    fitted on simulations, whose outputs the test then knows exactly)."""
    from links.surrogate import fit_surrogate

    x = {"eo_penalty_db": np.array([0.0, 1.0, 2.0]), "drive_swing_vpi": np.array([0.0, 1.0, 2.0])}
    targets = {"log10_floor_ber": np.full(3, log10_floor), "tx_power_plus_loss_db": np.full(3, 3.0)}
    if required is not None:
        targets["required_osnr_db"] = np.full(3, required)
    return fit_surrogate(x, targets, degree=0)


def test_a_design_whose_dies_all_floor_yields_zero():
    link = preset("400ZR-DCI-120km")
    # every die's BER floor at 0.1, above 400ZR's 1.22e-2: none passes, whatever the budget and the estimate
    sur = _synthetic_surrogate(-1.0, None)
    r = run_yield(TransmitterDesign(), link, n_dies=5, seed=1, surrogate=sur)
    assert r.method == "surrogate" and r.yield_fraction == 0.0
    assert np.all(r.figures["floor_fail"] == 1.0) and np.all(np.isnan(r.margins_db))
    d = r.to_dict()
    assert d["n_floor_fail"] == 5 and d["estimate"]["yield"] == 1.0  # the analytic estimate would pass them all
    # the same dies with a floor at 1e-5 and a required OSNR of 20 dB (12.5 GHz) all pass on this link
    ok = run_yield(TransmitterDesign(), link, n_dies=5, seed=1, surrogate=_synthetic_surrogate(-5.0, 20.0))
    assert ok.yield_fraction == 1.0 and np.all(ok.figures["required_osnr_db"] == pytest.approx(20.0))
    # Tx power = the surrogate's (Tx power + insertion loss) − the die's own insertion loss
    assert np.allclose(ok.figures["tx_power_dbm"], 3.0 - ok.figures["insertion_loss_db"])


def test_surrogate_yield_end_to_end_reproducible_and_cached(tmp_path, caplog):
    import logging
    import time

    link = preset("400ZR-DCI-120km")
    kw = dict(n_dies=4, n_train=4, n_test=2, n_symbols=2**12, store=tmp_path / "y.h5")
    a = run_yield(TransmitterDesign(laser_power_dbm=4.0), link, seed=3, **kw)
    assert a.method == "surrogate" and np.all(np.isfinite(a.margins_db))
    s = a.to_dict()["surrogate"]
    assert s["n_train"] == 4 and s["validation"]["required_osnr_db"]["n"] == 2
    assert set(s["feature_ranges"]) == {"eo_penalty_db", "drive_swing_vpi"}
    # the dies' required OSNR is the simulation's (the analytic estimate is only beside it)
    assert np.all(np.abs(a.figures["required_osnr_db"] - a.figures["estimate_required_osnr_db"]) > 0)
    # same seed: the same dies and figures, read back from the store (nothing simulated again)
    t0 = time.perf_counter()
    with caplog.at_level(logging.INFO, logger="links.surrogate"):
        b = run_yield(TransmitterDesign(laser_power_dbm=4.0), link, seed=3, **kw)
    assert time.perf_counter() - t0 < 10.0 and "recomputing nothing" in caplog.text
    assert np.array_equal(a.margins_db, b.margins_db) and np.array_equal(a.passed, b.passed)
    # another seed draws other dies, from the same (stored) surrogate
    c = run_yield(TransmitterDesign(laser_power_dbm=4.0), link, seed=4, **kw)
    assert not np.array_equal(a.parameters["na_scale"], c.parameters["na_scale"])
    assert c.surrogate["targets"] == a.surrogate["targets"]


def test_a_long_mzm_at_800zr_floors_on_every_die_and_yields_zero(tmp_path):
    # a 5 mm traveling-wave MZM (EO bandwidth ≈ 20 GHz) at 118 GBd: its simulated BER floors above 800ZR's
    # 2e-2 on every die, so the yield is 0 — whatever the analytic bandwidth-penalty estimate says
    from photonics.drivers import Driver

    design = TransmitterDesign(mzm=MachZehnderModulator(length=5e-3, phase_bias=math.pi))
    r = run_yield(design, preset("800ZR-DCI-120km"), driver=Driver(), n_dies=4, n_train=3, n_test=2,
                  n_symbols=2**12, store=tmp_path / "f.h5")
    assert r.yield_fraction == 0.0 and np.all(r.figures["floor_fail"] == 1.0)
    assert np.all(r.figures["floor_ber"] > 2e-2)


def test_anchored_die_follows_the_full_simulation_of_that_die(tmp_path):
    """The anchored yield's die (nominal full simulation + analytic die-to-die change) against the full
    simulation of the same one-sigma die (width +10 nm, doping −5 %): within 0.5 dB at 2^12 symbols, whose own
    Monte Carlo spread is a few tenths of a dB."""
    from links.chip import ChipTransceiver
    from links.surrogate import die_chip
    from links.verdict import simulate_chip
    from links.yields import die_margin

    chip = ChipTransceiver(modulator=MachZehnderModulator(length=3e-3), laser_power_dbm=15.0)
    kw = dict(store=tmp_path / "s.h5", n_symbols=2**12, rng=3, sensitivity=False)
    nominal = simulate_chip(chip, "400ZR", **kw)
    anchor = {"required_osnr_db": nominal.required_osnr_db, "tx_power_dbm": nominal.tx_power_dbm,
              "floor_ber": nominal.floor_ber}
    link = preset("400ZR-DCI-120km")
    die = die_margin(link=link, chip=chip.to_dict(), anchor=anchor, width_delta=10e-9, na_scale=0.95)
    full = simulate_chip(die_chip(chip, width_delta=10e-9, na_scale=0.95), "400ZR", **kw)
    assert die["required_osnr_db"] == pytest.approx(full.required_osnr_db, abs=0.5)
    assert die["tx_power_dbm"] == pytest.approx(full.tx_power_dbm, abs=0.3)
    # a nominal design whose simulation floors fails on every die, whatever its estimate says
    floored = die_margin(link=link, chip=chip.to_dict(), width_delta=30e-9,
                         anchor={**anchor, "required_osnr_db": math.nan, "floor_ber": 0.3})
    assert floored["pass"] == 0.0 and math.isnan(floored["margin_db"]) and floored["estimate_pass"] == 1.0


def test_anchored_die_figures_against_solver_dies():
    # a yield's per-die figures: the nominal design on its solver devices plus the die-to-die change on the
    # closed forms (a die is a new cross-section). The nominal is exact; 2σ dies (±20 nm width, ±10 % doping,
    # ±40 nm junction offset) against the same dies on their own solver devices: the estimate's error bound
    from links.yields import _mzm_figures

    design = TransmitterDesign()
    assert die_figures(design, 60e9) == _mzm_figures(design, design.die(), 60e9, "16QAM")
    for deltas in ({"width_delta": 20e-9}, {"na_scale": 1.1, "nd_scale": 0.9}, {"offset_delta": 40e-9},
                   {"width_delta": -20e-9, "na_scale": 0.9, "offset_delta": -40e-9}):
        a = die_figures(design, 60e9, **deltas)
        b = _mzm_figures(design, design.die(**deltas), 60e9, "16QAM")
        assert a["vpi_v"] == pytest.approx(b["vpi_v"], rel=0.04)
        assert a["eo_bandwidth_hz"] == pytest.approx(b["eo_bandwidth_hz"], rel=0.01)
        assert abs(a["insertion_loss_db"] - b["insertion_loss_db"]) < 0.05
        assert abs(a["tx_power_dbm"] - b["tx_power_dbm"]) < 0.2
        assert abs(a["bandwidth_penalty_db"] - b["bandwidth_penalty_db"]) < 0.01
        # and the change is not zero: the closed forms carry the die's physics
        assert abs(a["vpi_v"] - design.die().vpi) > 0.0
