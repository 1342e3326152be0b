"""The surrogate of the full simulation: polynomial least squares, its range check, and its agreement with
full simulations of held-out dies."""

import math

import numpy as np
import pytest

from links.surrogate import (
    DIE_FEATURES,
    Surrogate,
    die_chip,
    die_features,
    fit_die_surrogate,
    fit_surrogate,
    polynomial_terms,
    predict_die,
    simulate_die,
    vary_mzm,
)
from links.yields import ProcessVariation, TransmitterDesign, design_chip

# CI bound on the held-out required-OSNR error with short records (2^12 symbols, 6 training dies); the benchmark
# (2^14 symbols, 24 training dies) aims at 0.3 dB RMS
CI_REQUIRED_OSNR_BOUND_DB = 0.5
CI_TX_POWER_BOUND_DB = 0.2


def test_polynomial_terms_count():
    # monomials of degree <= d in n variables: C(n + d, d)
    for n, d in ((1, 2), (2, 2), (3, 2), (3, 1)):
        assert len(polynomial_terms(n, d)) == math.comb(n + d, d)
    assert polynomial_terms(2, 1) == ((0, 0), (1, 0), (0, 1))


def test_fit_recovers_a_known_quadratic_and_chooses_the_degree():
    rng = np.random.default_rng(4)
    a, b = rng.uniform(0.1, 0.3, 40), rng.uniform(0.5, 0.8, 40)

    def truth(a, b):
        return 20.0 + 3.0 * a - 2.0 * b + 5.0 * a * b + 4.0 * b**2

    s = fit_surrogate({"a": a, "b": b}, {"y": truth(a, b), "lin": 1.0 + 2.0 * a + rng.normal(0, 0.01, 40)})
    # a noiseless quadratic is reproduced exactly, anywhere inside the range
    a_t, b_t = np.array([0.15, 0.25]), np.array([0.55, 0.75])
    assert s.predict({"a": a_t, "b": b_t})["y"] == pytest.approx(truth(a_t, b_t), abs=1e-9)
    assert s.targets["y"].degree == 2
    # a linear target with noise σ = 0.01: the linear fit wins, its leave-one-out error is the noise level
    assert s.targets["lin"].degree == 1
    assert s.targets["lin"].loo_rms == pytest.approx(0.01, rel=0.35)
    assert s.n_train == 40 and s.low[0] == pytest.approx(a.min()) and s.high[1] == pytest.approx(b.max())


def test_targets_with_nan_are_fitted_on_the_finite_dies_and_absent_when_none():
    x = np.linspace(0, 1, 10)
    y = 2 * x + 1
    y[3] = np.nan
    s = fit_surrogate({"x": x}, {"y": y, "never": np.full(10, np.nan)})
    assert s.targets["y"].n_train == 9 and "never" not in s.targets
    assert s.predict_one({"x": 0.5})["y"] == pytest.approx(2.0)


def test_extrapolation_is_flagged_or_refused():
    x = np.linspace(1.0, 2.0, 12)
    s = fit_surrogate({"x": x}, {"y": x**2}, tolerance=0.05)
    p = s.predict({"x": np.array([1.5, 2.04, 2.2, 0.5])})
    assert p["extrapolated"].tolist() == [0.0, 0.0, 1.0, 1.0]  # 2.04 is inside the 5 % tolerance
    with pytest.raises(ValueError, match="refuses to extrapolate: x = 2.2 outside the training range"):
        s.predict({"x": 2.2}, extrapolation="refuse")
    with pytest.raises(ValueError, match="features missing"):
        s.predict({"z": 1.0})


