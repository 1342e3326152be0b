"""Paths between transceivers: shortest (all pairs), k-shortest (Yen), link- or node-disjoint pairs, and per path
the GSNR of every channel and the best transceiver mode.

Graph algorithms run on the hop graph (terminals = ROADMs and transceivers; see `links.network.graph`), with
SciPy: ``scipy.sparse.csgraph.dijkstra`` (compiled; all sources in one call) for shortest paths and inside
Yen's k-shortest-paths algorithm (J. Y. Yen, Management Science 17(11), 712 (1971)); the shortest disjoint
pair is a 2-unit minimum-cost flow solved exactly as an integer programme with ``scipy.optimize.milp``
(Suurballe's problem; J. W. Suurballe, Networks 4, 125 (1974)). networkx would give the same algorithms but
adds a dependency the project does not otherwise need; SciPy's Dijkstra is also ~10× faster for all pairs.
GN evaluations are shared: every hop is propagated once per input power profile (`links.network.engine`), and
all pairs compose each source's shortest-path tree once (`links.network.tree`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import dijkstra

from optolink.core.display import displayed
from optolink.core.progress import track

from .engine import Lightpath, propagate
from .model import Roadm
from .modes import best_mode


@displayed("src", "dst", "GSNR=lightpath.gsnr_db:dB", "mode=mode.name", "margin=margin_db:dB", "latency=latency_s:s")
@dataclass(frozen=True)
class PathResult:
    """A path between two transceivers with its QoT, the chosen mode and latency."""

    src: str
    dst: str
    lightpath: Lightpath
    mode: object  # TransceiverMode | None
    margin_db: float | None
    filter_penalty_db: float

    @property
    def latency_s(self) -> float:
        """One way: propagation + nodes + the mode's DSP/FEC (0 without a mode)."""
        return self.lightpath.latency_s + (self.mode.dsp_latency_s if self.mode is not None else 0.0)

    @property
    def feasible(self) -> bool:
        return self.mode is not None


def filter_penalty_db(network, path) -> float:
    """Σ over ROADM passes of the ROADM type's filter penalty per pass (dB)."""
    eq = network.equipment
    return sum(eq.roadm(network.elements[u].type_variety, u).filter_penalty_db
               for u in path if isinstance(network.elements[u], Roadm))


def with_mode(src: str, dst: str, lp: Lightpath, modes) -> PathResult:
    """The `PathResult` of a lightpath: the highest-rate mode of ``modes`` that closes, and its margin."""
    pen = lp.filter_penalty_db
    mode, margin = best_mode(modes, lp.worst_gsnr_ref_db, pen) if modes else (None, None)
    return PathResult(src, dst, lp, mode, margin, pen)


def evaluate(network, path, modes) -> PathResult:
    return with_mode(path[0], path[-1], propagate(network, path), modes)


def _terminal_index(network):
    g = network.graph
    return {t: k for k, t in enumerate(g.terminals)}


def _hop_path(network, pred_row, i, j, choice):
    seq = [j]
    while seq[-1] != i:
        p = int(pred_row[seq[-1]])
        if p < 0:
            return None
        seq.append(p)
    seq.reverse()
    return [choice[(a, b)] for a, b in zip(seq[:-1], seq[1:], strict=True)] if len(seq) > 1 else None


def _no_transit(network):
    """Transceivers are endpoints: no path may pass through one."""
    from .model import TransceiverNode

    return [u for u in network.graph.terminals if isinstance(network.elements[u], TransceiverNode)]


def all_pairs(network, modes=(), sources=None, targets=None, progress: bool | None = None):
    """{(src, dst): PathResult} for the shortest path (GNPy's weights) between every pair of transceivers
    (``sources`` × ``targets``, default all; uids or site names), as a `links.network.table.PathTable` (also
    array views of every figure).

    One Dijkstra call from all sources over the terminal graph in which each transceiver is split into a
    source node (its outgoing hops) and a sink node (its incoming hops), so no path passes through one; then
    per source the lightpaths to all destinations on its shortest-path tree, vectorised over the tree
    (`links.network.tree`) — equal to `links.network.engine.propagate` on each path. ``progress``: a bar per
    source on a terminal (``optolink.core.progress``)."""
    from .table import PathTable
    from .tree import shortest_path_trees, tree_results

    trx = network.transceivers()
    sources = trx if sources is None else [network._uid(x) for x in sources]
    targets = trx if targets is None else [network._uid(x) for x in targets]
    dist, pred = shortest_path_trees(network, sources)
    results = []
    for r, s in enumerate(track(sources, label="network paths", unit="sources", enabled=progress)):
        results += tree_results(network, s, targets, dist[r], pred[r])
    return PathTable(results, modes, order=[(s, d) for s in sources for d in targets])


