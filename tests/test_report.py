"""Budget reports (links.report): JSON schema, HTML = JSON, self-contained HTML in headless Chromium, atomicity."""

import json
import os
import re
from html.parser import HTMLParser

import pytest

from links import report_html
from links.linkfile import evaluate, parse_link, preset
from links.report import (
    SCHEMA_FILENAME,
    SchemaError,
    render_markdown,
    render_report,
    report_data,
    validate,
    write_report,
)

PLOTS = ("plot-level", "plot-channels", "plot-launch", "plot-ber", "plot-latency")


@pytest.fixture(scope="module")
def zr():
    return evaluate(parse_link(preset("400ZR-DCI-120km")))


@pytest.fixture(scope="module")
def written(zr, tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    paths = write_report(zr, out, stem="zr")
    return out, paths


# --- the minimal JSON-Schema validator ----------------------------------------------------------------------
def test_validator_subset():
    schema = {"type": "object", "required": ["a"], "additionalProperties": False,
              "properties": {"a": {"$ref": "#/$defs/pos"}, "b": {"type": "array", "items": {"enum": ["x", "y"]},
                                                                "minItems": 1}},
              "patternProperties": {"^snr": {"allOf": [{"type": "object"}], "required": ["bw"]}},
              "$defs": {"pos": {"anyOf": [{"type": "number", "exclusiveMinimum": 0}, {"const": "inf"}]}}}
    validate({"a": 1.5, "b": ["x"], "snr_1": {"bw": 1}}, schema)
    validate({"a": "inf"}, schema)
    for bad, match in [({}, "missing required property 'a'"), ({"a": -1}, "matches none"),
                       ({"a": 1, "c": 2}, "unexpected property 'c'"), ({"a": 1, "b": []}, "fewer than 1"),
                       ({"a": 1, "b": ["z"]}, r"/b/0: 'z' is not one of"), ({"a": 1, "snr_x": {}}, "/snr_x.*'bw'"),
                       ({"a": True}, "matches none"), ([], "expected object")]:
        with pytest.raises(SchemaError, match=match):
            validate(bad, schema)
    with pytest.raises(SchemaError, match="not supported"):
        validate(1, {"oneOf": []})


def test_report_json_validates_and_states_bandwidths(zr):
    data = report_data(zr)
    validate(data)
    osnr_like = [k for k in data["figures"] if "snr" in k]
    assert len(osnr_like) >= 8
    for key in osnr_like:
        assert data["figures"][key]["bandwidth_hz"] in (12.5e9, zr.plan.baud_rate), key
    assert data["figures"]["center_osnr_ase"]["bandwidth_hz"] == 12.5e9
    assert data["figures"]["center_gsnr"]["bandwidth_hz"] == zr.plan.baud_rate
    for key, series in data["channels"].items():
        assert ("bandwidth_hz" in series) == ("snr" in key)
    # the schema enforces it: an OSNR without its bandwidth is rejected
    del data["figures"]["center_osnr_ase"]["bandwidth_hz"]
    with pytest.raises(SchemaError, match="center_osnr_ase.*bandwidth_hz"):
        validate(data)


def test_json_schema_with_jsonschema_when_installed(written):
    jsonschema = pytest.importorskip("jsonschema")
    out, _ = written
    schema = json.loads((out / SCHEMA_FILENAME).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads((out / "zr.json").read_text()), schema)


def test_json_holds_every_figure_with_units(written, zr):
    out, paths = written
    assert sorted(p.name for p in paths) == sorted(["zr.json", "zr.md", "zr.html", SCHEMA_FILENAME])
    data = json.loads((out / "zr.json").read_text())
    validate(data, json.loads((out / SCHEMA_FILENAME).read_text()))
    f = data["figures"]
    assert data["verdict"] == zr.verdict
    assert f["worst_margin"]["value"] == pytest.approx(zr.worst_margin_db) and f["worst_margin"]["unit"] == "dB"
    assert f["optimum_launch_power"]["value"] == pytest.approx(zr.optimum_launch_power_dbm)
    assert f["round_trip_latency"]["unit"] == "s" and f["max_reach_in_budget"]["unit"] == "m"
    assert f["center_snr_trx"]["value"] == "inf"  # the standard's required OSNR already holds the transceiver
    assert len(data["channels"]["gsnr"]["values"]) == 64
    assert data["level_diagram"]["labels"][0] == "Tx"
    assert data["ber_vs_osnr"]["modulation"] == "DP-16QAM"
    assert {c["name"] for c in data["checks"]} == {"OSNR margin", "chromatic dispersion", "latency"}


class _Rows(HTMLParser):
    """The figure rows of the report page: data-key → (data-value, shown text)."""

    def __init__(self):
        super().__init__()
        self.rows, self._key, self._cell = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-key" in a:
            self._key = a["data-key"]
        if tag == "td" and "data-value" in a and self._key:
            self._cell = [a["data-value"], ""]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[self._key] = tuple(self._cell)
            self._cell, self._key = None, None


def test_html_figures_equal_json(written):
    out, _ = written
    data = json.loads((out / "zr.json").read_text())
    parser = _Rows()
    parser.feed((out / "zr.html").read_text())
    assert set(parser.rows) == set(data["figures"])
    for key, fig in data["figures"].items():
        raw, shown = parser.rows[key]
        assert json.loads(raw) == fig["value"], key
        if fig["unit"] in ("dB", "dBm") and isinstance(fig["value"], float):
            assert shown == f"{fig['value']:.2f}", key
    assert parser.rows["center_frequency"][1] == f"{data['figures']['center_frequency']['value'] / 1e12:.4f}"


def test_html_is_self_contained(written):
    text = (written[0] / "zr.html").read_text()
    assert not re.search(r"<script|<link|<img|<iframe|@import|\bsrc=|href=\"(?!#)", text, re.I)
    assert not re.search(r"url\((?!#)", text)
    for pid in PLOTS:
        assert f'id="{pid}"' in text
    assert text.count("<svg") == len(PLOTS)
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))  # plots' SVG ids are prefixed: no collisions in one page


