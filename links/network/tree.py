"""Lightpaths from one source to all destinations on its shortest-path tree, vectorised over the tree.

The shortest paths from one transceiver to all others form a tree over the terminals (ROADMs and
transceivers; `links.network.graph`). Propagation is a composition of affine segment maps
(`links.network.engine`: X_out = gain·X_in + offset on the stacked rows [S, A, N, Σ 1/SNR, CD]), so the state
on arrival at a tree node is the same for every destination beyond it. Per source:

1. the tree in Dijkstra order (a parent before its children), each edge's two segments — the pass through
   its start terminal and the hop's in-line chain — looked up in an edge cache (each segment, the GN
   evaluation of a hop for its input power profile, is computed once for the whole network);
2. the states of all tree nodes of one depth in one NumPy operation per segment, as (nodes × 5 × channels)
   arrays, and the path sums (PMD², PDL², latency, ROADM passes, filter penalty, fibre length) alike;
3. the destinations' GSNR, ASE-OSNR, NLI-SNR and Rx power together.

Every operation is the one `links.network.engine.propagate` does on a single path, applied in the same order
(identity maps where a path has no such segment: 1·x + 0 = x exactly), so the results equal `propagate`'s on
each path. A destination whose path has a narrower amplifier band than the design spectrum is propagated on
its own restricted spectrum, from the source, as `propagate` does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from .engine import REF_BW, amplifier_band, band_spectrum, segment, tx_state
from .model import TransceiverNode

_N_SCALARS = 5  # pmd2, pdl2, latency, n_roadm, penalty_db


@dataclass(frozen=True)
class TreeHop:
    """A hop with what propagation needs: the ROADM-pass neighbours and the in-line chain's steps."""

    index: int
    start: str
    end: str
    first: str  # the element after ``start`` on the hop
    last: str  # the element before ``end``
    steps: tuple  # ((uid, before, after), ...) of the in-line elements; () when the terminals are adjacent
    band: tuple  # (lo, hi) Hz of the in-line amplifiers
    elements: tuple  # inner elements + end


def tree_hops(network) -> list[TreeHop]:
    """One `TreeHop` per hop of the network's graph (cached on the network)."""
    cache = network._cache
    if "tree hops" not in cache:
        out = []
        for h in network.graph.hops:
            seq = (h.start, *h.inner, h.end)
            steps = tuple((seq[k], seq[k - 1], seq[k + 1]) for k in range(1, len(seq) - 1))
            out.append(TreeHop(h.index, h.start, h.end, seq[1], seq[-2], steps, amplifier_band(network, h.inner),
                               (*h.inner, h.end)))
        cache["tree hops"] = out
    return cache["tree hops"]


def split_graph(network):
    """The terminal graph with every transceiver split into a source (its outgoing hops) and a sink (its
    incoming hops, index + n), so that no path passes through a transceiver: (CSR matrix, {(row, col): hop},
    terminal index, n)."""
    cache = network._cache
    if "split graph" not in cache:
        g = network.graph
        tidx = {t: k for k, t in enumerate(g.terminals)}
        n = len(g.terminals)
        is_trx = [isinstance(network.elements[t], TransceiverNode) for t in g.terminals]
        best: dict = {}
        for h in g.hops:
            a = tidx[h.start]
            b = tidx[h.end] + (n if is_trx[tidx[h.end]] else 0)
            if (a, b) not in best or h.weight < best[(a, b)][0]:
                best[(a, b)] = (h.weight, h.index)
        keys = list(best)
        mat = csr_matrix(([best[k][0] for k in keys], ([k[0] for k in keys], [k[1] for k in keys])),
                         shape=(2 * n, 2 * n))
        cache["split graph"] = (mat, {k: v[1] for k, v in best.items()}, tidx, n)
    return cache["split graph"]


