"""All-pairs paths on shortest-path trees against single-path propagation, mode choice against the scalar rule,
the synthetic network generator, and distributed all-pairs against the serial run."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components

from links.network import Network, build_native, example_metro, standard_modes
from links.network.distributed import all_pairs_dask
from links.network.modes import best_mode
from links.network.paths import all_pairs

FIELDS = ("gsnr_channels_db", "osnr_ase_db", "snr_nli_db", "rx_power_dbm", "cd_ps_nm")


def _assert_table_equals_propagate(net, table, modes):
    """Every pair of the table against `Network.lightpath` on the same path (an independent evaluation, one
    path at a time) and `best_mode` on its result."""
    assert len(table) > 0
    for j, key in enumerate(table):
        r = table[key]
        ref = net.lightpath(key[0], key[1], path=list(r.lightpath.path))
        assert r.lightpath.path == ref.path
        assert r.lightpath.path[0] == key[0] and r.lightpath.path[-1] == key[1]
        for f in FIELDS:
            np.testing.assert_allclose(getattr(r.lightpath, f), getattr(ref, f), rtol=0, atol=1e-12)
        assert r.lightpath.latency_s == pytest.approx(ref.latency_s, rel=1e-14)
        assert r.lightpath.length == pytest.approx(ref.length, rel=1e-14)
        assert r.lightpath.n_roadm_passes == ref.n_roadm_passes == sum(
            1 for u in ref.path if net.elements[u].type == "Roadm")
        assert table.gsnr_db[j] == pytest.approx(ref.gsnr_db, abs=1e-12)
        mode, margin = best_mode(modes, ref.worst_gsnr_ref_db, ref.filter_penalty_db)
        assert r.mode == mode
        if mode is not None:
            assert r.margin_db == pytest.approx(margin, abs=1e-12)
            assert r.latency_s == pytest.approx(ref.latency_s + mode.dsp_latency_s, rel=1e-14)
        assert table.feasible[j] == (mode is not None)


def test_all_pairs_equals_single_path_propagation():
    net = build_native(example_metro(14, rng=3, n_links=30, radius_km=60.0))
    modes = standard_modes(1.0)
    table = all_pairs(net, modes)
    n = len(net.transceivers())
    assert len(table) == n * (n - 1)  # a connected network: every ordered pair has a path
    # shortest paths: the element path is the one Dijkstra finds on the element graph (GNPy's weights)
    for key in list(table)[::7]:
        assert list(table[key].lightpath.path) == net.path(*key)
    _assert_table_equals_propagate(net, table, modes)


def test_all_pairs_with_a_narrow_band_amplifier():
    """An amplifier with a narrower band restricts the spectrum of every path through it (GNPy's filter_si):
    those destinations are propagated on their own spectrum, the others on the design spectrum."""
    net = build_native(example_metro(10, rng=4))
    eq = net.equipment
    uid = next(u for u, e in net.elements.items() if e.type == "Edfa" and u.startswith("edfa"))
    wide = eq.amplifiers[net.elements[uid].type_variety]
    narrow = dataclasses.replace(wide, type_variety="narrow", f_min=192.0e12, f_max=195.0e12)
    eq2 = dataclasses.replace(eq, amplifiers={**eq.amplifiers, "narrow": narrow})
    elements = dict(net.elements)
    elements[uid] = dataclasses.replace(elements[uid], type_variety="narrow")
    net2 = Network(elements=elements, connections=net.connections, equipment=eq2, sites=net.sites, name="narrow",
                   group_index=net.group_index)
    modes = standard_modes(1.0)
    table = all_pairs(net2, modes)
    widths = {table[k].lightpath.frequency.size for k in table}
    assert widths == {eq.spectrum.n_channels, 39}  # slots within 192.0-195.0 THz: 192.075-194.925 THz, 75 GHz
    _assert_table_equals_propagate(net2, table, modes)


def test_sources_and_targets_subsets():
    net = build_native(example_metro(12, rng=5))
    full = all_pairs(net)
    sub = all_pairs(net, sources=["hub0", "site09"], targets=["hub3", "site11", "hub0"])
    assert set(sub) == {(net._uid(s), net._uid(d)) for s in ("hub0", "site09") for d in ("hub3", "site11", "hub0")
                        if s != d}
    for key in sub:
        np.testing.assert_array_equal(sub[key].lightpath.gsnr_channels_db, full[key].lightpath.gsnr_channels_db)


def test_example_metro_generator():
    doc = example_metro(100, rng=11, n_links=300, radius_km=60.0)
    assert len(doc["sites"]) == 100 and len(doc["links"]) == 300
    pairs = {frozenset((x["from"], x["to"])) for x in doc["links"]}
    assert len(pairs) == 300  # no duplicate link
    lengths = np.array([x["length_km"] for x in doc["links"]])
    assert lengths.min() >= 0.5 and lengths.max() <= 1.3 * 2 * 60.0 + 0.5  # route factor 1.3 × the disc
    assert 5 < np.median(lengths) < 40  # metro/regional spans, not continental ones
    names = {s["name"]: k for k, s in enumerate(doc["sites"])}
    adj = np.zeros((100, 100))
    for x in doc["links"]:
        adj[names[x["from"]], names[x["to"]]] = 1
    assert connected_components(adj, directed=False)[0] == 1
    assert example_metro(100, rng=11, n_links=300, radius_km=60.0) == doc  # deterministic from the seed
    assert example_metro(100, rng=np.random.default_rng(11), n_links=300, radius_km=60.0) == doc
    assert example_metro(100, rng=12, n_links=300, radius_km=60.0) != doc
    assert len(example_metro(40)["links"]) == 2 * 40 - 6  # ring of 8 + 2 chords + 2 links per other site
    with pytest.raises(ValueError, match="n_links"):
        example_metro(40, n_links=10)
    with pytest.raises(TypeError, match="rng"):
        example_metro(40, rng=None)


def test_chunk_order_does_not_change_results():
    """Sources evaluated in chunks and in another order, on a fresh network (empty caches), give the serial
    table bit for bit: no cached evaluation depends on which path met it first."""
    doc = example_metro(10, rng=2, n_links=18)
    serial = all_pairs(build_native(doc))
    net = build_native(doc)
    trx = net.transceivers()
    order = [trx[k] for k in (3, 4, 5, 9, 0, 1, 2, 8, 6, 7)]
    chunked = all_pairs_dask(net, sources=order, scheduler="sync", chunk_size=3)
    assert set(chunked) == set(serial)
    for key in serial:
        for f in FIELDS:
            np.testing.assert_array_equal(getattr(chunked[key].lightpath, f), getattr(serial[key].lightpath, f))


def test_dask_local_cluster_equals_serial():
    """Chunks of sources on a LocalCluster (the sweep engine's convention; one worker process: the network is
    pickled to it and evaluated with fresh caches) give the serial table exactly. The cluster's start and stop
    are most of this test's time; the independence of the evaluation order is checked in process above."""
    net = build_native(example_metro(10, rng=2, n_links=18))
    modes = standard_modes(1.0)
    serial = all_pairs(net, modes)
    sync = all_pairs_dask(net, modes, scheduler="sync", chunk_size=3)
    local = all_pairs_dask(build_native(example_metro(10, rng=2, n_links=18)), modes[::-1], scheduler="local",
                           workers=1, chunk_size=3)
    for other in (sync, local):
        assert list(other) == list(serial)
        for name in ("gsnr_db", "worst_gsnr_ref_db", "latency_s", "length", "rate"):
            np.testing.assert_array_equal(getattr(other, name), getattr(serial, name))
        for key in serial:
            a, b = serial[key].lightpath, other[key].lightpath
            assert a.path == b.path
            for f in FIELDS:
                np.testing.assert_array_equal(getattr(a, f), getattr(b, f))
            assert other[key].mode.name == serial[key].mode.name


def test_dask_bad_scheduler():
    net = build_native(example_metro(10, rng=2))
    with pytest.raises(ValueError, match="scheduler"):
        all_pairs_dask(net, scheduler="threads")
    with pytest.raises(ValueError, match="chunk_size"):
        all_pairs_dask(net, scheduler="sync", chunk_size=0)
