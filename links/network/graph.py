"""Graphs of a network: the element digraph (GNPy's, for single paths) and the hop graph between terminals.

A *terminal* is a Roadm or a Transceiver; a *hop* is the chain of in-line elements (fibres, amplifiers, fused
connectors) from one terminal to the next. Edge weights follow GNPy (``gnpy.tools.json_io.network_from_json``):
the length in metres of a fibre for the edge leaving it, 0.01 for any other edge — so a shortest path here is
GNPy's shortest path. Shortest paths use ``scipy.sparse.csgraph.dijkstra`` (compiled, all sources at once).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .model import FiberNode, Roadm, TransceiverNode


@dataclass(frozen=True)
class Hop:
    """Terminal ``start`` → in-line ``inner`` elements → terminal ``end``; length (m), GNPy weight."""

    index: int
    start: str
    inner: tuple[str, ...]
    end: str
    length: float
    weight: float
    n_amplifiers: int


class ElementGraph:
    def __init__(self, network):
        self.network = network
        els = network.elements
        self.uids = list(els)
        self.index = {u: i for i, u in enumerate(self.uids)}
        self.succ: dict[str, list[str]] = {u: [] for u in self.uids}
        self.pred: dict[str, list[str]] = {u: [] for u in self.uids}
        for a, b in network.connections:
            if b not in self.succ[a]:
                self.succ[a].append(b)
                self.pred[b].append(a)
        n = len(self.uids)
        rows, cols, w = [], [], []
        for a, outs in self.succ.items():
            for b in outs:
                rows.append(self.index[a])
                cols.append(self.index[b])
                w.append(self.edge_weight(a))
        self.matrix = csr_matrix((w, (rows, cols)), shape=(n, n))
        self.site_of = {u: (e.location.city or u) for u, e in els.items()}
        self.terminals = [u for u, e in els.items() if isinstance(e, Roadm | TransceiverNode)]
        self.hops = self._hops()
        self.hops_from: dict[str, list[Hop]] = {t: [] for t in self.terminals}
        for h in self.hops:
            self.hops_from[h.start].append(h)
        self._check_transit()

    def edge_weight(self, uid: str) -> float:
        e = self.network.elements[uid]
        return float(e.length) if isinstance(e, FiberNode) else 0.01

    def _hops(self) -> list[Hop]:
        els = self.network.elements
        hops = []
        for t in self.terminals:
            stack = [(nxt, (), self.edge_weight(t)) for nxt in self.succ[t]]
            while stack:
                u, inner, weight = stack.pop()
                if isinstance(els[u], Roadm | TransceiverNode):
                    length = sum(els[x].length for x in inner if isinstance(els[x], FiberNode))
                    n_amp = sum(1 for x in inner if els[x].type == "Edfa")
                    hops.append(Hop(len(hops), t, inner, u, length, weight, n_amp))
                    continue
                if u in inner:
                    raise ValueError(f"element {u!r}: a loop of in-line elements without a ROADM (field "
                                     "'connections')")
                if not self.succ[u]:
                    raise ValueError(f"{els[u].type} {u!r} has no outgoing connection: the line ends without a "
                                     "Roadm or TransceiverNode (dangling connection, field 'connections')")
                for nxt in self.succ[u]:
                    stack.append((nxt, inner + (u,), weight + self.edge_weight(u)))
        return hops

    def _check_transit(self) -> None:
        for u, e in self.network.elements.items():
            if isinstance(e, TransceiverNode) and not (self.succ[u] or self.pred[u]):
                raise ValueError(f"Transceiver {u!r} is not connected")

    # --- element-level shortest path (GNPy's) -----------------------------------------------------------
    def shortest_element_path(self, src: str, dst: str) -> list[str]:
        i, j = self.index[src], self.index[dst]
        dist, pred = dijkstra(self.matrix, directed=True, indices=i, return_predecessors=True)
        if not np.isfinite(dist[j]):
            raise ValueError(f"no path from {src!r} to {dst!r}")
        path = [j]
        while path[-1] != i:
            path.append(int(pred[path[-1]]))
        return [self.uids[k] for k in reversed(path)]

    # --- hop graph ------------------------------------------------------------------------------------
    def hop_matrix(self, weight: str = "weight", exclude_hops=(), exclude_nodes=()):
        """CSR matrix over terminals (index = position in ``self.terminals``) of the lightest hop per pair;
        also the hop index chosen per (row, col)."""
        tidx = {t: k for k, t in enumerate(self.terminals)}
        best: dict = {}
        banned = set(exclude_nodes)
        for h in self.hops:
            if h.index in exclude_hops or h.start in banned or h.end in banned:
                continue
            w = getattr(h, weight)
            key = (tidx[h.start], tidx[h.end])
            if key not in best or w < best[key][0]:
                best[key] = (w, h.index)
        n = len(self.terminals)
        if not best:
            return csr_matrix((n, n)), {}
        keys = list(best)
        m = csr_matrix(([max(best[k][0], 1e-9) for k in keys], ([k[0] for k in keys], [k[1] for k in keys])),
                       shape=(n, n))
        return m, {k: best[k][1] for k in keys}

    def expand(self, hop_indices) -> list[str]:
        """The element path of a sequence of hops."""
        out = [self.hops[hop_indices[0]].start]
        for k in hop_indices:
            h = self.hops[k]
            out += [*h.inner, h.end]
        return out