def test_round_trip_and_validation():
    x = np.linspace(0, 1, 8)
    s = fit_surrogate({"x": x}, {"y": 3 * x}, info={"standard": "400ZR"})
    t = Surrogate.from_dict(s.to_dict())
    assert t.predict_one({"x": 0.3}) == s.predict_one({"x": 0.3})
    v = t.validated({"x": np.array([0.2, 0.4])}, {"y": np.array([0.6 + 0.1, 1.2 - 0.3])})
    assert v.validation["y"]["rms"] == pytest.approx(math.sqrt((0.01 + 0.09) / 2))
    assert v.validation["y"]["max"] == pytest.approx(0.3) and t.info == {"standard": "400ZR"}


def test_vary_mzm_applies_each_deviation():
    m = TransmitterDesign().mzm
    d = vary_mzm(m, width_delta=10e-9, na_scale=1.1, nd_scale=0.9, offset_delta=20e-9, gap_delta=1e-6)
    assert d.phase_shifter.waveguide.width == pytest.approx(m.phase_shifter.waveguide.width + 10e-9)
    assert d.phase_shifter.na == pytest.approx(1.1 * m.phase_shifter.na)
    assert d.phase_shifter.nd == pytest.approx(0.9 * m.phase_shifter.nd)
    assert d.phase_shifter.junction_offset == pytest.approx(20e-9)
    assert d.electrode.gap == pytest.approx(m.electrode.gap + 1e-6)
    assert vary_mzm(m) == m


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    chip = design_chip(TransmitterDesign())
    store = tmp_path_factory.mktemp("surrogate") / "s.h5"
    s = fit_die_surrogate(chip, "400ZR", ProcessVariation().distributions(), store=store, n_train=6, n_test=2,
                          n_symbols=2**12)
    return chip, s, store


def test_surrogate_reproduces_the_full_simulation_on_held_out_dies(fitted):
    chip, s, _ = fitted
    assert s.n_train == 6 and set(s.features) == set(DIE_FEATURES)
    assert s.validation["required_osnr_db"]["n"] == 2
    assert s.validation["required_osnr_db"]["rms"] <= CI_REQUIRED_OSNR_BOUND_DB
    # an independent check: two more dies, each simulated here in full and predicted by the surrogate
    rng = np.random.default_rng(77)
    dist = ProcessVariation().distributions()
    for _ in range(2):
        dev = {k: float(v.sample(rng, 1)[0]) for k, v in dist.items()}
        die = die_chip(chip, **dev)
        feats = die_features(die, "400ZR")
        perf = simulate_die(die, "400ZR", n_symbols=2**12, seed=0)
        p = predict_die(s, feats, 1.22e-2)
        assert p["floor_fail"] == 0.0 and math.isfinite(perf.required_osnr_db)
        assert abs(p["required_osnr_db"] - perf.required_osnr_db) <= CI_REQUIRED_OSNR_BOUND_DB
        assert abs(p["tx_power_dbm"] - perf.tx_power_dbm) <= CI_TX_POWER_BOUND_DB


def test_a_die_outside_the_training_range_is_flagged(fitted):
    chip, s, _ = fitted
    far = die_features(die_chip(chip, na_scale=1.6, nd_scale=1.6), "400ZR")  # 12 σ of the implant dose
    assert predict_die(s, far, 1.22e-2)["extrapolated"] == 1.0
    with pytest.raises(ValueError, match="refuses to extrapolate"):
        predict_die(s, far, 1.22e-2, extrapolation="refuse")
    assert predict_die(s, die_features(chip, "400ZR"), 1.22e-2)["extrapolated"] == 0.0


def test_a_second_fit_reads_the_stored_dies(fitted, caplog):
    import logging
    import time

    chip, s, store = fitted
    t0 = time.perf_counter()
    with caplog.at_level(logging.INFO, logger="links.surrogate"):
        again = fit_die_surrogate(chip, "400ZR", ProcessVariation().distributions(), store=store, n_train=6,
                                  n_test=2, n_symbols=2**12)
    assert time.perf_counter() - t0 < 5.0 and "recomputing nothing" in caplog.text
    assert again.to_dict()["targets"] == s.to_dict()["targets"]
