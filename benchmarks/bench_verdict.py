"""A chip's link verdict from its physics: a chip budget cold (simulating) and warm (cached), and the yield
surrogate's accuracy on held-out dies against the full simulation, with its speed-up per die."""

from __future__ import annotations

import math
import pathlib
import sys
import tempfile
import time

N_SYMBOLS = 2**14  # the full simulation's default record (links.verdict.simulate_chip)
N_TRAIN, N_TEST = 24, 8
# (standard, MZM length): the default 3 mm die at 400ZR; a 2 mm die at 800ZR, where the EO bandwidth and the
# drive depth move the required OSNR by tenths of a dB across the process
CASES = (("400ZR", 3.0e-3), ("800ZR", 2.0e-3))
PRESETS = {"400ZR": "400ZR-DCI-120km", "800ZR": "800ZR-DCI-120km"}


def _chip(length: float):
    from links.yields import TransmitterDesign, design_chip
    from photonics.drivers import Driver
    from photonics.modulators import MachZehnderModulator

    return design_chip(TransmitterDesign(mzm=MachZehnderModulator(length=length, phase_bias=math.pi)), Driver())


def _budget(standard: str, store) -> tuple[float, object, object]:
    from links import linkfile
    from links.verdict import simulate_chip

    t0 = time.perf_counter()
    perf = simulate_chip(_chip(3.0e-3 if standard == "400ZR" else 2.0e-3), standard, store=store,
                         n_symbols=N_SYMBOLS, rng=0)
    link = linkfile.preset(PRESETS[standard])
    req = perf.required_osnr_db if math.isfinite(perf.required_osnr_db) else perf.estimate.required_osnr_db
    link["transceiver"] = {"required_osnr_db": req, "tx_power_dbm": perf.tx_power_dbm}
    link.setdefault("booster", {"nf_db": 5.5})
    budget = linkfile.evaluate(linkfile.parse_link(link, source="bench"))
    return time.perf_counter() - t0, perf, budget


def run() -> list[dict]:
    sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
    import numpy as np

    from links.surrogate import die_chip, die_features, fit_die_surrogate, predict_die
    from links.yields import ProcessVariation

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cold, perf, budget = _budget("400ZR", f"{tmp}/budget.h5")
        warm, perf2, _ = _budget("400ZR", f"{tmp}/budget.h5")
        rows.append({
            "benchmark": f"chip budget 400ZR, 3 mm MZM, default driver ({N_SYMBOLS} symbols per point)",
            "optolink": f"cold {cold:.1f} s (simulating), warm {warm * 1e3:.0f} ms (cached)",
            "peer": "n/a (no peer simulates a chip's devices)",
            "ratio": f"{cold / max(warm, 1e-9):.0f}× faster warm",
            "notes": f"required OSNR {perf.required_osnr_db:.2f} dB/12.5 GHz simulated (estimate "
                     f"{perf.estimate.required_osnr_db:.2f}); warm cached={perf2.cached}; verdict {budget.verdict}"})
        dist = ProcessVariation().distributions()
        for standard, length in CASES:
            chip = _chip(length)
            t0 = time.perf_counter()
            sur = fit_die_surrogate(chip, standard, dist, store=f"{tmp}/sur.h5", n_train=N_TRAIN, n_test=N_TEST,
                                    n_symbols=N_SYMBOLS)
            fit_s = time.perf_counter() - t0
            # the surrogate's cost per die: the die's device features and the prediction
            rng = np.random.default_rng(9)
            dies = [{k: float(v.sample(rng, 1)[0]) for k, v in dist.items()} for _ in range(20)]
            t0 = time.perf_counter()
            for dev in dies:
                predict_die(sur, die_features(die_chip(chip, **dev), standard), 1e-2)
            per_die = (time.perf_counter() - t0) / len(dies)
            v = sur.validation
            req, tx = v.get("required_osnr_db", {}), v.get("tx_power_dbm", {})
            sim_s = sur.info["simulation_s_per_die"]
            rows.append({
                "benchmark": f"yield surrogate {standard}, {length * 1e3:g} mm MZM: held-out dies vs full simulation",
                "optolink": f"required OSNR {req.get('rms', math.nan):.3f} dB RMS, {req.get('max', math.nan):.3f} "
                            f"dB max ({req.get('n', 0)} dies); Tx power {tx.get('rms', math.nan):.3f} dB RMS, "
                            f"{tx.get('max', math.nan):.3f} dB max",
                "peer": f"full simulation {sim_s:.1f} s/die",
                "ratio": f"{sim_s / per_die:.0f}× faster per die ({per_die * 1e3:.1f} ms)",
                "notes": f"aim ≤ 0.3 dB RMS; {N_TRAIN} training dies (process σ × 1.5), {N_TEST} held-out, "
                         f"{N_SYMBOLS} symbols, fit+validation {fit_s:.0f} s; floor agreement "
                         f"{v.get('floor_agreement', math.nan):.2f}; {sur.describe()}"})
    return rows