def test_markdown_states_bandwidths(written):
    md = (written[0] / "zr.md").read_text()
    assert md.startswith("# Link budget: 400ZR point-to-point DCI, 120 km")
    assert "**Verdict: PASS**" in md
    data = json.loads((written[0] / "zr.json").read_text())
    labels = [fig["label"] for key, fig in data["figures"].items() if "snr" in key]
    rows = [line for line in md.splitlines() if line.startswith("| ")]
    for label in labels:
        row = next(r for r in rows if r.startswith(f"| {label}"))
        assert row.rstrip(" |").endswith(("12.5 GHz (0.1 nm)", "signal, 59.84 GHz")), row


# --- headless Chromium --------------------------------------------------------------------------------------
def test_chromium_console_detector_can_fail(tmp_path, open_in_chromium):
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title></head><body>'
                    '<script>console.error("boom"); notDefined();</script></body></html>')
    _, console = open_in_chromium(page)
    assert any("boom" in line for line in console) and any("notDefined" in line for line in console)


def test_html_opens_in_chromium_without_console_errors(written, open_in_chromium):
    dom, console = open_in_chromium(written[0] / "zr.html")
    assert console == []
    for pid in PLOTS:
        m = re.search(rf'<figure id="{pid}".*?</figure>', dom, re.S)
        assert m is not None, pid
        assert "<svg" in m.group(0) and m.group(0).count("<path") > 5, pid
    assert 'id="verdict"' in dom and ">PASS<" in dom


# --- files: formats, atomicity ------------------------------------------------------------------------------
def test_formats_and_bad_arguments(zr, tmp_path):
    paths = write_report(zr, tmp_path / "md-only", formats="md")
    assert [p.name for p in paths] == ["budget.md"]
    assert sorted(render_report(zr, ["json"])) == sorted(["budget.json", SCHEMA_FILENAME])
    with pytest.raises(ValueError, match="html,md,json"):
        render_report(zr, "html,pdf")
    with pytest.raises(ValueError, match="stem"):
        render_report(zr, "md", stem="../evil")
    with pytest.raises(TypeError, match="CoherentBudget or a PowerBudget"):
        report_data({"verdict": "PASS"})


