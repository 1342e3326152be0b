"""The whole chain: chip → manifest → devices → BER curves → budgets → yield → report + store.

The chain's verdicts are checked against what its own inputs imply: the required OSNR read off the BER
curve stored in the HDF5 file here (log-linear interpolation at the standard's pre-FEC threshold), and the
budget of the same link evaluated directly through the link-file API from that stored curve and the Tx power
of the chosen devices.
"""

import json
import math

import numpy as np
import pytest

from links.linkfile import evaluate, parse_link, preset
from links.standards import get_standard
from links.store import Store
from optolink.flows_chain import METRO_PRESET, STANDARD_PRESETS, run_chain
from photonics.manifest import read_manifest


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    out = tmp_path_factory.mktemp("chain")
    first = run_chain(out, n_symbols=4096, n_dies=12)
    return out, first


def _crossing(osnr_db, ber, threshold):
    """First downward crossing of ``threshold`` by the curve, linear in log10(BER) between the two points
    around it; NaN if the curve never crosses."""
    for i in range(1, len(ber)):
        if ber[i - 1] > threshold >= ber[i] > 0:
            t = (math.log10(threshold) - math.log10(ber[i - 1])) / (math.log10(ber[i]) - math.log10(ber[i - 1]))
            return osnr_db[i - 1] + t * (osnr_db[i] - osnr_db[i - 1])
    return math.nan


def test_chain_writes_report_store_and_figures(chain):
    out, s = chain
    assert (out / "chip" / "chip.manifest.json").exists() and (out / "report.html").exists()
    data = json.loads((out / "chain.json").read_text())
    manifest = read_manifest(out / "chip" / "chip.manifest.json")
    assert set(data["standards"]) == {"400ZR", "800ZR"}
    for fig in data["standards"].values():
        # the chosen MZM is one of the chip's and its simulated required OSNR lies above the ideal receiver's
        assert manifest.device(fig["mzm"], "mzm").parameters["modulator"]["length"] == fig["mzm_length_m"]
        assert 15.0 < fig["required_osnr_db"] < 35.0
    assert data["laser"]["name"] == manifest.best("laser", "power_w").name
    assert set(data["budgets"]) == {"400ZR-DCI-120km", "800ZR-DCI-120km", "OpenZR+-metro-6x80km"}
    assert 0.0 <= data["yield"]["400ZR"]["yield"] <= 1.0 and data["yield"]["400ZR"]["n_dies"] == 12
    html = (out / "report.html").read_text()
    assert "12.5 GHz" in html and html.count("data:image/png;base64") >= 3
    runs = Store(out / "results.h5").runs()
    assert sum(r.startswith("ber-") for r in runs) == 2 and sum(r.startswith("yield-") for r in runs) == 2


def test_chain_verdicts_follow_from_its_curves_and_tx_power(chain):
    out, s = chain
    store = Store(out / "results.h5")
    jobs = {STANDARD_PRESETS["400ZR"]: "400ZR", STANDARD_PRESETS["800ZR"]: "800ZR", METRO_PRESET: "400ZR"}
    for preset_name, standard in jobs.items():
        fig = s["standards"][standard]
        run = store.read(fig["ber_run"])
        order = np.argsort(run.params["osnr_db"])
        osnr, ber = run.params["osnr_db"][order], run.results["ber"][order]
        req = _crossing(list(osnr), list(ber), get_standard(standard).pre_fec_ber_threshold)
        assert fig["required_osnr_db"] == pytest.approx(req, abs=1e-9)
        link = preset(preset_name)
        link["transceiver"] = {"ber_curve": {"osnr_db": osnr.tolist(), "ber": ber.tolist()},
                               "tx_power_dbm": fig["tx_power_dbm"]}
        direct = evaluate(parse_link(link, source=f"direct {preset_name}"))
        # the link's own standard sets the threshold (oFEC's for the OpenZR+ metro link)
        thr = direct.transceiver.pre_fec_ber_threshold
        assert direct.transceiver.required_osnr_db == pytest.approx(_crossing(list(osnr), list(ber), thr), abs=1e-9)
        got = s["budgets"][preset_name]
        assert got["verdict"] == direct.verdict, preset_name
        assert got["margin_db"] == pytest.approx(float(np.min(direct.margin_db)), abs=1e-6)
        assert got["verdict"] == ("PASS" if got["margin_db"] >= 0 else "FAIL")


def test_chain_rerun_resumes_from_the_store(chain):
    out, s = chain
    store = Store(out / "results.h5")
    before = {r: store.read(r).n_done for r in store.runs()}
    again = run_chain(out, n_symbols=4096, n_dies=12)
    after = {r: store.read(r).n_done for r in store.runs()}
    assert before == after  # nothing recomputed or duplicated
    assert again["standards"]["400ZR"]["required_osnr_db"] == pytest.approx(s["standards"]["400ZR"]["required_osnr_db"])


def test_chain_report_opens_in_chromium(chain, open_in_chromium):
    # the same headless-Chromium check as the budget report
    out, _ = chain
    dom, console = open_in_chromium(out / "report.html")
    assert console == []
    assert dom.count("<img") >= 3 and "chain-data" in dom
