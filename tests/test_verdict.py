"""simulate_chip: the chip's verdict from the full simulation, cached in the store; the budget from it."""

import json
import logging
import math

import numpy as np
import pytest

import links.verdict as verdict
from links.budget import Amplifier, ChannelPlan, Span, coherent_budget
from links.chip import ChipTransceiver
from links.power_budget import UnamplifiedLink, power_budget
from links.report import render_markdown, report_data
from links.simulate import LinkConfig, ber_vs_osnr
from links.transceiver import Transceiver
from photonics.drivers import Driver
from photonics.modulators import MachZehnderModulator

N = 2**13
# the provenance of a chip whose GDS was edited after its manifest was written (ChipTransceiver.from_manifest
# records the check; tests/test_chip_transceiver.py makes it from a real file)
PROV = {"manifest": "chip.manifest.json", "gds_sha256": "ab" * 32, "chip": "t", "gds_check": "modified",
        "gds_check_message": "chip.gds: SHA-256 0123… differs from the manifest's abab… (the GDS changed after "
                             "the manifest was written)"}


def _chip(**driver):
    return ChipTransceiver(MachZehnderModulator(length=3e-3, splitter_imbalance_db=0.05), driver=Driver(**driver),
                           laser_power_dbm=0.0, provenance=dict(PROV))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return tmp_path_factory.mktemp("store") / "verdicts.h5"


@pytest.fixture(scope="module")
def perf(store):
    return verdict.simulate_chip(_chip(), "400ZR", store=store, n_symbols=N)


def _budget(trx, booster=None):
    plan = ChannelPlan(n_channels=1, baud_rate=trx.baud_rate, spacing=100e9, center_frequency=193.7e12,
                       launch_power_dbm=0.0)
    return coherent_budget(plan, [Span(80e3, 0.2, 17.0, 1.3)], Amplifier(gain_db=None, nf_db=5.0),
                           transceiver=trx, booster=booster)


def test_budget_required_osnr_is_the_simulation(perf):
    """The budget's required OSNR (Transceiver.from_chip) equals simulate_chip's and that of an independent
    ber_vs_osnr run on the same devices (same seed base, other noise draws) within 0.2 dB."""
    chip = _chip()
    trx = Transceiver.from_chip("400ZR", perf)
    assert trx.source == "simulated" and trx.required_osnr_db == perf.required_osnr_db
    grid = np.arange(math.floor(perf.required_osnr_db) - 2, math.floor(perf.required_osnr_db) + 3, 1.0)
    ref = ber_vs_osnr("400ZR", grid, config=LinkConfig(transmitter=chip.transmitter("400ZR"),
                                                       receiver=chip.receiver("400ZR"), n_symbols=N), seed=0)
    assert math.isfinite(ref.required_osnr_db)
    assert perf.required_osnr_db == pytest.approx(ref.required_osnr_db, abs=0.2)
    assert _budget(trx).required_osnr_db == pytest.approx(ref.required_osnr_db, abs=0.2)
    assert perf.estimate.source == "estimate" and math.isfinite(perf.estimate_difference_db)
    if abs(perf.estimate_difference_db) > 0.5:
        assert any("estimate" in w for w in perf.warnings)


