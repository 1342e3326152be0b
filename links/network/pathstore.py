"""Network path results in the HDF5 results store (`links.store`, schema ``optolink.store/1``), and back.

Two runs, written with the store's public API (`links.store.Store.writer`, one ``append_many``):

- ``paths``: one point per source transceiver. Grid: ``src`` — an index into the run's ``transceivers`` and
  ``sites`` attributes (JSON lists; indices, so that any site name is stored as given). Outputs, one entry
  per destination transceiver (same order; NaN where there is no path, ``has_path`` 0/1):
  ``gsnr_channels_db`` (destinations × channels of the design spectrum, signal bandwidth; NaN for a channel
  outside the path's amplifier band), ``gsnr_db`` (channel mean), ``worst_gsnr_ref_db`` (12.5 GHz),
  ``mode_index`` (into the ``modes`` attribute; −1: no mode closes), ``rate`` (b/s), ``margin_db`` (NaN
  without a mode), ``latency_s`` (one way, with the mode's DSP/FEC), ``propagation_latency_s``, ``length``
  (m), ``roadm_passes``, ``filter_penalty_db``. Attribute ``frequency``: the design spectrum's channels (Hz).
- ``reach`` (when given): one point per site with a transceiver: ``rtt_s`` to every site (the row of the
  RTT matrix, inf = unreachable), ``compute`` and ``covered`` (0/1).
"""

from __future__ import annotations

import hashlib
import json
import os
import pathlib

import numpy as np

PATH_UNITS = {"gsnr_channels_db": "dB", "gsnr_db": "dB", "worst_gsnr_ref_db": "dB (12.5 GHz)", "mode_index": "",
              "rate": "b/s", "margin_db": "dB", "latency_s": "s", "propagation_latency_s": "s", "length": "m",
              "roadm_passes": "", "filter_penalty_db": "dB", "has_path": ""}


def _fingerprint(obj) -> str:
    from optolink.core.serialize import jsonable

    return hashlib.sha256(json.dumps(jsonable(obj), sort_keys=True, default=str).encode()).hexdigest()[:32]


def path_arrays(network, table) -> dict:
    """The arrays of a `links.network.table.PathTable` as (sources × destinations[ × channels]) matrices over
    the network's transceivers, channels on the design spectrum's grid; NaN (``mode_index`` −1) where a pair
    has no path. Also ``has_path`` (0/1)."""
    trx = list(network.transceivers())
    tix = {t: k for k, t in enumerate(trx)}
    n = len(trx)
    f = network.equipment.spectrum.frequencies
    si = np.array([tix[s] for s in table.src], dtype=int)
    di = np.array([tix[d] for d in table.dst], dtype=int)
    out = {}
    for name, v in (("gsnr_db", table.gsnr_db), ("worst_gsnr_ref_db", table.worst_gsnr_ref_db),
                    ("mode_index", table.mode_index), ("rate", table.rate), ("margin_db", table.margin_db),
                    ("latency_s", table.latency_s), ("propagation_latency_s", table.propagation_latency_s),
                    ("length", table.length), ("roadm_passes", table.n_roadm),
                    ("filter_penalty_db", table.filter_penalty_db)):
        m = np.full((n, n), -1.0 if name == "mode_index" else np.nan)
        m[si, di] = v
        out[name] = m
    has = np.zeros((n, n))
    has[si, di] = 1.0
    out["has_path"] = has
    gsnr = np.full((n, n, f.size), np.nan)
    for r in table.results:
        cols = np.searchsorted(f, r.spectrum.frequencies)
        if not np.allclose(f[np.minimum(cols, f.size - 1)], r.spectrum.frequencies, rtol=0, atol=1.0):
            raise ValueError("a path's channels are not on the design spectrum's grid")
        keep = [k for k, d in enumerate(r.dst) if (r.src, d) in table]
        rows = np.array([tix[r.dst[k]] for k in keep], dtype=int)
        gsnr[tix[r.src], rows[:, None], cols[None, :]] = r.gsnr_db[keep]
    out["gsnr_channels_db"] = gsnr
    return out


