"""The whole chain: chip → manifest → every candidate MZM simulated → each standard's choice → budgets → yield.

The chain's figures are checked against what its own stores hold: each candidate's required OSNR is re-read
from the BER points in its HDF5 store (log-linear interpolation at the standard's pre-FEC threshold, written
here), the choice is the candidate that passes with the largest margin (or fails by the least), and a re-run
recomputes nothing.
"""

import json
import math

import numpy as np
import pytest

from links.standards import get_standard
from links.store import Store
from optolink.flows_chain import STANDARD_PRESETS, run_chain
from photonics.manifest import read_manifest


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    out = tmp_path_factory.mktemp("chain")
    first = run_chain(out, n_symbols=4096, n_dies=12)
    return out, first


def _crossing(osnr_db, ber, threshold):
    """First downward crossing of ``threshold`` (BER = 0 points dropped), linear in log10(BER); NaN if none."""
    pts = [(o, b) for o, b in zip(osnr_db, ber, strict=True) if b > 0]
    for (o0, b0), (o1, b1) in zip(pts, pts[1:], strict=False):
        if b0 > threshold >= b1:
            t = (math.log10(threshold) - math.log10(b0)) / (math.log10(b1) - math.log10(b0))
            return o0 + t * (o1 - o0)
    return math.nan


def test_chain_writes_the_candidate_table_plot_report_and_stores(chain):
    out, s = chain
    data = json.loads((out / "chain.json").read_text())
    manifest = read_manifest(out / "chip" / "chip.manifest.json")
    mzms = [d.name for d in manifest.of_kind("mzm")]
    assert set(data["candidates"]) == {"400ZR", "800ZR"}
    for standard, rows in data["candidates"].items():
        assert [r["mzm"] for r in rows] == mzms
        for r in rows:
            assert manifest.device(r["mzm"], "mzm").parameters["modulator"]["length"] == r["length_m"]
            for key in ("vpi_v", "eo_bandwidth_hz", "drive_swing_vpi", "tx_power_dbm", "estimate_required_osnr_db",
                        "margin_db", "verdict"):
                assert key in r
        # at a fixed driver swing a longer MZM has a lower Vπ (more swing over Vπ) and less bandwidth
        by_len = sorted(rows, key=lambda r: r["length_m"])
        assert by_len[0]["drive_swing_vpi"] < by_len[-1]["drive_swing_vpi"]
        assert by_len[0]["eo_bandwidth_hz"] > by_len[-1]["eo_bandwidth_hz"]
        chosen = data["standards"][standard]["mzm"]
        best = max(rows, key=lambda r: (r["verdict"] == "PASS", -1e9 if r["margin_db"] is None or
                                        (isinstance(r["margin_db"], str)) else r["margin_db"]))
        assert chosen == best["mzm"]
        assert data["optimum"][standard]["note"]
    # the transmitter's laser is the stated external one; the chip's own DFB is reported beside it
    assert data["chip_laser"]["name"] == manifest.best("laser", "power_w").name
    assert data["photodiode"] == manifest.best("photodetector", "bandwidth_hz").name
    for r in data["candidates"]["400ZR"]:
        # Tx power follows the laser dB for dB: the laser the Tx minimum needs sits above the stated one by the
        # Tx shortfall (400ZR's minimum is −10 dBm, OIF-400ZR-01.0 Table 15)
        assert r["laser_needed_for_tx_min_dbm"] == pytest.approx(r["laser_power_dbm"] - 10.0 - r["tx_power_dbm"])
        assert ("Tx power below the standard's minimum" in "; ".join(r["fail_reasons"])) == (
            r["laser_needed_for_tx_min_dbm"] > r["laser_power_dbm"])
    assert set(data["budgets"]) == {"400ZR-DCI-120km", "800ZR-DCI-120km", "OpenZR+-metro-6x80km"}
    assert 0.0 <= data["yield"]["400ZR"]["yield"] <= 1.0 and data["yield"]["400ZR"]["n_dies"] == 12
    html = (out / "report.html").read_text()
    assert "12.5 GHz" in html and "drive swing / Vπ" in html and html.count("data:image/png;base64") >= 3
    assert (out / "chain_margin_vs_length.png").stat().st_size > 10_000
    for standard in STANDARD_PRESETS:
        assert any(r.startswith("chip-") for r in Store(out / f"verdicts_{standard.lower()}.h5").runs())


def test_each_candidate_required_osnr_is_read_off_its_stored_points(chain):
    out, s = chain
    for standard, rows in s["candidates"].items():
        store = Store(out / f"verdicts_{standard.lower()}.h5")
        thr = get_standard(standard).pre_fec_ber_threshold
        for r in rows:
            osnr, ber = [], []
            for run in r["runs"]:  # the OSNR runs of the candidate (the chain simulates no sensitivity)
                d = store.read(run)
                osnr += d.params["osnr_db"].tolist()
                ber += d.results["ber"].tolist()
            order = np.argsort(osnr)
            req = _crossing(list(np.asarray(osnr)[order]), list(np.asarray(ber)[order]), thr)
            if math.isnan(req):
                assert math.isnan(r["required_osnr_db"]) and r["verdict"] == "FAIL"
            else:
                assert r["required_osnr_db"] == pytest.approx(req, abs=1e-6), (standard, r["mzm"])


def test_chain_rerun_recomputes_nothing(chain):
    out, s = chain
    stores = [Store(out / f"verdicts_{k.lower()}.h5") for k in STANDARD_PRESETS]
    before = [{r: st.read(r).n_done for r in st.runs()} for st in stores]
    again = run_chain(out, n_symbols=4096, n_dies=12, workers=1)
    assert [{r: st.read(r).n_done for r in st.runs()} for st in stores] == before
    assert all(r["cached"] for rows in again["candidates"].values() for r in rows)
    assert again["standards"]["400ZR"]["mzm"] == s["standards"]["400ZR"]["mzm"]


def test_chain_report_opens_in_chromium(chain, open_in_chromium):
    # the same headless-Chromium check as the budget report
    out, _ = chain
    dom, console = open_in_chromium(out / "report.html")
    assert console == []
    assert dom.count("<img") >= 3 and "chain-data" in dom
