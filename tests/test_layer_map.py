"""The layer map: optolink's logical layers on another PDK's GDS layers, the KLayout .lyp, `optolink chip --pdk`.

The second PDK is defined here (a foundry-style numbering no layer of which is a generic-PDK layer), once as a
layer map file (`optolink chip --pdk FILE` on the default DOE) and once as a gdsfactory ``Pdk`` of its own
whose map comes from its layer names. The expected GDS layers are this file's table, never the code's.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import gdsfactory as gf
import klayout.db as kdb
import pytest
import yaml

from layouts import cells, use_pdk
from layouts import layer_map as lm
from layouts.checks import RULES, run_checks
from layouts.manifest import write_chip
from layouts.readback import read_chip
from optolink.cli import main

# a foundry-style numbering, disjoint from gdsfactory's generic layers (checked below)
FAB = {
    "FLOORPLAN": (199, 0), "DICING": (198, 0), "DEEPTRENCH": (130, 1), "SLAB90": (102, 0),
    "N": (120, 1), "NP": (120, 2), "NPP": (120, 3), "P": (121, 1), "PP": (121, 2), "PPP": (121, 3),
    "WG": (101, 0), "SHALLOW_ETCH": (101, 6), "GE": (140, 0), "GEN": (140, 3), "VIAC": (150, 0),
    "VIA1": (151, 0), "VIA2": (152, 0), "M1": (160, 0), "M2": (161, 0), "HEATER": (170, 0), "MTOP": (162, 0),
    "PADOPEN": (180, 0), "DEVREC": (190, 0), "TEXT": (191, 0), "ERROR": (1999, 0),
}
# gdsfactory's generic PDK as its documentation lists it (gf.gpdk.LAYER); MTOP is its M3
GENERIC_NUMBERS = {
    "WG": (1, 0), "SHALLOW_ETCH": (2, 6), "SLAB90": (3, 0), "DEEPTRENCH": (4, 0), "GE": (5, 0), "N": (20, 0),
    "P": (21, 0), "NP": (22, 0), "PP": (23, 0), "NPP": (24, 0), "PPP": (25, 0), "GEN": (26, 0), "VIAC": (40, 0),
    "M1": (41, 0), "VIA2": (43, 0), "VIA1": (44, 0), "M2": (45, 0), "PADOPEN": (46, 0), "HEATER": (47, 0),
    "MTOP": (49, 0), "FLOORPLAN": (64, 0), "TEXT": (66, 0), "DEVREC": (68, 0), "DICING": (100, 0),
    "ERROR": (1000, 0),
}


def _populated(path) -> dict[tuple[int, int], int]:
    ly = kdb.Layout()
    ly.read(str(path))
    top = ly.top_cells()[0]
    out = {}
    for li in ly.layer_indexes():
        n = kdb.Region(top.begin_shapes_rec(li)).count()
        if n:
            info = ly.get_info(li)
            out[(info.layer, info.datatype)] = n
    return out


# ------------------------------------------------------------------------------------------------------
# The map itself
# ------------------------------------------------------------------------------------------------------
def test_generic_map_is_gdsfactorys_generic_pdk():
    assert lm.GENERIC.as_dict() == GENERIC_NUMBERS
    assert lm.LayerMap.from_pdk(gf.gpdk.PDK).as_dict() == GENERIC_NUMBERS  # derived from its layer names
    for name, rule in RULES.items():  # the rule table is stated on the same layers
        assert rule.layer == GENERIC_NUMBERS[name]
    assert set(FAB.values()).isdisjoint(GENERIC_NUMBERS.values())


@pytest.mark.parametrize("change, message", [
    (lambda d: d.pop("VIAC"), "VIAC"),
    (lambda d: d.update(M2=d["M1"]), "both on GDS layer"),
    (lambda d: d.update(WG=(70000, 0)), "WG"),
    (lambda d: d.update(WG=(1,)), "WG"),
    (lambda d: d.update(METAL9=(9, 9)), "METAL9"),
])
def test_bad_maps_are_refused_naming_the_layer(change, message):
    layers = dict(FAB)
    change(layers)
    with pytest.raises(ValueError, match=message):
        lm.LayerMap("fab", layers)
    with pytest.raises(ValueError, match="colors.WG"):
        lm.LayerMap("fab", FAB, {"WG": "blue"})


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_map_files_round_trip(tmp_path, suffix):
    path = tmp_path / f"fab{suffix}"
    data = {"name": "fab", "layers": {n: list(p) for n, p in FAB.items()}}
    data["layers"]["MTOP"] = {"layer": [162, 0], "color": "#FFCC00"}
    path.write_text(yaml.safe_dump(data) if suffix == ".yaml" else json.dumps(data))
    m = lm.LayerMap.read(path)
    assert m.as_dict() == FAB and m.name == "fab" and m.pdk == ""
    assert m.color("MTOP") == "#ffcc00" and m.color("WG") == lm.LOGICAL_LAYERS["WG"][2]
    assert lm.LayerMap.from_mapping(m.to_dict()) == m
    (tmp_path / "bad.yaml").write_text("name: fab\nlayers: {WG: [1, 0]}\n")
    with pytest.raises(ValueError, match="no GDS layer for"):
        lm.LayerMap.read(tmp_path / "bad.yaml")


# ------------------------------------------------------------------------------------------------------
# KLayout layer properties
# ------------------------------------------------------------------------------------------------------
def _lyp_entries(path) -> dict[str, tuple[int, int]]:
    """name → (layer, datatype) as KLayout itself reads the file."""
    import klayout.lay as lay

    view = lay.LayoutView()
    view.load_layer_props(str(path))
    out, it = {}, view.begin_layers()
    while not it.at_end():
        p = it.current()
        out[p.name] = (p.source_layer, p.source_datatype)
        it.next()
    return out


def test_committed_lyp_is_the_generic_map_and_names_every_layer():
    path = lm.GENERIC_LYP
    assert path.read_text() == lm.lyp_text(lm.GENERIC), "regenerate layouts/optolink.lyp with layer_map.write_lyp"
    root = ET.parse(path).getroot()
    assert root.tag == "layer-properties"
    props = root.findall("properties")
    by_name = {p.findtext("name").split(" - ")[0]: p for p in props}
    assert set(by_name) == set(GENERIC_NUMBERS)
    for name, (layer, datatype) in GENERIC_NUMBERS.items():
        p = by_name[name]
        assert p.findtext("source") == f"{layer}/{datatype}@1"
        assert p.findtext("fill-color").startswith("#") and len(p.findtext("fill-color")) == 7
    read = _lyp_entries(path)
    assert {n.split(" - ")[0]: v for n, v in read.items()} == GENERIC_NUMBERS


# ------------------------------------------------------------------------------------------------------
# `optolink chip --pdk FILE` on the default DOE (one build, ~10 s: the acceptance of a second PDK)
# ------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fab_chip(tmp_path_factory):
    d = tmp_path_factory.mktemp("fab_chip")
    map_file = d / "testfab.yaml"
    map_file.write_text(yaml.safe_dump({"name": "testfab", "layers": {n: list(p) for n, p in FAB.items()}}))
    out = d / "out"
    rc = main(["chip", "--pdk", str(map_file), "--out", str(out), "--no-picture"])
    return rc, out


def test_chip_on_second_pdk_uses_its_layers_and_passes_the_checks(fab_chip):
    rc, out = fab_chip
    assert rc == 0  # 0: no layout-check violation
    populated = _populated(out / "chip.gds")
    assert set(populated) == set(FAB.values()) - {FAB["ERROR"]}  # every drawn layer is the PDK's, none missing
    manifest = json.loads((out / "chip.manifest.json").read_text())
    chip = manifest["chip"]
    assert chip["pdk"] == "testfab"
    assert {n: tuple(v) for n, v in chip["layer_map"]["layers"].items()} == FAB
    assert manifest["checks"]["violations"] == 0 and manifest["checks"]["rules_checked"] > 50
    # the lyp beside the GDS names the PDK's layers
    assert {n.split(" - ")[0]: v for n, v in _lyp_entries(out / "chip.lyp").items()} == FAB
    # the read-back finds every port on the PDK's waveguide / top-metal layers
    rb = read_chip(out / "chip.gds", out / "chip.manifest.json")
    assert rb.ok, rb.problems[:5]


def test_checks_read_their_layers_from_the_map(tmp_path):
    ly = kdb.Layout()
    ly.dbu = 0.001
    top = ly.create_cell("bad")
    # a 50 nm waveguide sliver (minimum width 150 nm) and a via without metal around it, on the PDK's layers
    top.shapes(ly.layer(*FAB["WG"])).insert(kdb.DBox(10.0, 10.0, 10.05, 12.0))
    top.shapes(ly.layer(*FAB["VIA1"])).insert(kdb.DBox(0.0, 0.0, 0.5, 0.5))
    bad = tmp_path / "bad.gds"
    ly.write(str(bad))
    failed = run_checks(bad, layer_map=lm.LayerMap("testfab", FAB)).summary()["failed"]
    assert failed.get("WG.width", 0) == 1 and failed.get("VIA1.in.M2", 0) == 1
    assert run_checks(bad, layer_map=lm.GENERIC).ok  # on the generic layers this layout is empty


# ------------------------------------------------------------------------------------------------------
# A gdsfactory Pdk defined here: the map from its layer names, in-process switching
# ------------------------------------------------------------------------------------------------------
def _fab_pdk():
    from gdsfactory.technology import LayerMap as GfLayerMap
    from gdsfactory.typings import Layer

    names = {("M3" if n == "MTOP" else n): p for n, p in FAB.items() if n != "ERROR"}
    layers = type("FabLayers", (GfLayerMap,), {"__annotations__": dict.fromkeys(names, Layer), **names})
    return gf.Pdk(name="fab_in_test", layers=layers, cells=gf.gpdk.PDK.cells,
                  cross_sections=gf.gpdk.PDK.cross_sections)


SMALL = {
    "name": "pdk_small",
    "devices": {
        "mzm": {"base": {"modulator": {"length": 0.5e-3}}},
        "ring": {"sweep": {"ring.gap": [250e-9]}},
        "photodetector": {},
        "laser": {},
        "gc_loopback": {"kind": "loopback", "base": {"loopback": {"length": 0.5e-3}}},
    },
}


def test_custom_gdsfactory_pdk_in_process(tmp_path):
    pdk = _fab_pdk()
    m = lm.for_pdk(pdk)
    assert {n: p for n, p in m.as_dict().items() if n != "ERROR"} == {n: p for n, p in FAB.items() if n != "ERROR"}
    assert m.layer("ERROR") == tuple(gf.CONF.layer_error_path)  # a PDK without one: gdsfactory's
    generic_ring = cells.ring()
    result = write_chip(tmp_path / "fab", SMALL, picture=True, pdk=pdk)
    assert result.report.ok, result.report.summary()
    drawn = set(_populated(result.paths["gds"]))
    assert drawn <= set(FAB.values()) and FAB["WG"] in drawn and FAB["MTOP"] in drawn and FAB["PPP"] in drawn
    assert result.manifest["chip"]["pdk"] == "fab_in_test"
    # the same cell under each PDK: separate cells, each on its own layers (gdsfactory's cache ignores PDKs)
    with use_pdk(pdk):
        fab_ring = cells.ring()
        assert lm.active() == m
    assert lm.active() == lm.GENERIC or gf.get_active_pdk() is not pdk
    assert fab_ring.name != generic_ring.name
    assert generic_ring is cells.ring()
    layers_of = {c: {(c.kcl.get_info(li).layer, c.kcl.get_info(li).datatype) for li in c.kcl.layout.layer_indexes()
                     if not c.kdb_cell.bbox(li).empty()} for c in (generic_ring, fab_ring)}
    assert layers_of[fab_ring] <= set(FAB.values()) and FAB["WG"] in layers_of[fab_ring]
    assert layers_of[generic_ring] <= set(GENERIC_NUMBERS.values()) and (1, 0) in layers_of[generic_ring]


def test_unknown_pdk_and_missing_layer_names_fail_clearly(tmp_path, capsys):
    assert main(["chip", "--pdk", "no_such_pdk_module", "--out", str(tmp_path / "x")]) == 2
    assert "no_such_pdk_module" in capsys.readouterr().err
    pdk, m = lm.pdk_from_spec("gdsfactory.gpdk")  # a PDK module: its PDK, the map from its layer names
    assert pdk is gf.gpdk.PDK and m == lm.GENERIC
    assert lm.pdk_from_spec("generic") == (None, lm.GENERIC)
    thin = gf.Pdk(name="thin", layers=gf.technology.layer_map.LayerMap)
    with pytest.raises(ValueError, match="has no layer named"):
        lm.LayerMap.from_pdk(thin)
