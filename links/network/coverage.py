"""Latency circles: which sites compute sites reach within a round-trip budget along optically feasible paths,
the covered fraction (optionally weighted by population or demand), and the smallest compute set reaching a
target coverage.

Reach: site t is within the circle of compute site c when RTT(c, t) ≤ budget, RTT = 2 × one-way latency of the
best feasible route — a direct lightpath that closes with some transceiver mode, or (``regenerate=True``) a
chain of such lightpaths regenerated at intermediate transceiver sites, each adding its mode's DSP/FEC latency
(Dijkstra over the graph of closing lightpaths, `scipy.sparse.csgraph.dijkstra`). A compute site covers
itself.

Smallest compute set for a coverage target (weighted maximum coverage / partial set cover): exact with
``scipy.optimize.milp`` (x_c, y_t ∈ {0,1}; y_t ≤ Σ_{c covers t} x_c; Σ w_t y_t ≥ target·Σ w_t; min Σ x_c), or
greedy (largest uncovered weight first) with its gap to the LP-relaxation lower bound stated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra


@dataclass(frozen=True)
class Reach:
    """RTT matrix (s) between ``sites`` (rows: from, columns: to; inf = no feasible route)."""

    sites: tuple[str, ...]
    rtt_s: np.ndarray
    budget_rtt_s: float

    def covers(self) -> np.ndarray:
        return self.rtt_s <= self.budget_rtt_s

    def index(self, site: str) -> int:
        try:
            return self.sites.index(site)
        except ValueError:
            raise ValueError(f"{site!r} is not a site with a transceiver (known: {list(self.sites)[:8]}...)") from None


def reach_from_paths(network, paths: dict, budget_rtt_s: float = 1e-3, regenerate: bool = True) -> Reach:
    """`Reach` from all-pairs `PathResult`s (`links.network.paths.all_pairs`: a `PathTable`, or any mapping
    {(src, dst): PathResult})."""
    if not isinstance(paths, Mapping):
        raise TypeError(f"paths must be the mapping (src, dst) → PathResult of all_pairs; got {type(paths).__name__}")
    trx = network.transceivers()
    names = tuple(network.site_of(t) for t in trx)
    k = {t: i for i, t in enumerate(trx)}
    n = len(trx)
    one_way = np.full((n, n), np.inf)
    if hasattr(paths, "feasible") and hasattr(paths, "src"):  # a PathTable: its arrays
        ok = np.flatnonzero(paths.feasible)
        rows = np.array([k[paths.src[i]] for i in ok], dtype=int)
        cols = np.array([k[paths.dst[i]] for i in ok], dtype=int)
        one_way[rows, cols] = paths.latency_s[ok]
    else:
        for (s, d), r in paths.items():
            if r.feasible:
                one_way[k[s], k[d]] = r.latency_s
    np.fill_diagonal(one_way, 0.0)
    if regenerate:
        w = np.where(np.isfinite(one_way), one_way, 0.0)
        mask = np.isfinite(one_way) & ~np.eye(n, dtype=bool)
        g = csr_matrix((np.maximum(w[mask], 1e-15), np.nonzero(mask)), shape=(n, n))
        one_way = dijkstra(g, directed=True)
        np.fill_diagonal(one_way, 0.0)
    return Reach(names, 2 * one_way, float(budget_rtt_s))


def reach_from_latency(sites, one_way_s: np.ndarray, budget_rtt_s: float = 1e-3) -> Reach:
    """`Reach` from a given one-way latency matrix (s; inf = infeasible), e.g. a hand-made graph."""
    m = np.array(one_way_s, dtype=float)
    np.fill_diagonal(m, 0.0)
    return Reach(tuple(sites), 2 * m, float(budget_rtt_s))


def coverage(reach: Reach, compute, weights=None) -> float:
    """Weighted fraction of sites within the budget of at least one compute site."""
    w = _weights(reach, weights)
    idx = [reach.index(c) for c in compute]
    if not idx:
        return 0.0
    covered = reach.covers()[idx].any(axis=0)
    return float(w[covered].sum() / w.sum())


def covered_sites(reach: Reach, compute) -> list[str]:
    idx = [reach.index(c) for c in compute]
    covered = reach.covers()[idx].any(axis=0) if idx else np.zeros(len(reach.sites), bool)
    return [s for s, c in zip(reach.sites, covered, strict=True) if c]


def _weights(reach: Reach, weights) -> np.ndarray:
    if weights is None:
        return np.ones(len(reach.sites))
    if isinstance(weights, dict):
        w = np.array([float(weights.get(s, 0.0)) for s in reach.sites])
    else:
        w = np.asarray(weights, dtype=float)
    if w.shape != (len(reach.sites),) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError("weights must be one non-negative value per site, not all zero")
    return w


@dataclass(frozen=True)
class Placement:
    compute: tuple[str, ...]
    coverage: float
    method: str  # "milp" or "greedy"
    lower_bound: int  # on the number of compute sites (LP relaxation, or the exact optimum)
    gap: int  # len(compute) − lower_bound


def min_compute_set(reach: Reach, target: float = 0.75, weights=None, candidates=None,
                    method: str = "auto", exact_limit: int = 60) -> Placement:
    """Smallest set of compute sites (among ``candidates``, default all) covering ``target`` of the weight.

    ``method``: "milp" (exact), "greedy", or "auto" (exact up to ``exact_limit`` candidates). ValueError if the
    target cannot be reached even with every candidate."""
    if not 0 < target <= 1:
        raise ValueError(f"target must be in (0, 1]; got {target}")
    w = _weights(reach, weights)
    cand = list(reach.sites) if candidates is None else list(candidates)
    ci = [reach.index(c) for c in cand]
    cov = reach.covers()[ci].astype(float)  # (n_cand, n_sites)
    need = target * w.sum() * (1 - 1e-12)
    if w[cov.any(axis=0)].sum() < need:
        raise ValueError(f"coverage {target:.0%} is out of reach: all candidates together cover "
                         f"{w[cov.any(axis=0)].sum() / w.sum():.1%}")
    nc, ns = cov.shape
    # variables [x (nc), y (ns)]
    c = np.concatenate([np.ones(nc), np.zeros(ns)])
    a1 = np.hstack([-cov.T, np.eye(ns)])  # y_t - Σ x_c ≤ 0
    a2 = np.concatenate([np.zeros(nc), w])[None, :]
    cons = [LinearConstraint(a1, -np.inf, 0), LinearConstraint(a2, need, np.inf)]
    lp = milp(c, constraints=cons, bounds=Bounds(0, 1))
    lower = int(math.ceil(lp.fun - 1e-9)) if lp.status == 0 else 1
    if method == "milp" or (method == "auto" and nc <= exact_limit):
        res = milp(c, constraints=cons, integrality=np.ones(nc + ns), bounds=Bounds(0, 1))
        if res.status != 0:
            raise ValueError(f"the exact placement failed: {res.message}")
        chosen = [cand[k] for k in range(nc) if res.x[k] > 0.5]
        return Placement(tuple(chosen), coverage(reach, chosen, w), "milp", len(chosen), 0)
    if method not in ("greedy", "auto"):
        raise ValueError(f"method must be 'milp', 'greedy' or 'auto'; got {method!r}")
    covered = np.zeros(ns, bool)
    chosen: list = []
    while w[covered].sum() < need:
        gains = (cov * (~covered) * w).sum(axis=1)
        k = int(np.argmax(gains))
        chosen.append(cand[k])
        covered |= cov[k] > 0
    return Placement(tuple(chosen), coverage(reach, chosen, w), "greedy", lower, len(chosen) - lower)
