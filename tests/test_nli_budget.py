"""The NLI model choice of coherent budgets (links.budget_nli): the nli_model keyword, the link-file key, the
command line, and the report stating which model ran."""

from __future__ import annotations

import json

import numpy as np
import pytest

from links.budget import Amplifier, ChannelPlan, Span, Transceiver, coherent_budget
from links.budget_nli import NLI_MODELS, span_nli_power
from links.linkfile import PRESETS, evaluate, parse_link
from links.nli import nli_coefficients
from links.report import render_report

F0 = 193.7e12


def _link():
    plan = ChannelPlan(41, 59.84375e9, 75e9, F0, 0.0)
    return plan, [Span(80e3, 0.2, 17.0, 1.3, dispersion_slope_ps_nm2_km=0.058, reference_frequency=F0)] * 6


def test_bad_nli_model_names_the_key_and_the_choices():
    plan, spans = _link()
    with pytest.raises(ValueError, match=r"nli_model must be one of 'closed_form', 'gn', 'egn'; got 'GN'"):
        coherent_budget(plan, spans, Amplifier(None, 5.0), nli_model="GN")
    data = dict(PRESETS["OpenZR+-metro-6x80km"], nli_model="exact")
    with pytest.raises(ValueError, match="nli_model must be one of"):
        parse_link(data)


def test_each_model_runs_and_the_budget_says_which():
    plan, spans = _link()
    amp = Amplifier(None, 5.0)
    trx = Transceiver.from_standard("400ZR")
    out = {m: coherent_budget(plan, spans, amp, transceiver=trx, nli_model=m) for m in NLI_MODELS}
    assert {m: r.nli_model for m, r in out.items()} == {m: m for m in NLI_MODELS}
    # closed form: P_NLI,i = Σ_k η_k,ij P_i P_j² summed over the spans (Poggiolini 2012, eq. 120)
    p = plan.launch_powers_w
    eta = nli_coefficients(plan.frequencies, plan.bandwidths, spans).sum(axis=0)
    np.testing.assert_allclose(out["closed_form"].snr_nli_db, 10 * np.log10(p / (p * (eta @ p**2))), atol=1e-9)
    # the closed form approximates the GN integral; 60 GBd on 75 GHz (guard band 1.25 × baud) is close to
    # Nyquist packing, where it drops the neighbours' four-wave-mixing islands: ~0.1 dB less NLI
    c = plan.center_index
    assert 0.0 < out["closed_form"].snr_nli_db[c] - out["gn"].snr_nli_db[c] < 0.2
    # EGN: 16QAM's negative excess kurtosis lowers the NLI (Carena et al., Opt. Express 22, 16335 (2014))
    assert np.all(out["egn"].snr_nli_db > out["gn"].snr_nli_db + 0.1)
    # without a transceiver the format is unknown: EGN falls back to Gaussian symbols, i.e. the GN model
    np.testing.assert_allclose(coherent_budget(plan, spans, amp, nli_model="egn").snr_nli_db,
                               coherent_budget(plan, spans, amp, nli_model="gn").snr_nli_db, atol=1e-12)
    assert "16QAM" in out["egn"].nli_model_detail and "Raman" in out["egn"].nli_model_detail


def test_link_file_key_and_reports_name_the_model(monkeypatch):
    import links.report_html

    monkeypatch.setattr(links.report_html, "_plots", lambda data: [])  # the page's text, not its plots
    data = dict(PRESETS["OpenZR+-metro-6x80km"], nli_model="gn")
    link = parse_link(data)
    assert link.nli_model == "gn"
    r = evaluate(link)
    assert r.nli_model == "gn"
    files = render_report(r, ("json", "md", "html"), stem="b")
    doc = json.loads(files["b.json"])
    assert doc["nli_model"]["name"] == "gn" and "exact GN-model integral" in doc["nli_model"]["description"]
    assert any(n.startswith("NLI model (gn)") for n in doc["notes"])
    assert "NLI model: **gn**" in files["b.md"].decode()
    assert 'id="nli-model"' in files["b.html"].decode() and "<strong>gn</strong>" in files["b.html"].decode()
    assert parse_link(PRESETS["OpenZR+-metro-6x80km"]).nli_model == "gn"  # the default


def test_command_line_nli_model_option(capsys):
    from optolink.cli import main

    assert main(["budget", "400ZR", "--spans", "2", "--channels", "8", "--nli-model", "closed_form"]) == 0
    assert "NLI model: closed_form" in capsys.readouterr().out


def test_span_nli_power_with_dark_channels():
    # one span, a third of the grid dark: dark channels get no NLI; the lit ones match the budget's engine on
    # the lit subset (the grid path handles any subset of the slots)
    f = F0 + (np.arange(21) - 10) * 50e9
    b = np.full(21, 32e9)
    p = np.full(21, 1e-3)
    p[::3] = 0.0
    span = Span(80e3, 0.2, 17.0, 1.3, reference_frequency=F0)
    for model in ("closed_form", "gn"):
        out = span_nli_power(f, b, p, span, nli_model=model)
        assert np.all(out[::3] == 0) and np.all(out[p > 0] > 0)
    lit = p > 0
    closed = span_nli_power(f, b, p, span, nli_model="closed_form")[lit]
    eta = nli_coefficients(f[lit], b[lit], [span])[0]
    np.testing.assert_allclose(closed, p[lit] * (eta @ p[lit] ** 2), rtol=1e-12)
    with pytest.raises(ValueError, match="path model"):
        span_nli_power(f, b, p, span, nli_model="egn")
