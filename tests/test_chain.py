"""The whole chain (issue 7): chip → manifest → devices → BER curves → budgets → yield → report + store."""

import json

import pytest

from links.store import Store
from optolink.flows_chain import run_chain


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    out = tmp_path_factory.mktemp("chain")
    first = run_chain(out, n_symbols=4096, n_dies=12)
    return out, first


def test_chain_writes_report_store_and_figures(chain):
    out, s = chain
    assert (out / "chip" / "chip.manifest.json").exists() and (out / "report.html").exists()
    data = json.loads((out / "chain.json").read_text())
    assert set(data["standards"]) == {"400ZR", "800ZR"}
    for fig in data["standards"].values():
        # the chosen MZM is one of the chip's and its simulated required OSNR lies above the ideal receiver's
        assert fig["mzm"].startswith("mzm_") and 15.0 < fig["required_osnr_db"] < 35.0
    assert set(data["budgets"]) == {"400ZR-DCI-120km", "800ZR-DCI-120km", "OpenZR+-metro-6x80km"}
    assert all(v["verdict"] in ("PASS", "FAIL") for v in data["budgets"].values())
    assert 0.0 <= data["yield"]["400ZR"]["yield"] <= 1.0 and data["yield"]["400ZR"]["n_dies"] == 12
    html = (out / "report.html").read_text()
    assert "12.5 GHz" in html and html.count("data:image/png;base64") >= 3
    runs = Store(out / "results.h5").runs()
    assert sum(r.startswith("ber-") for r in runs) == 2 and sum(r.startswith("yield-") for r in runs) == 2


def test_chain_rerun_resumes_from_the_store(chain):
    out, s = chain
    store = Store(out / "results.h5")
    before = {r: store.read(r).n_done for r in store.runs()}
    again = run_chain(out, n_symbols=4096, n_dies=12)
    after = {r: store.read(r).n_done for r in store.runs()}
    assert before == after  # nothing recomputed or duplicated
    assert again["standards"]["400ZR"]["required_osnr_db"] == pytest.approx(s["standards"]["400ZR"]["required_osnr_db"])


def test_chain_report_opens_in_chromium(chain, tmp_path):
    # the same headless-Chromium check as the budget report (tests/test_report.py)
    from tests.test_report import _open_in_chromium

    out, _ = chain
    dom, console = _open_in_chromium(out / "report.html", tmp_path)
    assert console == []
    assert dom.count("<img") >= 3 and "chain-data" in dom
