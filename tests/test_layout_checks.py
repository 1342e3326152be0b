"""Layout checks: each planted violation is caught by exactly its rule; failed routes raise.

The rule values come from ``layouts.checks.RULES``/``ENCLOSURES`` (the single rule table); each planted
shape breaks one rule by a margin set here (e.g. a waveguide 0.1 µm wide against a 0.15 µm minimum).
"""

from __future__ import annotations

import itertools

import gdsfactory as gf
import klayout.db as kdb
import pytest

from layouts import cells
from layouts.checks import ENCLOSURES, RULES, layer, lyrdb_bytes, read_lyrdb_counts, run_checks
from layouts.chip import RoutingError, error_shapes, raise_on_route_error, route
from layouts.geometry import rect

_counter = itertools.count()


def _component() -> gf.Component:
    return gf.Component(f"planted_{next(_counter)}")


def _via(c, x, y, enc_m1=0.2, enc_dop=0.2, dop="PPP"):
    """A legal contact: a VIAC square inside M1 and a doping layer by the given margins."""
    s = RULES["VIAC"].min_width + 0.1
    rect(c, "VIAC", x, y, x + s, y + s)
    rect(c, "M1", x - enc_m1, y - enc_m1, x + s + enc_m1, y + s + enc_m1)
    if dop:
        rect(c, dop, x - enc_dop, y - enc_dop, x + s + enc_dop, y + s + enc_dop)


def plant_wg_width(c):
    rect(c, "WG", 0, 0, 10, RULES["WG"].min_width - 0.05)


def plant_wg_space(c):
    rect(c, "WG", 0, 0, 10, 0.5)
    rect(c, "WG", 0, 0.5 + RULES["WG"].min_space - 0.05, 10, 1.5)


def plant_mtop_space(c):
    rect(c, "MTOP", 0, 0, 10, 10)
    rect(c, "MTOP", 10 + RULES["MTOP"].min_space / 2, 0, 20, 10)


def plant_heater_width(c):
    rect(c, "HEATER", 0, 0, 20, RULES["HEATER"].min_width / 2)


def plant_doping_width(c):
    rect(c, "NP", 0, 0, 20, RULES["NP"].min_width - 0.1)


def plant_viac_m1_margin(c):
    _via(c, 0, 0, enc_m1=0.05)


def plant_viac_without_doping(c):
    _via(c, 0, 0, dop=None)


def plant_padopen_without_mtop(c):
    rect(c, "PADOPEN", 0, 0, 50, 50)


def plant_ge_outside_silicon(c):
    rect(c, "WG", 0, 0, 10, 10)
    rect(c, "GE", 2, 2, 12, 8)


def plant_error_layer(c):
    c.add_polygon([(0, 0), (5, 0), (5, 5), (0, 5)], layer=(1000, 0))


def plant_device_overlap(c):
    for x in (0.0, 30.0):
        c.add_polygon([(x, 0), (x + 50, 0), (x + 50, 50), (x, 50)], layer=(68, 0))


def plant_pn_short(c):
    _via(c, 0, 0, dop="PPP")
    _via(c, 5, 0, dop="NPP")
    rect(c, "M1", -0.2, -0.2, 5.7, 0.7)  # one M1 island over both contacts


PLANTED = [
    ("WG.width", plant_wg_width),
    ("WG.space", plant_wg_space),
    ("MTOP.space", plant_mtop_space),
    ("HEATER.width", plant_heater_width),
    ("NP.width", plant_doping_width),
    ("VIAC.in.M1", plant_viac_m1_margin),
    ("VIAC.in.NPP|PPP|GEN", plant_viac_without_doping),
    ("PADOPEN.in.MTOP", plant_padopen_without_mtop),
    ("GE.in.WG", plant_ge_outside_silicon),
    ("error_layer", plant_error_layer),
    ("device_overlap", plant_device_overlap),
    ("M1.pn_short", plant_pn_short),
]


@pytest.mark.parametrize("rule, plant", PLANTED, ids=[p[0] for p in PLANTED])
def test_each_planted_violation_is_caught_by_its_rule(rule, plant):
    c = _component()
    plant(c)
    rep = run_checks(c)
    assert rep.failed() == [rule], rep.summary()
    assert not rep.ok


def test_a_legal_planted_contact_passes():
    c = _component()
    _via(c, 0, 0)
    _via(c, 5, 0, dop="NPP")
    assert run_checks(c).ok