def test_tx_power_counts(perf):
    """A 0 dBm laser through a sub-driven IQ modulator is far below 400ZR's −10 dBm minimum (OIF-400ZR-01.0):
    FAIL with the reason; without a booster the channel is launched at the Tx power."""
    assert perf.tx_power_dbm < -10.0
    assert verdict.REASON_TX_LOW in perf.fail_reasons
    b = _budget(Transceiver.from_chip("400ZR", perf))
    assert b.verdict == "FAIL"
    assert any("Tx power below the standard's minimum" in r for r in b.fail_reasons)
    assert b.center.launch_power_dbm == pytest.approx(perf.tx_power_dbm)
    data = report_data(b)
    assert data["transceiver"]["source"] == "simulated"
    assert data["transceiver"]["required_osnr_db"] == pytest.approx(perf.required_osnr_db)
    assert data["provenance"]["gds_sha256"] == PROV["gds_sha256"]
    # the edited GDS is reported: in the provenance block, among the warnings and in the Markdown rendering
    assert data["provenance"]["gds_check"] == "modified"
    assert PROV["gds_check_message"] in perf.warnings
    assert PROV["gds_check_message"] in data["transceiver"]["warnings"]
    assert "GDS check | modified" in render_markdown(data)
    assert json.loads(json.dumps(data))["verdict"] == "FAIL"
    # a standard's own transceiver is unchanged: no Tx check, the plan's launch power
    std = _budget(Transceiver.from_standard("400ZR"))
    assert std.center.launch_power_dbm == 0.0 and not any(c.name == "Tx power" for c in std.checks)
    low = _budget(Transceiver.from_standard("400ZR", tx_power_dbm=-12.0), booster=Amplifier(gain_db=None, nf_db=5.0))
    assert low.verdict == "FAIL" and any(c.name == "Tx power" and not c.passed for c in low.checks)


def test_unamplified_link_fails_on_sensitivity(perf):
    trx = Transceiver.from_chip("400ZR", perf)
    assert trx.sensitivity_dbm is not None and -45 < trx.sensitivity_dbm < -15
    margin_km = (trx.tx_power_dbm - trx.sensitivity_dbm) / 0.2  # km of 0.2 dB/km fibre the power allows
    short = power_budget(UnamplifiedLink.from_transceiver(trx, 0.5 * margin_km * 1e3, 0.2))
    long = power_budget(UnamplifiedLink.from_transceiver(trx, 1.5 * margin_km * 1e3, 0.2))
    assert next(c for c in short.checks if c.name == "power margin").passed
    pm = next(c for c in long.checks if c.name == "power margin")
    assert not pm.passed and "below the receiver sensitivity" in pm.detail and long.verdict == "FAIL"


def test_second_call_is_cached_and_a_change_resimulates(perf, store, monkeypatch, caplog):
    import links.simulate

    calls = []
    real = links.simulate.simulate_link

    def counting(*args, **kwargs):  # chip_point imports simulate_link at call time: its code fingerprint holds
        calls.append(args[1] if len(args) > 1 else kwargs.get("osnr_db"))
        return real(*args, **kwargs)

    monkeypatch.setattr(links.simulate, "simulate_link", counting)
    with caplog.at_level(logging.INFO, logger="links.verdict"):
        again = verdict.simulate_chip(_chip(), "400ZR", store=store, n_symbols=N)
    assert calls == [] and again.cached and "cached" in caplog.text
    assert again.required_osnr_db == perf.required_osnr_db and again.runs == perf.runs
    changed = verdict.simulate_chip(_chip(swing_v=3.5), "400ZR", store=store, n_symbols=N, osnr_db=[20.0, 24.0],
                                    sensitivity=False)
    assert len(calls) == 2 and not changed.cached and changed.fingerprint != perf.fingerprint


def test_ber_floor_fails_with_the_reason(store):
    """A driver whose output noise (1 µV/√Hz over the simulated band) caps the SNR near 7 dB can never reach
    the 16QAM threshold (SNR ≈ 12.5 dB at BER 1.2e-2): the curve floors, required OSNR NaN, FAIL."""
    chip = _chip(noise_density_v_per_sqrt_hz=1e-6)
    p = verdict.simulate_chip(chip, "400ZR", store=store, n_symbols=N, sensitivity=False)
    assert math.isnan(p.required_osnr_db) and p.floor_ber > 1.22e-2
    assert verdict.REASON_FLOOR in p.fail_reasons
    trx = Transceiver.from_chip("400ZR", p)
    b = _budget(trx)
    assert b.verdict == "FAIL" and any(verdict.REASON_FLOOR in r for r in b.fail_reasons)
    data = report_data(b)
    assert data["transceiver"]["required_osnr_db"] is None


def test_sweep_function_is_allowed_in_sweep_files():
    from links.sweep import ALLOWED_FUNCTIONS

    assert verdict.FUNCTION in ALLOWED_FUNCTIONS
