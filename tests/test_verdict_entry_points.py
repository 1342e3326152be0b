"""Every entry point that asks "does my chip close this link" takes the one path: chip manifest → devices →
full simulation (cached in the HDF5 store) → budget. Checked against the full simulation run directly
(`links.simulate.simulate_link` with the chip's transmitter and receiver, same records), not against the code
under test: the required OSNR is re-derived here from the two simulated points around the threshold by a
log-linear interpolation written in this file.
"""

import json
import math

import numpy as np
import pytest

from links.chip import ChipTransceiver
from links.linkfile import evaluate, load_link, parse_link, preset
from links.simulate import LinkConfig, simulate_link
from links.standards import get_standard
from links.store import Store
from links.transceiver import Transceiver
from links.verdict import _point_seed, simulate_chip
from optolink.cli import main

N_SYMBOLS = 2**13
SEED = 3
STANDARDS = ("400ZR", "800ZR")
PRESETS = {"400ZR": "400ZR-DCI-120km", "800ZR": "800ZR-DCI-120km"}


@pytest.fixture(scope="module")
def chip_dir(tmp_path_factory):
    from layouts.manifest import write_chip

    out = tmp_path_factory.mktemp("chip")
    write_chip(out)
    return out


def _link(chip_dir, standard, mzm, **driver):
    link = preset(PRESETS[standard])
    link["transceiver"] = {"chip_manifest": str(chip_dir / "chip.manifest.json"), "modulator": mzm,
                           "laser_power_dbm": 15.0, "simulation": {"n_symbols": N_SYMBOLS, "seed": SEED,
                                                                   "sensitivity": False}}
    if driver:
        link["transceiver"]["driver"] = driver
    link.setdefault("booster", {"nf_db": 5.5})
    return link


@pytest.fixture(scope="module")
def verdicts(chip_dir):
    """Every MZM of the default chip, both standards, through the link file (one shared store)."""
    from photonics.manifest import read_manifest

    store = chip_dir / "verdicts.h5"
    out = {}
    for entry in read_manifest(chip_dir / "chip.manifest.json").of_kind("mzm"):
        for standard in STANDARDS:
            desc = parse_link(_link(chip_dir, standard, entry.name), store=store)
            out[entry.name, standard] = (desc, evaluate(desc))
    return store, out


def _crossing(x0, b0, x1, b1, thr):
    t = (math.log10(thr) - math.log10(b0)) / (math.log10(b1) - math.log10(b0))
    return x0 + t * (x1 - x0)


def test_budget_required_osnr_is_the_full_simulation_for_every_mzm(chip_dir, verdicts):
    _, results = verdicts
    assert len(results) == 2 * 12
    for (mzm, standard), (desc, budget) in results.items():
        std = get_standard(standard)
        perf = desc.chip
        o = np.asarray(perf.curve.osnr_db)
        b = np.asarray(perf.curve.ber)
        chip = ChipTransceiver.from_manifest(chip_dir / "chip.manifest.json", modulator=mzm, laser_power_dbm=15.0)
        cfg = LinkConfig(standard=std.name, transmitter=chip.transmitter(std), receiver=chip.receiver(std),
                         n_symbols=N_SYMBOLS, rx_power_dbm=-10.0)
        below = np.nonzero((b <= std.pre_fec_ber_threshold) & (b > 0))[0]
        if below.size == 0 or below[0] == 0:
            # a floor: the direct simulation at the highest OSNR is above the threshold too
            top = simulate_link(cfg, float(o[-1]), seed=_point_seed(SEED, float(o[-1]), -10.0)).ber
            assert top > std.pre_fec_ber_threshold
            assert math.isnan(budget.required_osnr_db) and budget.verdict == "FAIL"
            assert any("BER floor above threshold" in r for r in budget.fail_reasons), (mzm, standard)
            continue
        i = int(below[0])
        direct = [simulate_link(cfg, float(o[k]), seed=_point_seed(SEED, float(o[k]), -10.0)).ber for k in (i - 1, i)]
        req = _crossing(o[i - 1], direct[0], o[i], direct[1], std.pre_fec_ber_threshold)
        assert budget.transceiver.source == "simulated"
        assert budget.required_osnr_db == pytest.approx(req, abs=0.2), (mzm, standard)
        # the API path gives the same transceiver and verdict as the link file
        api = simulate_chip(chip, std, store=verdicts[0], n_symbols=N_SYMBOLS, rng=SEED, sensitivity=False)
        assert api.cached
        trx = Transceiver.from_chip(std, api)
        assert trx.required_osnr_db == pytest.approx(budget.required_osnr_db, abs=1e-9)
        # the verdict agrees with what the direct simulation implies: OSNR margin and Tx power checks
        margin_ok = float(np.min(budget.margin_db)) >= 0
        tx_ok = std.tx_power_range_dbm is None or perf.tx_power_dbm >= std.tx_power_range_dbm[0]
        assert budget.verdict == ("PASS" if margin_ok and tx_ok else "FAIL"), (mzm, standard)


