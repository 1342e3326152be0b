"""Network outputs: the HDF5 results store (written and read back), the command line's three files agreeing with
each other, and bad native input refused before anything is written."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from links.network import build_native, example_metro, standard_modes
from links.network.coverage import reach_from_paths
from links.network.paths import all_pairs
from links.network.pathstore import read_paths, save_paths
from links.store import Store


def _unicode_metro():
    doc = example_metro(10, rng=6)
    rename = {"hub1": "Zürich-Örlikon", "site09": "São Paulo 2"}  # non-ASCII names are stored as given
    for s in doc["sites"]:
        s["name"] = rename.get(s["name"], s["name"])
    for x in doc["links"]:
        x["from"], x["to"] = rename.get(x["from"], x["from"]), rename.get(x["to"], x["to"])
    return doc


def test_store_round_trip(tmp_path):
    net = build_native(_unicode_metro())
    table = all_pairs(net, standard_modes(1.0))
    reach = reach_from_paths(net, table, 1e-3)
    save_paths(tmp_path / "n.h5", net, table, reach=reach, compute=["Zürich-Örlikon"])
    assert Store(tmp_path / "n.h5").runs() == ["paths", "reach"]
    back = read_paths(tmp_path / "n.h5")
    assert len(back["src"]) == len(table)
    got = {(s, d): j for j, (s, d) in enumerate(zip(back["src"], back["dst"], strict=True))}
    assert set(got) == set(table)
    assert "Zürich-Örlikon" in back["src_site"] and "São Paulo 2" in back["dst_site"]
    for j, key in enumerate(table):
        k = got[key]
        lp = table[key].lightpath
        np.testing.assert_array_equal(back["gsnr_channels_db"][k], lp.gsnr_channels_db)  # float64 as computed
        assert back["gsnr_db"][k] == table.gsnr_db[j]
        assert back["latency_s"][k] == table[key].latency_s
        assert back["length"][k] == lp.length and back["roadm_passes"][k] == lp.n_roadm_passes
        assert back["mode"][k] == (table[key].mode.name if table[key].mode else None)
        assert math.isnan(back["margin_db"][k]) if table[key].mode is None else back["margin_db"][k] == \
            table[key].margin_db
    np.testing.assert_array_equal(back["frequency"], net.equipment.spectrum.frequencies)
    r = Store(tmp_path / "n.h5").read("reach").sorted()
    np.testing.assert_array_equal(r.results["rtt_s"], reach.rtt_s)
    assert r.results["compute"].sum() == 1
    assert r.results["covered"][reach.index("Zürich-Örlikon")] == 1


def test_read_paths_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="store file not found"):
        read_paths(tmp_path / "none.h5")
    assert not (tmp_path / "none.h5").exists()


def test_cli_writes_html_json_and_store(tmp_path):
    from optolink.cli import main

    f = tmp_path / "metro.json"
    f.write_text(json.dumps(_unicode_metro()))
    out = tmp_path / "out"
    assert main(["network", str(f), "--compute", "Zürich-Örlikon", "--budget-rtt", "400us", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["network.h5", "network.html", "network.json"]
    result = json.loads((out / "network.json").read_text())
    back = read_paths(out / "network.h5")
    assert len(back["src"]) == len(result["paths"]) == 10 * 9
    rows = {(r["src"], r["dst"]): r for r in result["paths"]}
    for k in range(len(back["src"])):
        row = rows[(back["src_site"][k], back["dst_site"][k])]
        assert row["gsnr_mean_db_signal_bw"] == back["gsnr_db"][k]  # JSON floats round-trip exactly
        assert row["rtt_us"] == pytest.approx(2e6 * back["latency_s"][k], rel=1e-15)
        assert row["mode"] == back["mode"][k]
    attrs = Store(out / "network.h5").run_attrs("paths")
    assert attrs["coverage"] == result["coverage"] and attrs["budget_rtt_s"] == pytest.approx(400e-6, rel=1e-12)


@pytest.mark.parametrize("case, match", [
    ("zero_length", r"links/0/length_km"),
    ("dangling", r"links\[0\]: field 'to' names 'nowhere'"),
    ("unknown_kind", r"sites/0/kind"),
    ("missing_length", r"links\[0\]: missing field 'length_km'"),
])
def test_bad_native_input_writes_nothing(case, match, tmp_path):
    """A native network with a zero-length link, a link to an unknown site, a site of unknown kind or a link
    without a length: an error naming the entry and the field, and no output directory."""
    from optolink.cli import main

    doc = example_metro(10, rng=6)
    if case == "zero_length":
        doc["links"][0]["length_km"] = 0
    elif case == "dangling":
        doc["links"][0]["to"] = "nowhere"
    elif case == "unknown_kind":
        doc["sites"][0]["kind"] = "datacentre"
    else:
        del doc["links"][0]["length_km"]
    with pytest.raises(ValueError, match=match):
        build_native(doc)
    f = tmp_path / "bad.json"
    f.write_text(json.dumps(doc))
    out = tmp_path / "out"
    assert main(["network", str(f), "--out", str(out)]) == 2
    assert not out.exists()


def test_native_schema_accepts_the_examples_and_refuses_bad_files():
    """The JSON Schema of the native form accepts the built-in metros and the documented example, and refuses
    what the builder refuses, naming the field."""
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    from links.network import native

    validator = jsonschema.Draft202012Validator(native.SCHEMA)
    for doc in (example_metro(), example_metro(100, rng=11, n_links=300, radius_km=60.0)):
        assert not list(validator.iter_errors(doc))
    text = native.__doc__.split("```yaml")[1].split("```")[0]
    documented = yaml.safe_load(text)
    documented.pop("equipment")  # names a file
    assert not list(validator.iter_errors(documented))
    net = build_native(documented)
    assert len(net.sites) == 3 and net.sites["A"].kind == "compute"
    spans = sorted(e.length for u, e in net.elements.items() if e.type == "Fiber" and "B → C" in u)
    assert spans == [55e3, 60e3]  # explicit spans kept
    bad = dict(documented, colour="red")
    assert [e.message for e in validator.iter_errors(bad)] == [
        "Additional properties are not allowed ('colour' was unexpected)"]
    with pytest.raises(ValueError, match="colour"):
        build_native(bad)


def test_demo_section_writes_the_map_table_and_store(tmp_path):
    from optolink.flows_network import demo_section

    section = demo_section(tmp_path)
    for f in section["files"]:
        assert (tmp_path / f).is_file()
    page = (tmp_path / "network" / "network.html").read_text()
    assert "<svg" in page and page.count("<tr>") == section["n_paths"] + 1  # header + one row per path
    assert section["n_paths"] == 40 * 39 and section["coverage"] >= 0.75
    assert len(read_paths(tmp_path / "network" / "network.h5")["src"]) == section["n_paths"]