def test_enclosure_margin_is_required_at_the_corners_too():
    """VIAC in M1 by >= d: the via grown by d (square corners) must lie in M1. An M1 corner cut at 45° by
    d/2 keeps the via's corner (1.5/√2)d ≈ 1.06d from the cut, legal under a Euclidean rule, but the
    margin is then below d·√2 along the diagonal: caught. With the full square corner it passes."""
    d = next(m for i, o, m in ENCLOSURES if i == "VIAC" and o == ("M1",))
    s = RULES["VIAC"].min_width + 0.1
    for chamfer, ok in ((0.0, True), (d / 2, False)):
        c = _component()
        rect(c, "VIAC", 0, 0, s, s)
        rect(c, "PPP", -0.3, -0.3, s + 0.3, s + 0.3)
        x1 = y1 = s + d  # upper-right M1 corner, chamfered by `chamfer`
        pts = [(-d, -d), (x1, -d), (x1, y1 - chamfer), (x1 - chamfer, y1), (-d, y1)]
        c.add_polygon(pts, layer=layer("M1"))
        rep = run_checks(c)
        assert rep.ok is ok, rep.summary()
        if not ok:
            assert rep.failed() == ["VIAC.in.M1"]


def test_rule_table_covers_every_enclosure_layer():
    for inner, outers, d in ENCLOSURES:
        assert inner in RULES and all(o in RULES for o in outers) and d > 0


def test_off_grid_port_in_the_manifest_is_caught():
    c = _component()
    rect(c, "WG", 0, 0, 10, 0.5)
    manifest = {"devices": [{"name": "d", "ports": [{"name": "o_in", "xy_um": [0.0, 0.25]},
                                                     {"name": "o_out", "xy_um": [10.0005, 0.25]}]}]}
    rep = run_checks(c, manifest)
    assert rep.failed() == ["port_grid"]
    assert "d.o_out" in rep.summary()["details"]["port_grid"][0]
    manifest["devices"][0]["ports"][1]["xy_um"] = [10.0, 0.25]
    assert run_checks(c, manifest).ok


def test_ports_of_a_device_rotated_off_the_grid_are_caught():
    from layouts.chip import Placed, device_ports

    c = _component()
    ref = c.add_ref(cells.edge_coupler())
    ref.dcplx_trans = kdb.DCplxTrans(1, 30, False, 0.0, 10.0)  # a 30° rotation puts o1 off the 1 nm grid
    manifest = {"devices": [{"name": "ec", "ports": device_ports(Placed(None, ref, None))}]}
    rep = run_checks(c, manifest)
    assert rep.failed() == ["port_grid"]
    assert "ec.o1" in rep.summary()["details"]["port_grid"][0]


def test_marker_database_has_a_category_per_rule_with_the_markers(tmp_path):
    c = _component()
    plant_wg_space(c)
    plant_device_overlap(c)
    rep = run_checks(c)
    path = tmp_path / "checks.lyrdb"
    path.write_bytes(lyrdb_bytes(rep))
    counts = read_lyrdb_counts(path)
    assert set(counts) == {r.name for r in rep.results}
    assert counts["WG.space"] >= 1 and counts["device_overlap"] == 1
    assert sum(counts.values()) == rep.violations


def _facing(c, gap_x, dy):
    s = gf.c.straight(length=10, cross_section="strip")
    a, b = c << s, c << s
    b.move((10 + gap_x, dy))
    return a.ports["o2"], b.ports["o1"]


def test_a_route_that_cannot_be_drawn_raises_and_restores_the_setting():
    before = gf.CONF.raise_on_error
    c = _component()
    p1, p2 = _facing(c, 2.0, 3.0)  # 2 µm apart, offset 3 µm: no room for the bends
    with pytest.raises(RoutingError):
        route(c, p1, p2, name="planted")
    assert gf.CONF.raise_on_error == before
    c2 = _component()
    q1, q2 = _facing(c2, 200.0, 60.0)
    assert route(c2, q1, q2) > 200.0  # a feasible route works and reports its length (µm)
    assert error_shapes(c2) == 0


def test_gdsfactory_silent_failure_draws_on_the_error_layer_which_is_detected():
    # without raise_on_error gdsfactory only warns and draws the failed route on (1000, 0): that is what
    # the chip's error-layer check refuses
    c = _component()
    p1, p2 = _facing(c, 2.0, 3.0)
    with pytest.warns(UserWarning):
        gf.routing.route_bundle(c, [p1], [p2], cross_section="strip", raise_on_error=False)
    assert error_shapes(c) > 0
    assert "error_layer" in run_checks(c).failed()
    with raise_on_route_error():
        assert gf.CONF.raise_on_error is True


def test_checks_read_a_gds_file(tmp_path):
    c = _component()
    plant_mtop_space(c)
    path = tmp_path / "x.gds"
    c.write_gds(path, with_metadata=False)
    assert run_checks(path).failed() == ["MTOP.space"]
    ly = kdb.Layout()
    ly.read(str(path))
    assert run_checks(ly).failed() == ["MTOP.space"]
    with pytest.raises(TypeError):
        run_checks(42)
    assert layer("WG") == (1, 0)