def shortest_path_trees(network, sources) -> tuple[np.ndarray, np.ndarray]:
    """(dist, pred) over the split terminal graph from every source (rows), one Dijkstra call
    (`scipy.sparse.csgraph.dijkstra`, GNPy's weights)."""
    mat, _, tidx, _ = split_graph(network)
    rows = [tidx[s] for s in sources]
    if not rows:
        return np.zeros((0, mat.shape[0])), np.zeros((0, mat.shape[0]), dtype=np.int32)
    return dijkstra(mat, directed=True, indices=rows, return_predecessors=True)


class _Maps:
    """Per spectrum: the segments met so far as stacked arrays (grown by doubling), row 0 the identity."""

    def __init__(self, n_ch: int):
        self.index: dict = {}
        self.n = 1
        self.gain = np.ones((64, 5, n_ch))
        self.offset = np.zeros((64, 5, n_ch))
        self.scalars = np.zeros((64, _N_SCALARS))
        self.fibres = np.zeros((64, 1))
        self.segs = [None]

    def id(self, seg) -> int:
        if seg is None:
            return 0
        k = self.index.get(id(seg))
        if k is not None and self.segs[k] is seg:
            return k
        k = self.index[id(seg)] = self.n
        if k == self.gain.shape[0]:
            self.gain, self.offset, self.scalars, self.fibres = (
                np.concatenate([a, np.zeros_like(a)]) for a in (self.gain, self.offset, self.scalars, self.fibres))
        if len(seg.fibre_lengths) > self.fibres.shape[1]:
            self.fibres = np.hstack([self.fibres, np.zeros((self.fibres.shape[0],
                                                            len(seg.fibre_lengths) - self.fibres.shape[1]))])
        self.gain[k], self.offset[k] = seg.gain, seg.offset
        self.scalars[k] = (seg.pmd2, seg.pdl2, seg.latency, seg.n_roadm, seg.penalty_db)
        self.fibres[k, :len(seg.fibre_lengths)] = seg.fibre_lengths
        self.segs.append(seg)
        self.n += 1
        return k


def _maps(network, sp) -> _Maps:
    cache = network._cache.setdefault("tree maps", {})
    if id(sp) not in cache or cache[id(sp)][0] is not sp:
        cache[id(sp)] = (sp, _Maps(sp.n_channels))
    return cache[id(sp)][1]


@dataclass(frozen=True)
class TreeResult:
    """The lightpaths of one source to the destinations ``dst`` on spectrum ``spectrum``, as arrays (rows =
    destinations): per channel GSNR, ASE OSNR (12.5 GHz), NLI SNR (signal bandwidth), Rx power (dBm), CD
    (ps/nm); per path PMD (s), PDL (dB), latency (s, one way), ROADM passes, filter penalty (dB), fibre
    length (m) and the element path."""

    src: str
    dst: tuple
    spectrum: object
    paths: tuple
    gsnr_db: np.ndarray
    osnr_ase_db: np.ndarray
    snr_nli_db: np.ndarray
    rx_power_dbm: np.ndarray
    cd_ps_nm: np.ndarray
    pmd_s: np.ndarray
    pdl_db: np.ndarray
    latency_s: np.ndarray
    n_roadm: np.ndarray
    penalty_db: np.ndarray
    length: np.ndarray


def tree_results(network, src: str, targets, dist_row: np.ndarray, pred_row: np.ndarray) -> list[TreeResult]:
    """The lightpaths from ``src`` along its shortest-path tree (a row of `shortest_path_trees`) to every
    reachable transceiver of ``targets``, one `TreeResult` per spectrum (usually one)."""
    _, choice, tidx, n = split_graph(network)
    hops = tree_hops(network)
    root = tidx[src]
    dests = [(d, tidx[d] + n) for d in targets if d != src and np.isfinite(dist_row[tidx[d] + n])]
    if not dests:
        return []
    reach = np.flatnonzero(np.isfinite(dist_row))
    order = reach[np.argsort(dist_row[reach], kind="stable")].tolist()  # hops weigh ≥ 0.01: parents first
    parent = pred_row.tolist()
    edge, band = {}, {root: (-np.inf, np.inf)}
    for j in order:
        if j != root:
            edge[j] = h = hops[choice[(parent[j], j)]]
            blo, bhi = band[parent[j]]
            band[j] = (max(blo, h.band[0]), min(bhi, h.band[1]))
    groups: dict = {}  # one group per spectrum: the destinations whose path has that amplifier band
    for d, j in dests:
        sp = band_spectrum(network, *band[j], f"path {src!r} → {d!r}")
        groups.setdefault(id(sp), (sp, []))[1].append((d, j))
    out = []
    for sp, members in groups.values():
        needed = None
        if len(groups) > 1:  # the ancestors of this group's destinations
            needed = {root}
            for _, j in members:
                while j not in needed:
                    needed.add(j)
                    j = parent[j]
        out.append(_propagate_tree(network, src, sp, members, order, parent, edge, root, needed))
    return out