def _dijkstra_hops(network, s, d, banned_hops=(), banned_nodes=()):
    g = network.graph
    tidx = _terminal_index(network)
    others = [t for t in _no_transit(network) if t not in (s, d)]
    mat, choice = g.hop_matrix(exclude_hops=set(banned_hops), exclude_nodes=set(banned_nodes) | set(others))
    i, j = tidx[s], tidx[d]
    dist, pred = dijkstra(mat, directed=True, indices=i, return_predecessors=True)
    if not np.isfinite(dist[j]):
        return None, np.inf
    return _hop_path(network, pred, i, j, choice), float(dist[j])


def k_shortest(network, src: str, dst: str, k: int = 3, modes=()) -> list[PathResult]:
    """Up to ``k`` loopless paths in increasing weight (Yen's algorithm on the hop graph)."""
    g = network.graph
    src, dst = network._uid(src), network._uid(dst)
    first, _ = _dijkstra_hops(network, src, dst)
    if first is None:
        return []
    found = [first]
    candidates: list = []

    def weight(hops):
        return sum(g.hops[h].weight for h in hops)

    while len(found) < k:
        last = found[-1]
        for n in range(len(last)):
            root = last[:n]
            spur = g.hops[last[n]].start
            banned = {p[n] for p in found if p[:n] == root and len(p) > n}
            root_nodes = {g.hops[h].start for h in root}
            spur_path, _ = _dijkstra_hops(network, spur, dst, banned, root_nodes)
            if spur_path is None:
                continue
            cand = root + spur_path
            if cand not in found and all(cand != c for _, c in candidates):
                candidates.append((weight(cand), cand))
        if not candidates:
            break
        candidates.sort(key=lambda x: x[0])
        found.append(candidates.pop(0)[1])
    return [evaluate(network, g.expand(p), modes) for p in found]


def disjoint_pair(network, src: str, dst: str, kind: str = "link", modes=()) -> list[PathResult]:
    """The pair of link- (no shared fibre, either direction) or node-disjoint (no shared ROADM) paths of least
    total weight: a 2-unit min-cost flow, exact by `scipy.optimize.milp`. [] if no such pair exists."""
    if kind not in ("link", "node"):
        raise ValueError(f"kind must be 'link' or 'node'; got {kind!r}")
    g = network.graph
    src, dst = network._uid(src), network._uid(dst)
    others = set(_no_transit(network)) - {src, dst}
    hops = [h for h in g.hops if h.start not in others and h.end not in others]
    nodes = sorted({h.start for h in hops} | {h.end for h in hops})
    nid = {u: k for k, u in enumerate(nodes)}
    ne = len(hops)
    a = np.zeros((len(nodes), ne))
    for e, h in enumerate(hops):
        a[nid[h.start], e] += 1
        a[nid[h.end], e] -= 1
    b = np.zeros(len(nodes))
    b[nid[src]], b[nid[dst]] = 2, -2
    cons = [LinearConstraint(a, b, b)]
    access = [e for e, h in enumerate(hops) if h.start == src or h.end == dst]  # shared by both paths
    ends = {src, dst} | {hops[e].end for e in access if hops[e].start == src} | {
        hops[e].start for e in access if hops[e].end == dst}
    upper = np.ones(ne)
    upper[access] = 2
    if kind == "link":  # a fibre pair carries both directions: u→v and v→u share the duct
        groups: dict = {}
        for e, h in enumerate(hops):
            if e not in access:
                groups.setdefault(frozenset((h.start, h.end)), []).append(e)
        rows = [es for es in groups.values() if len(es) > 1]
        if rows:
            m = np.zeros((len(rows), ne))
            for r, es in enumerate(rows):
                m[r, es] = 1
            cons.append(LinearConstraint(m, 0, 1))
    else:
        inner = [u for u in nodes if u not in ends]
        if inner:
            m = np.zeros((len(inner), ne))
            for r, u in enumerate(inner):
                for e, h in enumerate(hops):
                    if h.end == u:
                        m[r, e] = 1
            cons.append(LinearConstraint(m, 0, 1))
    res = milp(c=np.array([h.weight for h in hops]), constraints=cons, integrality=np.ones(ne),
               bounds=Bounds(0, upper))
    if res.status != 0:
        return []
    used = [hops[e] for e in range(ne) for _ in range(int(round(res.x[e])))]
    out = []
    for _ in range(2):  # walk the two paths out of the flow
        seq, at = [], src
        while at != dst:
            h = next(x for x in used if x.start == at)
            used.remove(h)
            seq.append(h.index)
            at = h.end
        out.append(evaluate(network, g.expand(seq), modes))
    return sorted(out, key=lambda r: r.lightpath.length)
