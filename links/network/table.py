"""All-pairs path results held as arrays: `PathTable`, a mapping {(src, dst): PathResult} that makes each
`PathResult` (and its `Lightpath`) only when it is asked for.

Per pair: the worst-channel GSNR (12.5 GHz), the channel-mean GSNR (signal bandwidth), the one-way propagation
latency, the fibre length, ROADM passes and filter penalty, and the chosen transceiver mode and its margin —
chosen for all pairs at once with the rule of `links.network.modes.best_mode` (the highest rate that closes;
equal rates: the larger margin). Per channel, one (pairs × channels) array per spectrum
(`links.network.tree.TreeResult`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .engine import REF_BW, Lightpath


class PathTable(Mapping):
    """{(src, dst): PathResult} of shortest paths from `links.network.tree.TreeResult`s, with array views.

    Arrays (one entry per pair, in ``keys()`` order): ``src``, ``dst`` (transceiver uids), ``gsnr_db`` (channel
    mean, signal bandwidth), ``worst_gsnr_ref_db`` (12.5 GHz), ``propagation_latency_s`` (one way, as
    `Lightpath.latency_s`), ``latency_s`` (plus the mode's DSP/FEC latency), ``length`` (m), ``n_roadm``,
    ``filter_penalty_db``, ``mode_index`` (into ``modes``; −1: no mode closes), ``margin_db`` (NaN without a
    mode), ``rate`` (b/s, 0 without a mode)."""

    def __init__(self, results, modes=(), order=None):
        self.results = list(results)
        self.modes = tuple(modes)
        where, flat = {}, {}
        for i, r in enumerate(self.results):
            for k, d in enumerate(r.dst):
                where[(r.src, d)] = (i, k)
                flat[(r.src, d)] = len(flat)
        keys = list(where) if order is None else [p for p in order if p in where]
        self._keys = keys
        self._where = where
        self._pos = {p: j for j, p in enumerate(keys)}
        self._cache: dict = {}
        perm = np.array([flat[p] for p in keys], dtype=int)

        def col(fn):
            return np.concatenate([np.asarray(fn(r)) for r in self.results])[perm] if keys else np.zeros(0)

        self.src = tuple(p[0] for p in keys)
        self.dst = tuple(p[1] for p in keys)
        # = Lightpath.worst_gsnr_ref_db and .gsnr_db, row by row
        self.worst_gsnr_ref_db = col(lambda r: np.min(r.gsnr_db + 10 * math.log10(r.spectrum.baud_rate / REF_BW),
                                                      axis=1))
        self.gsnr_db = col(lambda r: np.mean(r.gsnr_db, axis=1))
        self.propagation_latency_s = col(lambda r: r.latency_s)
        self.length = col(lambda r: r.length)
        self.n_roadm = col(lambda r: r.n_roadm).astype(int)
        self.filter_penalty_db = col(lambda r: r.penalty_db)
        self.mode_index, self.margin_db = choose_modes(self.modes, self.worst_gsnr_ref_db, self.filter_penalty_db)
        rates = np.array([m.rate for m in self.modes] + [0.0])
        dsp = np.array([m.dsp_latency_s for m in self.modes] + [0.0])
        self.rate = rates[self.mode_index]
        self.latency_s = self.propagation_latency_s + dsp[self.mode_index]

    @property
    def feasible(self) -> np.ndarray:
        return self.mode_index >= 0

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self):
        return iter(self._keys)

    def __contains__(self, key) -> bool:
        return key in self._where

    def __getitem__(self, key):
        if key not in self._cache:
            from .paths import PathResult

            j = self._pos[key]  # KeyError for a pair without a path
            lp = self.lightpath(key)
            mi = int(self.mode_index[j])
            mode = self.modes[mi] if mi >= 0 else None
            margin = None if mode is None else float(self.margin_db[j])
            self._cache[key] = PathResult(key[0], key[1], lp, mode, margin, lp.filter_penalty_db)
        return self._cache[key]

    def lightpath(self, key) -> Lightpath:
        """The `Lightpath` of pair ``key`` (src, dst)."""
        i, k = self._where[key]
        r = self.results[i]
        return Lightpath(path=r.paths[k], frequency=r.spectrum.frequencies, baud_rate=r.spectrum.baud_rate,
                         gsnr_channels_db=r.gsnr_db[k], osnr_ase_db=r.osnr_ase_db[k], snr_nli_db=r.snr_nli_db[k],
                         rx_power_dbm=r.rx_power_dbm[k], cd_ps_nm=r.cd_ps_nm[k], pmd_s=float(r.pmd_s[k]),
                         pdl_db=float(r.pdl_db[k]), latency_s=float(r.latency_s[k]), length=float(r.length[k]),
                         n_roadm_passes=int(r.n_roadm[k]), filter_penalty_db=float(r.penalty_db[k]))


def choose_modes(modes, worst_gsnr_ref_db: np.ndarray, penalty_db: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mode index (−1: none closes), margin dB (NaN: none)) per path: `best_mode`'s rule on arrays."""
    n = worst_gsnr_ref_db.shape[0]
    best = np.full(n, -1)
    best_rate = np.full(n, -np.inf)
    best_margin = np.full(n, np.nan)
    for k, m in enumerate(modes):
        margin = worst_gsnr_ref_db - m.required_osnr_db - m.margin_db - penalty_db  # `TransceiverMode.margin_on`
        better = (margin >= 0) & ((m.rate > best_rate) | ((m.rate == best_rate) & (margin > best_margin)))
        best = np.where(better, k, best)
        best_rate = np.where(better, m.rate, best_rate)
        best_margin = np.where(better, margin, best_margin)
    return best, best_margin