def save_paths(store, network, table, *, reach=None, compute=(), attrs: dict | None = None) -> None:
    """Write the ``paths`` run (and the ``reach`` run when ``reach`` is given) into the store at ``store``
    (a path or a `links.store.Store`; created if new). The runs must not exist yet in that store."""
    from links.store import Store, describe_environment

    st = store if isinstance(store, Store) else Store(store)
    trx = list(network.transceivers())
    arrays = path_arrays(network, table)
    info = {"network": network.name, "transceivers": trx, "sites": [network.site_of(t) for t in trx],
            "modes": [{"name": m.name, "rate": m.rate, "required_osnr_db": m.required_osnr_db,
                       "margin_db": m.margin_db, "source": m.source} for m in table.modes],
            "frequency": network.equipment.spectrum.frequencies.tolist(), **(attrs or {})}
    run_attrs = {"function": "links.network.paths:all_pairs", "fingerprint": _fingerprint(
        {"info": info, "gsnr": arrays["gsnr_db"]}), **info, **describe_environment()}
    with st.writer("paths", grid={"src": np.arange(len(trx))}, attrs=run_attrs, units=PATH_UNITS) as w:
        w.append_many([(k, {name: v[k] for name, v in arrays.items()}, None) for k in range(len(trx))])
    if reach is None:
        return
    comp = set(compute)
    covers = reach.covers()
    cidx = [reach.index(c) for c in comp]
    covered = covers[cidx].any(axis=0) if cidx else np.zeros(len(reach.sites), bool)
    r_attrs = {"function": "links.network.coverage:reach_from_paths", "sites": list(reach.sites),
               "budget_rtt_s": reach.budget_rtt_s, "compute": sorted(comp),
               "fingerprint": _fingerprint({"sites": reach.sites, "rtt": reach.rtt_s, "compute": sorted(comp)}),
               **describe_environment()}
    with st.writer("reach", grid={"site": np.arange(len(reach.sites))}, attrs=r_attrs,
                   units={"rtt_s": "s", "compute": "", "covered": ""}) as w:
        w.append_many([(k, {"rtt_s": reach.rtt_s[k], "compute": float(s in comp), "covered": float(covered[k])},
                        None) for k, s in enumerate(reach.sites)])


def read_paths(store, run: str = "paths") -> dict:
    """A stored ``paths`` run as flat per-pair arrays (the pairs with a path, sources in order, then
    destinations): ``src``/``dst`` (transceiver uids), ``src_site``/``dst_site``, every output of the run,
    ``frequency``, ``modes`` and ``mode`` (name per pair, or None)."""
    from links.store import Store

    p = pathlib.Path(os.fspath(store))
    if not p.is_file():
        raise FileNotFoundError(f"store file not found: {p}")
    data = Store(p).read(run).sorted()
    a = data.attrs

    def attr(k):
        return json.loads(a[k]) if isinstance(a[k], str) else a[k]

    trx, sites, modes = attr("transceivers"), attr("sites"), attr("modes")
    src = data.params["src"].astype(int)
    has = data.results["has_path"] > 0.5  # (stored sources, destinations)
    rows, cols = np.nonzero(has)
    out = {"src": [trx[src[i]] for i in rows], "dst": [trx[j] for j in cols],
           "src_site": [sites[src[i]] for i in rows], "dst_site": [sites[j] for j in cols], "modes": modes,
           "frequency": np.array(attr("frequency"))}
    for k, v in data.results.items():
        if k != "has_path":
            out[k] = v[rows, cols]
    out["mode_index"] = out["mode_index"].astype(int)
    out["roadm_passes"] = out["roadm_passes"].astype(int)
    out["mode"] = [modes[k]["name"] if k >= 0 else None for k in out["mode_index"]]
    return out