def test_a_long_mzm_at_800zr_fails_on_its_ber_floor(tmp_path):
    from photonics.modulators import MachZehnderModulator

    chip = ChipTransceiver(modulator=MachZehnderModulator(length=4e-3), laser_power_dbm=15.0)
    std = get_standard("800ZR")
    perf = simulate_chip(chip, std, store=tmp_path / "s.h5", n_symbols=N_SYMBOLS, rng=SEED, sensitivity=False)
    if perf.floor_ber <= std.pre_fec_ber_threshold:
        pytest.skip(f"the 4 mm MZM's simulated curve reaches the threshold (floor {perf.floor_ber:.3g})")
    # the direct simulation at the highest simulated OSNR confirms the floor
    cfg = LinkConfig(standard=std.name, transmitter=chip.transmitter(std), receiver=chip.receiver(std),
                     n_symbols=N_SYMBOLS)
    top = perf.curve.osnr_db[-1]
    from links.dsp.sync import DemultiplexingError

    try:  # the DSP either cannot demodulate the record at all, or its BER sits above the threshold
        assert simulate_link(cfg, top, seed=_point_seed(SEED, top, -10.0)).ber > std.pre_fec_ber_threshold
    except DemultiplexingError:
        assert perf.floor_ber == 0.5
    link = preset("800ZR-DCI-120km")
    link["booster"] = {"nf_db": 5.5}
    link["transceiver"] = {**(link.get("transceiver") or {}), "tx_power_dbm": perf.tx_power_dbm}
    desc = parse_link(link)
    from links.budget import coherent_budget

    budget = coherent_budget(desc.plan, desc.spans, desc.amplifiers, transceiver=Transceiver.from_chip(std, perf),
                             booster=desc.booster)
    assert budget.verdict == "FAIL"
    assert any("BER floor above threshold" in r for r in budget.fail_reasons)


def _write(path, data):
    path.write_text(json.dumps(data))
    return path


def test_cli_budget_caches_reports_the_contract_keys_and_resimulates_on_a_driver_change(chip_dir,
                                                                                     tmp_path, capsys):
    link = _link(chip_dir, "400ZR", "mzm_09")
    f = _write(tmp_path / "link.json", link)
    store = tmp_path / "optolink-cache.h5"  # the default: beside the link file
    assert main(["budget", str(f), "--format", "json", "--out", str(tmp_path / "r")]) == 0
    first = capsys.readouterr().out
    assert store.exists() and "(simulated" in first
    done = {r: Store(store).read(r).n_done for r in Store(store).runs()}
    assert main(["budget", str(f)]) == 0
    second = capsys.readouterr().out
    assert "nothing recomputed" in second
    assert {r: Store(store).read(r).n_done for r in Store(store).runs()} == done
    report = json.loads((tmp_path / "r" / "link.json").read_text())
    assert report["verdict"] in ("PASS", "FAIL")
    assert report["transceiver"]["source"] == "simulated"
    assert report["transceiver"]["osnr_reference_bandwidth_hz"] == 12.5e9
    assert isinstance(report["transceiver"]["required_osnr_db"], float)
    # a changed driver swing is a different transceiver: simulated again
    _write(f, _link(chip_dir, "400ZR", "mzm_09", swing_v=3.0))
    desc = load_link(f)
    assert not desc.chip.cached and len(Store(store).runs()) > len(done)


def test_unknown_device_and_other_schema_are_one_line_errors(chip_dir, tmp_path, capsys):
    link = _link(chip_dir, "400ZR", "mzm_99")
    f = _write(tmp_path / "link.json", link)
    assert main(["budget", str(f)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "mzm_99" in err and "mzm_00" in err and "iq_modulator_00" in err
    manifest = json.loads((chip_dir / "chip.manifest.json").read_text())
    manifest["schema"] = "optolink.chip-manifest/1"
    old = _write(tmp_path / "old.manifest.json", manifest)
    link["transceiver"].update(chip_manifest=str(old), modulator="mzm_00")
    _write(f, link)
    assert main(["budget", str(f)]) == 2
    assert "optolink.chip-manifest/1" in capsys.readouterr().err
    # an IQ modulator of the chip is a modulator too (estimate only: no simulation needed to accept it)
    link = _link(chip_dir, "400ZR", "iq_modulator_00")
    link["transceiver"]["simulation"] = {"method": "estimate"}
    assert parse_link(link).transceiver.source == "estimate"


def test_cli_simulate_with_the_chip_writes_required_osnr(chip_dir, tmp_path, capsys):
    out = tmp_path / "sim.json"
    argv = ["simulate", "800ZR", "--chip", str(chip_dir / "chip.manifest.json"), "--modulator", "mzm_00",
            "--laser-power-dbm", "15", "--osnr", "22:30:2", "--symbols", str(N_SYMBOLS), "--json", str(out),
            "--out", str(tmp_path)]
    assert main(argv) == 0
    data = json.loads(out.read_text())
    assert data["source"] == "simulated" and data["curve"]["osnr_db"] == [22.0, 24.0, 26.0, 28.0, 30.0]
    req, ber = data["required_osnr_db"], data["curve"]["ber"]
    thr = get_standard("800ZR").pre_fec_ber_threshold
    if req is None:
        assert min(ber) > thr or ber[0] <= thr
    else:
        assert 22.0 < req < 30.0
    assert main([*argv[:-2], "--out", str(tmp_path), "--driver-swing-v", "60"]) == 2  # outside the driver's range
    assert "swing_v" in capsys.readouterr().err