def test_no_partial_report_on_error(zr, tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("old")

    def broken(data):
        raise RuntimeError("plotting failed")

    monkeypatch.setattr(report_html, "_plots", broken)  # fails after the JSON and Markdown are rendered
    with pytest.raises(RuntimeError, match="plotting failed"):
        write_report(zr, out, stem="zr")
    assert sorted(os.listdir(out)) == ["keep.txt"]

    monkeypatch.undo()

    real_open = open
    calls = {"n": 0}

    def flaky_open(path, mode="r", *a, **k):  # the second staged file fails to write
        if "b" in mode and "w" in mode:
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError("disk full")
        return real_open(path, mode, *a, **k)

    monkeypatch.setattr("builtins.open", flaky_open)
    with pytest.raises(OSError, match="disk full"):
        write_report(zr, out, stem="zr")
    monkeypatch.undo()
    assert sorted(os.listdir(out)) == ["keep.txt"]  # nothing moved in, the staging folder removed


def test_power_budget_report(tmp_path):
    link = parse_link({"kind": "power", "name": "campus", "tx_power_dbm": -8, "rx_sensitivity_dbm": -22,
                       "fiber": {"length_km": 30}, "losses": [{"name": "connector", "loss_db": 0.5, "count": 2}]})
    r = evaluate(link)
    files = render_report(r, "html,md,json", stem="campus")
    data = json.loads(files["campus.json"])
    validate(data)
    assert data["kind"] == "power" and data["figures"]["margin"]["value"] == pytest.approx(r.margin_db)
    assert [line["name"] for line in data["lines"]][:3] == ["Tx power", "fibre", "connector"]
    html = files["campus.html"].decode()
    assert 'id="plot-level"' in html and 'id="plot-latency"' in html and "plot-channels" not in html
    assert "power margin" in render_markdown(data)


def _broken_documents(data):
    """Deliberately broken copies of a valid report document, each violating one rule of the format."""
    def copy():
        return json.loads(json.dumps(data))

    out = []
    d = copy()
    del d["verdict"]  # a required top-level key
    out.append(("missing verdict", d))
    d = copy()
    d["verdict"] = "MAYBE"  # not PASS/FAIL/n/a
    out.append(("bad verdict", d))
    d = copy()
    del d["figures"]["center_gsnr"]["bandwidth_hz"]  # an SNR without its bandwidth
    out.append(("SNR without bandwidth", d))
    d = copy()
    d["figures"]["center_gsnr"]["value"] = "high"  # a figure that is not a number
    out.append(("non-numeric figure", d))
    d = copy()
    d["unexpected"] = 1  # no additional top-level properties
    out.append(("extra key", d))
    d = copy()
    d["schema"] = "optolink.budget/0"  # another schema version
    out.append(("wrong schema id", d))
    return out


def test_schema_file_accepts_real_reports_and_rejects_broken_ones(written, tmp_path):
    # jsonschema (an independent implementation of JSON Schema 2020-12) against the schema file a report ships:
    # every real report validates, and each deliberately broken document is rejected by it and by ours
    jsonschema = pytest.importorskip("jsonschema")
    out, _ = written
    schema = json.loads((out / SCHEMA_FILENAME).read_text())
    checker = jsonschema.Draft202012Validator(schema)
    power = parse_link({"kind": "power", "tx_power_dbm": -8, "rx_sensitivity_dbm": -22, "fiber": {"length_km": 30}})
    docs = [json.loads((out / "zr.json").read_text()),
            json.loads(render_report(evaluate(power), "json")["budget.json"]),
            json.loads(render_report(evaluate(parse_link(preset("OpenZR+-metro-6x80km"))), "json")["budget.json"])]
    for doc in docs:
        checker.validate(doc)
    for what, bad in _broken_documents(docs[0]):
        assert not checker.is_valid(bad), what
        with pytest.raises(SchemaError):
            validate(bad)


def test_reports_without_a_transceiver_and_with_a_ber_curve():
    import numpy as np

    from links.budget import Amplifier, ChannelPlan, Span, Transceiver, coherent_budget
    from links.metrics import snr_from_osnr, theoretical_ber

    plan = ChannelPlan(16, 59.84375e9, 75e9, 193.7e12, 1.0)
    bare = coherent_budget(plan, [Span(80e3, 0.2, 16.7, 1.3)] * 2, Amplifier(None, 5.0), name="line only")
    files = render_report(bare, "json,html", stem="bare")
    data = json.loads(files["bare.json"])
    assert data["verdict"] == "n/a" and "ber_vs_osnr" not in data and "worst_margin" not in data["figures"]
    assert b'id="plot-ber"' not in files["bare.html"] and b'id="plot-launch"' in files["bare.html"]
    osnr = np.arange(15.0, 28.0, 0.5)
    trx = Transceiver.from_ber_curve("400ZR", (osnr, theoretical_ber("16QAM", snr_from_osnr(osnr - 2, 59.84375e9))))
    curved = coherent_budget(plan, [Span(80e3, 0.2, 16.7, 1.3)] * 2, Amplifier(None, 5.0), transceiver=trx)
    data = report_data(curved)
    assert len(data["ber_vs_osnr"]["curve_osnr"]["values"]) == osnr.size
    assert data["ber_vs_osnr"]["curve_osnr"]["bandwidth_hz"] == 12.5e9
    assert data["figures"]["implementation_penalty"]["value"] == pytest.approx(2.0, abs=0.02)