def _propagate_tree(network, src, sp, members, order, parent, edge, root, needed) -> TreeResult:
    maps = _maps(network, sp)
    ecache = network._cache.setdefault("tree edges", {})
    tx = tx_state(network, sp)
    pos = {root: 0}
    pch, before, path, depth = [tx.pch], [None], [(src,)], [0]
    par, seg1, seg2 = [0], [0], [0]
    for j in order:
        if j == root or (needed is not None and j not in needed):
            continue
        p = pos[parent[j]]
        h = edge[j]
        b, pin = before[p], pch[p]
        key = (h.index, b, id(pin), id(sp))
        hit = ecache.get(key)
        if hit is None or hit[0] is not pin or hit[1] is not sp:
            s1 = None if b is None else segment(network, ((h.start, b, h.first),), pin, sp)
            mid = pin if s1 is None else s1.pch_out
            s2 = segment(network, h.steps, mid, sp) if h.steps else None
            hit = ecache[key] = (pin, sp, maps.id(s1), maps.id(s2), s2.pch_out if s2 is not None else mid)
        pos[j] = len(par)
        par.append(p)
        seg1.append(hit[2])
        seg2.append(hit[3])
        pch.append(hit[4])
        before.append(h.last)
        path.append(path[p] + h.elements)
        depth.append(depth[p] + 1)
    m = len(par)
    par_a, seg1_a, seg2_a, depth_a = (np.array(v) for v in (par, seg1, seg2, depth))
    gain, offset, scal, fib = maps.gain, maps.offset, maps.scalars, maps.fibres
    x = np.empty((m, 5, sp.n_channels))
    x[0] = tx.x
    sums = np.zeros((m, _N_SCALARS))
    length = np.zeros(m)
    for d in range(1, int(depth_a.max()) + 1):
        idx = np.flatnonzero(depth_a == d)
        p, k1, k2 = par_a[idx], seg1_a[idx], seg2_a[idx]
        xs = gain[k1] * x[p] + offset[k1]  # the order of `advance`: pass, then in-line chain
        x[idx] = gain[k2] * xs + offset[k2]
        sums[idx] = (sums[p] + scal[k1]) + scal[k2]
        ln = length[p]
        for c in range(fib.shape[1]):
            ln = ln + fib[k1, c]
        for c in range(fib.shape[1]):
            ln = ln + fib[k2, c]
        length[idx] = ln
    rows = np.array([pos[j] for _, j in members])
    xd = x[rows]
    s, a, nli, added, cd = xd[:, 0], xd[:, 1], xd[:, 2], xd[:, 3], xd[:, 4]
    p_rx = np.stack([pch[r] for r in rows])
    bw_db = 10 * math.log10(sp.baud_rate / REF_BW)
    with np.errstate(divide="ignore"):
        gsnr = -10.0 * np.log10((a + nli) / s + added)
        osnr_ase = -10.0 * np.log10(a / s + added) + bw_db
        snr_nli = 10.0 * np.log10(s / nli)
        rx = 10.0 * np.log10(p_rx) + 30.0
    sd = sums[rows]
    return TreeResult(src, tuple(d for d, _ in members), sp, tuple(path[r] for r in rows), gsnr, osnr_ase, snr_nli,
                      rx, cd, np.sqrt(sd[:, 0]), np.sqrt(sd[:, 1]), sd[:, 2], sd[:, 3].astype(int), sd[:, 4],
                      length[rows])
