"""GNPy on whole networks, for the network tests and benchmarks: design a topology and save it the way
``gnpy-transmission-example --save-network`` does, and propagate GNPy's lightpaths (its own path computation,
design spectrum and transmission) to compare with `links.network`. Needs the ``peers`` extra (gnpy)."""

from __future__ import annotations

import contextlib
import io
import logging
import pathlib

import numpy as np


def gnpy_available() -> bool:
    try:
        import gnpy  # noqa: F401
    except ImportError:
        return False
    return True


def gnpy_example_dir() -> pathlib.Path:
    import gnpy

    return pathlib.Path(gnpy.__file__).parent / "example-data"


def _quiet():
    logging.getLogger("gnpy").setLevel(logging.ERROR)
    return contextlib.redirect_stdout(io.StringIO())


def _load(topology, equipment):
    from gnpy.core.parameters import SimParams
    from gnpy.tools.json_io import load_equipment, load_network

    SimParams.set_params({})  # GNPy's defaults: gn_model_analytic, no Raman
    eq = load_equipment(pathlib.Path(equipment))
    return eq, load_network(pathlib.Path(topology), eq)


def gnpy_design(topology, equipment, out) -> pathlib.Path:
    """GNPy's auto-design of ``topology`` (amplifiers placed, gains and VOAs set), saved to ``out`` as
    ``--save-network`` writes it."""
    from gnpy.core.elements import Transceiver
    from gnpy.tools.json_io import save_network
    from gnpy.tools.worker_utils import designed_network

    with _quiet():
        eq, net = _load(topology, equipment)
        trx = sorted(n.uid for n in net.nodes() if isinstance(n, Transceiver))
        net, _, _ = designed_network(eq, net, trx[0], trx[1])
        save_network(net, pathlib.Path(out))
    return pathlib.Path(out)


def gnpy_lightpaths(topology, equipment, pairs) -> list[dict]:
    """GNPy's transmission for each (src, dst) transceiver pair of a designed topology: its path (uids), the
    per-channel GSNR (signal bandwidth, Tx and add/drop OSNR included, as it prints), their mean, and the
    latency (s, one way); ``path`` None where GNPy finds no path."""
    from gnpy.tools.worker_utils import designed_network, transmission_simulation

    out = []
    with _quiet():
        eq, net = _load(topology, equipment)
        for src, dst in pairs:
            net, req, ref = designed_network(eq, net, src, dst)
            from gnpy.topology.request import compute_constrained_path

            if not compute_constrained_path(net, req):
                out.append({"src": src, "dst": dst, "path": None})
                continue
            path, _, _, _ = transmission_simulation(eq, net, req, ref)
            rx = path[-1]
            out.append({"src": src, "dst": dst, "path": [e.uid for e in path],
                        "gsnr_channels_db": np.asarray(rx.snr, dtype=float),
                        "gsnr_db": float(np.mean(rx.snr)), "latency_s": float(np.mean(rx.latency)) * 1e-3})
    return out


def gnpy_path_requests(topology, equipment, pairs):
    """Time-comparable GNPy work: for every pair, GNPy's path computation and propagation of the design
    spectrum (``compute_constrained_path`` + ``propagate``) on an already loaded and designed network.
    Returns (per-pair mean GSNR dB, seconds spent)."""
    import time

    from gnpy.tools.worker_utils import designed_network
    from gnpy.topology.request import compute_constrained_path, propagate

    with _quiet():
        eq, net = _load(topology, equipment)
        net, req, _ = designed_network(eq, net, pairs[0][0], pairs[0][1])
        trx = {n.uid: n for n in net.nodes()}
        gsnr = []
        t0 = time.perf_counter()
        for src, dst in pairs:
            req.source, req.destination, req.nodes_list, req.loose_list = src, dst, [dst], ["STRICT"]
            path = compute_constrained_path(net, req)
            propagate(path, req, eq)
            gsnr.append(float(np.mean(trx[dst].snr)))
        return gsnr, time.perf_counter() - t0
