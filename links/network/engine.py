"""Propagation of a WDM spectrum along a chain of network elements, with the point-to-point GN engine.

Per channel the state is the total power P = S + A + N (signal, ASE, NLI; W). Element by element, as GNPy 3.x
propagates (``gnpy.core.elements``), so that the two compare:

- TransceiverNode (Tx): P = S = the spectrum's Tx power per channel; its Tx OSNR is added at the receiver.
- Roadm: attenuate by the path type's max loss, then equalise every channel to the egress degree's target
  (``per_degree_pch_out_db`` or the ROADM's ``target_pch_out_db``, or a PSD target); a channel below its
  target is left as it is (a ROADM only attenuates). Add and drop paths carry the add/drop OSNR.
- FiberNode: input connector and pad; NLI generated from the channel powers P at the fibre input — the
  closed-form incoherent GN model of the point-to-point budget (`links.nli`, Poggiolini 2012, eq. 120):
  its coefficients once per fibre type, then P_NLI,i = γ²L_eff²·P_i·Σ_j M_ij·P_j² — times (γ(f_i)/γ_ref)²
  for the frequency scaling of γ (see
  `links.network.equipment.FiberType.gamma_scale`); the NLI takes its power from signal and ASE (GNPy's
  bookkeeping: S and A scale by 1 − P_NLI/P); then fibre loss and output connector.
- EdfaNode: input VOA; gain = min(gain_target, p_max − P_in,total); NF from the amplifier type at that gain;
  ASE = NF·h·f·B (B = baud) added at the input, then the gain profile (flat, or GNPy's tilt and ripple model)
  less the output VOA.
- Fused: a loss.

GSNR = S/(A + N) at the receiver, combined with the Tx OSNR and the ROADMs' add/drop OSNR (12.5 GHz, converted
to the signal bandwidth). Every operation maps (S, A, N) affinely with one common factor given P, and P along
a hop does not depend on the path, so hops are evaluated once per input power profile and cached
(`segment`; each ROADM pass once per ROADM, pass kind, egress degree and input powers), and paths are
compositions of cached hops: a `PathState` (the stacked rows [S, A, N, Σ 1/SNR, CD] and the path sums) advanced
by each segment's map X → gain·X + offset. `propagate` does it for one path; `links.network.tree` for all the
paths out of a source at once, with the same maps in the same order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from links.budget import Span
from links.nli import psi_matrices
from optolink.core.constants import C, H
from optolink.core.display import displayed

from .equipment import Spectrum
from .model import EdfaNode, FiberNode, Fused, Roadm, TransceiverNode

REF_BW = 12.5e9


def make_span(length: float, alpha_db_per_km: float, dispersion_ps_nm_km: float, gamma_per_w_km: float,
              dispersion_slope_ps_nm2_km: float, reference_frequency: float) -> Span:
    """The one place a network fibre becomes a `links.fiber.Fiber` (the budget's `Span`)."""
    return Span(length, alpha_db_per_km, dispersion_ps_nm_km, gamma_per_w_km,
                dispersion_slope_ps_nm2_km=dispersion_slope_ps_nm2_km, reference_frequency=reference_frequency)


def _db(x):
    with np.errstate(divide="ignore"):
        return 10.0 * np.log10(np.asarray(x, dtype=float))


def _lin(x):
    return 10.0 ** (np.asarray(x, dtype=float) / 10.0)


def _fiber_span(network, fiber: FiberNode) -> Span:
    ft = network.equipment.fiber(fiber.type_variety, fiber.uid)
    d_ps = ft.dispersion * 1e6
    if ft.dispersion_slope is None:
        slope = -2.0 * d_ps / (C / ft.ref_frequency * 1e9)  # β2 constant over the band: D ∝ 1/λ² (GNPy's rule)
    else:
        slope = ft.dispersion_slope * 1e-3
    return make_span(fiber.length, fiber.loss_coef, d_ps, ft.gamma_ref * 1e3, slope, ft.ref_frequency)


def _unit_nli_matrix(span: Span, spectrum: Spectrum) -> np.ndarray:
    """M[i, j] with P_NLI,i = γ²·L_eff²·P_i·Σ_j M[i, j]·P_j² for the span's fibre type (loss, dispersion) on the
    spectrum's channels: the point-to-point engine's GN coefficients without their span factor
    (`links.nli.psi_matrices`; `links.nli.nli_coefficients` = span factor × this), independent of the length."""
    f = spectrum.frequencies
    return psi_matrices(f, np.full(f.size, spectrum.baud_rate), [span])[0]


def fiber_nli(network, fiber: FiberNode, pch: np.ndarray, spectrum: Spectrum) -> np.ndarray:
    """NLI power (W, in each channel's bandwidth) generated in ``fiber`` by channel powers ``pch`` (W) at its
    input (after the input connector), with the point-to-point GN engine's coefficients (cached per fibre
    type and spectrum) and GNPy's γ(f) scaling."""
    ft = network.equipment.fiber(fiber.type_variety, fiber.uid)
    span = _fiber_span(network, fiber)
    if network.nli_model == "gn":  # the exact GN integral of the span (its tables cached per fibre and length)
        from links.budget_nli import span_nli_power

        f = spectrum.frequencies
        nli = span_nli_power(f, np.full(f.size, spectrum.baud_rate), np.asarray(pch, dtype=float), span,
                             nli_model="gn")
        return nli * ft.gamma_scale(f) ** 2
    key = ("psi", span.alpha_db_per_km, span.dispersion_ps_nm_km, span.dispersion_slope_ps_nm2_km,
           ft.ref_frequency, spectrum)
    cache = network._cache
    if key not in cache:
        cache[key] = _unit_nli_matrix(span, spectrum) * ft.gamma_scale(spectrum.frequencies)[:, None] ** 2
    scale = (span.gamma_per_w_km / 1e3) ** 2 * span.effective_length ** 2
    return scale * pch * (cache[key] * pch**2).sum(axis=1)  # not BLAS: the same sums in every process


def _gain_profile(amp_type, edfa: EdfaNode, gain: float, pch: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Per-channel gain (dB): GNPy's dynamic-gain-tilt model (R. di Muro, J. Lightw. Technol. 18(3), 343 (2000),
    as ported in gnpy.core.elements.Edfa._gain_profile); flat when there is neither tilt nor ripple."""
    if f.size == 1 or (edfa.tilt_target == 0 and not any(amp_type.gain_ripple)):
        return np.full(f.size, gain)  # GNPy's profile is flat then (g1st − voa = gain)
    dgt = np.interp(f, np.linspace(amp_type.f_min, amp_type.f_max, len(amp_type.dgt)), amp_type.dgt)
    ripple = np.interp(f, np.linspace(amp_type.f_min, amp_type.f_max, len(amp_type.gain_ripple)),
                       amp_type.gain_ripple)
    dgt_slope = np.polyfit(f, dgt, 1)[0]
    targ_slope = -edfa.tilt_target / (amp_type.f_max - amp_type.f_min)
    dgts1 = targ_slope / dgt_slope if dgt_slope != 0 else 0.0
    g1st = ripple + amp_type.gain_flatmax + dgt * dgts1
    voa = float(_db(np.mean(_lin(g1st)))) - gain
    if abs(g1st.max() - g1st.min()) <= 0.05:
        return g1st - voa
    pin_db = float(_db(pch.sum()))

    def gavg(x):
        return float(_db(np.sum(pch * _lin(g1st - voa + dgt * x)))) - pin_db

    xcent = gain - (float(_db(np.sum(pch * _lin(g1st - voa)))) - pin_db)
    gcent = gavg(xcent)
    deltax = g1st.max() - g1st.min()
    xlow, xhigh = xcent - deltax, xcent + deltax
    slope1 = (gavg(xlow) - gcent) / (xlow - xcent)
    slope2 = (gcent - gavg(xhigh)) / (xcent - xhigh)
    if abs(gain - gcent) <= 1e-11:
        x3 = xcent
    elif gain < gcent:
        x3 = xcent - (gcent - gain) / slope1
    else:
        x3 = xcent + (gain - gcent) / slope2
    return g1st - voa + dgt * x3


@dataclass
class Segment:
    """The affine map of a chain of elements on (S, A, N) given its input power: X_out = c·X_in + d_X."""

    c: np.ndarray
    d_ase: np.ndarray
    d_nli: np.ndarray
    pch_out: np.ndarray
    cd: np.ndarray  # ps/nm
    pmd2: float  # s²
    pdl2: float  # dB²
    latency: float  # s
    inv_snr: np.ndarray | None  # Σ 1/SNR of the add/drop OSNR contributions, in the signal bandwidth (None: none)
    n_roadm: int = 0
    penalty_db: float = 0.0  # Σ ROADM filter penalties (dB)
    fibre_lengths: tuple = ()  # m, in path order

    offset: np.ndarray | None = None  # given when shared (a ROADM pass's is the same for every input)

    def __post_init__(self):
        # the map on the stacked state rows [S, A, N, Σ 1/SNR, CD]: X_out = gain·X_in + offset
        n = self.c.size
        self.gain = np.empty((5, n))
        self.gain[:3] = self.c
        self.gain[3:] = 1.0
        if self.offset is None:
            self.offset = np.stack([np.zeros(n), self.d_ase, self.d_nli,
                                    np.zeros(n) if self.inv_snr is None else self.inv_snr, self.cd])


def segment(network, steps: tuple, pch_in: np.ndarray, spectrum: Spectrum) -> Segment:
    """Propagate the powers ``pch_in`` (W) through ``steps`` = ((uid, from_uid, to_uid), ...); cached.

    Two cache levels: by the identity of ``pch_in`` (the output array of a cached segment, or the Tx powers of
    `tx_state`, reused by every path through it), then by its value rounded to 1e-9 dB — the segment is
    evaluated at the rounded powers, so equal powers reached by any path share one evaluation and no result
    depends on the order in which paths are evaluated (a distributed run equals the serial one)."""
    fast = network._cache.setdefault("segments by identity", {})
    fkey = (steps, id(spectrum), id(pch_in))
    hit = fast.get(fkey)
    if hit is not None and hit[0] is pch_in and hit[1] is spectrum:
        return hit[2]
    what = steps
    is_pass = len(steps) == 1 and isinstance(network.elements[steps[0][0]], Roadm)
    if is_pass:  # a pass depends on its kind only
        uid, before, after = steps[0]
        what = ("pass", uid, _pass_kind(network, before, after), after)
    q = np.round(10.0 * np.log10(pch_in), 9)  # dB to 1e-9 dB: equal powers reached by any path share a segment
    key = (what, spectrum, q.tobytes())
    cache = network._cache
    if key in cache:
        fast[fkey] = (pch_in, spectrum, cache[key])
        return cache[key]
    pch_q = 10.0 ** (q / 10.0)  # evaluated at the rounded powers, so that no result depends on evaluation order
    if is_pass:
        seg = cache[key] = _roadm_pass(network, what[1], what[2], what[3], pch_q, spectrum)
        fast[fkey] = (pch_in, spectrum, seg)
        return seg
    f = spectrum.frequencies
    n = f.size
    c = np.ones(n)
    da = np.zeros(n)
    dn = np.zeros(n)
    p = pch_q
    cd = np.zeros(n)
    pmd2 = pdl2 = latency = penalty = 0.0
    n_roadm = 0
    inv_snr = None
    fibres = []
    bw_db = 10 * math.log10(spectrum.baud_rate / REF_BW)
    eq = network.equipment

    def scale(g):
        nonlocal c, da, dn, p
        c, da, dn, p = c * g, da * g, dn * g, p * g

    for uid, before, after in steps:
        e = network.elements[uid]
        if isinstance(e, FiberNode):
            ft = eq.fiber(e.type_variety, uid)
            scale(_lin(-(e.con_in + e.att_in)))
            nli = fiber_nli(network, e, p, spectrum)
            r = nli / p
            c, da, dn = c * (1 - r), da * (1 - r), dn * (1 - r) + nli
            lam = C / f
            if ft.dispersion_slope is None:
                d = np.full(n, ft.dispersion)  # GNPy: D flat for the CD (β2 flat for the NLI)
            else:
                d = ft.dispersion + ft.dispersion_slope * (lam - C / ft.ref_frequency)
            cd = cd + d * e.length * 1e3  # s/m² · m → ps/nm: ×1e12/1e9
            pmd = (e.pmd_coef if e.pmd_coef is not None else ft.pmd_coef) * math.sqrt(e.length)
            pmd2 += pmd**2
            latency += e.length * network.group_index / C
            fibres.append(e.length)
            scale(_lin(-(e.loss_coef * e.length / 1e3)) * _lin(-e.con_out))
        elif isinstance(e, EdfaNode):
            at = eq.amplifier(e.type_variety, uid)
            scale(_lin(-e.in_voa))
            pin_db = float(_db(p.sum())) + 30.0
            gain = min(e.gain_target, at.p_max - pin_db) if at.type_def != "dual_stage" else e.gain_target
            nf, _ = at.nf_db(gain, pin_db, n, spectrum.spacing, eq.amplifiers)
            ripple = np.interp(f, np.linspace(at.f_min, at.f_max, len(at.nf_ripple)), at.nf_ripple)
            nf_ch = nf + ripple
            ase = H * spectrum.baud_rate * f * (_lin(nf_ch) if math.isfinite(nf) else 0.0)
            da = da + ase
            p = p + ase
            scale(_lin(_gain_profile(at, e, gain, p - ase, f) - e.out_voa))
            pmd2 += at.pmd**2
            pdl2 += at.pdl**2
            latency += network.amplifier_latency_s
        elif isinstance(e, Fused):
            scale(_lin(-e.loss))
        elif isinstance(e, Roadm):
            rt = eq.roadm(e.type_variety, uid)
            imp = rt.impairment(_pass_kind(network, before, after))
            scale(_lin(-imp.maxloss_db))
            target = _roadm_target(e, rt, after, spectrum)
            net_in = _db(p) + 30.0
            x = net_in - target
            new_target = target - (np.abs(x) - x) / 2
            scale(_lin(-(net_in - new_target)))
            if imp.osnr_db is not None:
                term = _lin(-(np.full(n, imp.osnr_db) - bw_db))  # 1/SNR in the signal bandwidth
                inv_snr = term if inv_snr is None else inv_snr + term
            pmd2 += imp.pmd**2
            pdl2 += imp.pdl_db**2
            latency += network.roadm_latency_s
            penalty += rt.filter_penalty_db
            n_roadm += 1
        elif isinstance(e, TransceiverNode):
            pass
        else:  # pragma: no cover - the loaders only build the five types
            raise ValueError(f"element {uid!r}: unsupported type {e.type}")
    seg = Segment(c, da, dn, p, cd, pmd2, pdl2, latency, inv_snr, n_roadm, penalty, tuple(fibres))
    cache[key] = seg
    fast[fkey] = (pch_in, spectrum, seg)
    return seg


def _roadm_pass(network, uid: str, kind: str, after: str, pch_in: np.ndarray, spectrum: Spectrum) -> Segment:
    """One ROADM pass (the Roadm case of `segment`, with its constants cached per ROADM, kind and egress)."""
    ckey = ("pass constants", uid, kind, after, spectrum)
    k = network._cache.get(ckey)
    if k is None:
        e = network.elements[uid]
        rt = network.equipment.roadm(e.type_variety, uid)
        imp = rt.impairment(kind)
        n = spectrum.n_channels
        bw_db = 10 * math.log10(spectrum.baud_rate / REF_BW)
        inv = None if imp.osnr_db is None else _lin(-(np.full(n, imp.osnr_db) - bw_db))
        zeros = np.zeros(n)
        offset = np.stack([zeros, zeros, zeros, zeros if inv is None else inv, zeros])
        k = network._cache[ckey] = (float(_lin(-imp.maxloss_db)), _roadm_target(e, rt, after, spectrum), inv,
                                    offset, zeros, imp.pmd**2, imp.pdl_db**2, network.roadm_latency_s,
                                    rt.filter_penalty_db)
    loss, target, inv, offset, zeros, pmd2, pdl2, latency, penalty = k
    p = pch_in * loss
    net_in = 10.0 * np.log10(p) + 30.0
    x = net_in - target
    new_target = target - (np.abs(x) - x) / 2  # a ROADM only attenuates: a channel below target stays
    g = 10.0 ** (-(net_in - new_target) / 10.0)
    return Segment(loss * g, zeros, zeros, p * g, zeros, pmd2, pdl2, latency, inv, 1, penalty, (), offset)


def _pass_kind(network, before, after) -> str:
    return ("add" if isinstance(network.elements.get(before), TransceiverNode) else
            "drop" if isinstance(network.elements.get(after), TransceiverNode) else "express")


def _roadm_target(e: Roadm, rt, degree: str, spectrum: Spectrum) -> np.ndarray:
    n = spectrum.n_channels
    if degree in e.per_degree_pch_out_db:
        return np.full(n, float(e.per_degree_pch_out_db[degree]))
    if degree in e.per_degree_psd:
        return np.full(n, float(_db(e.per_degree_psd[degree] * spectrum.baud_rate * 1e-9)))
    if e.target_pch_out_db is not None:
        return np.full(n, float(e.target_pch_out_db))
    if e.target_psd_out_mWperGHz is not None:
        return np.full(n, float(_db(e.target_psd_out_mWperGHz * spectrum.baud_rate * 1e-9)))
    if rt.target_pch_out_db is not None:
        return np.full(n, float(rt.target_pch_out_db))
    if rt.target_psd_out_mWperGHz is not None:
        return np.full(n, float(_db(rt.target_psd_out_mWperGHz * spectrum.baud_rate * 1e-9)))
    if rt.target_out_mWperSlotWidth is not None:
        return np.full(n, float(_db(rt.target_out_mWperSlotWidth * spectrum.spacing * 1e-9)))
    raise ValueError(f"Roadm {e.uid!r}: no equalisation target (field 'target_pch_out_db')")


@displayed("L=length:m", "GSNR=gsnr_db:dB", "ROADMs=n_roadm_passes", "latency=latency_s:s", "CD=cd_ps_nm:ps/nm")
@dataclass(frozen=True)
class Lightpath:
    """Result of a propagation: per-channel arrays (low to high frequency) and path figures.

    ``gsnr_db`` is the channel mean of ``gsnr_channels_db`` (signal bandwidth, what GNPy prints);
    ``gsnr_ref_db`` per channel in 12.5 GHz; ``latency_s`` one way (fibre + node latencies);
    ``filter_penalty_db`` the ROADM filter penalties of the path (counted against a mode's margin).
    """

    path: tuple[str, ...]
    frequency: np.ndarray
    baud_rate: float
    gsnr_channels_db: np.ndarray
    osnr_ase_db: np.ndarray  # 12.5 GHz, with Tx and add/drop OSNR
    snr_nli_db: np.ndarray  # signal bandwidth
    rx_power_dbm: np.ndarray
    cd_ps_nm: np.ndarray
    pmd_s: float
    pdl_db: float
    latency_s: float
    length: float
    n_roadm_passes: int
    filter_penalty_db: float = 0.0  # Σ ROADM filter penalties on the path

    @property
    def gsnr_db(self) -> float:
        return float(np.mean(self.gsnr_channels_db))

    @property
    def gsnr_ref_db(self) -> np.ndarray:
        return self.gsnr_channels_db + 10 * math.log10(self.baud_rate / REF_BW)

    @property
    def worst_gsnr_ref_db(self) -> float:
        return float(np.min(self.gsnr_ref_db))


def path_steps(network, path) -> list[tuple]:
    """Split an element path into cacheable chunks: each terminal pass alone, each hop's in-line chain."""
    path = list(path)
    chunks, cur = [], []
    for k, uid in enumerate(path):
        before = path[k - 1] if k > 0 else None
        after = path[k + 1] if k + 1 < len(path) else None
        step = (uid, before, after)
        if isinstance(network.elements[uid], Roadm | TransceiverNode):
            if cur:
                chunks.append(tuple(cur))
                cur = []
            chunks.append((step,))
        else:
            cur.append(step)
    if cur:
        chunks.append(tuple(cur))
    return chunks


def band_spectrum(network, lo: float, hi: float, where: str = "path") -> Spectrum:
    """The design spectrum restricted to the channels whose slot fits the amplifier band [lo, hi] (Hz; GNPy's
    ``filter_si``: f − spacing/2 ≥ f_min and f + spacing/2 ≤ f_max); one object per band (cached)."""
    cache = network._cache.setdefault("band spectra", {})
    if (lo, hi) in cache:
        return cache[(lo, hi)]
    sp = network.equipment.spectrum
    f = sp.frequencies
    keep = f[(f - sp.spacing / 2 >= lo) & (f + sp.spacing / 2 <= hi)]
    if keep.size == 0:
        raise ValueError(f"{where}: no channel of the design spectrum fits the amplifier band "
                         f"{lo / 1e12:.3f}-{hi / 1e12:.3f} THz")
    out = sp if keep.size == f.size else replace(sp, f_min=float(keep[0]), f_max=float(keep[-1]) + sp.spacing / 2)
    cache[(lo, hi)] = out
    return out


def amplifier_band(network, elements) -> tuple[float, float]:
    """(lo, hi): the intersection of the bands of the amplifiers among ``elements`` (±inf without one)."""
    lo, hi = -math.inf, math.inf
    for uid in elements:
        e = network.elements[uid]
        if isinstance(e, EdfaNode):
            at = network.equipment.amplifier(e.type_variety, uid)
            lo, hi = max(lo, at.f_min), min(hi, at.f_max)
    return lo, hi


def path_spectrum(network, path) -> Spectrum:
    """The design spectrum restricted to the channels whose slot fits every amplifier band on the path."""
    lo, hi = amplifier_band(network, path)
    return band_spectrum(network, lo, hi, f"path {path[0]!r} → {path[-1]!r}")


class PathState:
    """A point of a path: the stacked per-channel rows X = [S, A, N (W), Σ 1/SNR of Tx and add/drop OSNR (signal
    bandwidth), CD (ps/nm)], the total powers ``pch`` (W), and the path sums so far (PMD², PDL², latency,
    ROADM passes, filter penalty, fibre length)."""

    __slots__ = ("x", "pch", "pmd2", "pdl2", "latency", "n_roadm", "penalty_db", "length")

    def __init__(self, x, pch, pmd2=0.0, pdl2=0.0, latency=0.0, n_roadm=0, penalty_db=0.0, length=0.0):
        self.x, self.pch, self.pmd2, self.pdl2, self.latency = x, pch, pmd2, pdl2, latency
        self.n_roadm, self.penalty_db, self.length = n_roadm, penalty_db, length


def tx_state(network, spectrum: Spectrum) -> PathState:
    """The state out of a transmitter: every channel at the Tx power, its Tx OSNR (one object per spectrum)."""
    cache = network._cache.setdefault("tx states", {})
    if id(spectrum) in cache and cache[id(spectrum)][0] is spectrum:
        return cache[id(spectrum)][1]
    n = spectrum.n_channels
    bw_db = 10 * math.log10(spectrum.baud_rate / REF_BW)
    pch = np.full(n, 1e-3 * 10 ** (spectrum.tx_power_dbm / 10))
    x = np.stack([pch, np.zeros(n), np.zeros(n), _lin(-(np.full(n, spectrum.tx_osnr) - bw_db)), np.zeros(n)])
    st = PathState(x, pch)
    cache[id(spectrum)] = (spectrum, st)
    return st


def advance(st: PathState, seg: Segment) -> PathState:
    """The state after a segment: X_out = gain·X_in + offset, the sums carried on."""
    length = st.length
    for x in seg.fibre_lengths:
        length += x
    return PathState(seg.gain * st.x + seg.offset, seg.pch_out, st.pmd2 + seg.pmd2, st.pdl2 + seg.pdl2,
                 st.latency + seg.latency, st.n_roadm + seg.n_roadm, st.penalty_db + seg.penalty_db, length)


def propagate(network, path, *, spectrum: Spectrum | None = None) -> Lightpath:
    """Propagate the (design) spectrum along the element ``path`` (Transceiver … Transceiver)."""
    path = tuple(path)
    els = network.elements
    for uid in path:
        if uid not in els:
            raise ValueError(f"path element {uid!r} is not in the network")
    if not (isinstance(els[path[0]], TransceiverNode) and isinstance(els[path[-1]], TransceiverNode)):
        raise ValueError("a lightpath starts and ends at a Transceiver")
    for a, b in zip(path[:-1], path[1:], strict=True):
        if b not in network.graph.succ[a]:
            raise ValueError(f"path: no connection from {a!r} to {b!r}")
    sp = spectrum if spectrum is not None else path_spectrum(network, path)
    st = tx_state(network, sp)
    for chunk in path_steps(network, path):
        st = advance(st, segment(network, chunk, st.pch, sp))
    return lightpaths(network, [path], sp, [st])[0]


def lightpaths(network, paths, sp: Spectrum, states) -> list[Lightpath]:
    """`Lightpath`s of element ``paths`` from their end states (all on spectrum ``sp``), evaluated together."""
    bw_db = 10 * math.log10(sp.baud_rate / REF_BW)
    x = np.stack([st.x for st in states])  # (paths, 5, channels)
    s, a, nli, added, cd = x[:, 0], x[:, 1], x[:, 2], x[:, 3], x[:, 4]
    pch = np.stack([st.pch for st in states])
    with np.errstate(divide="ignore"):
        gsnr = -10.0 * np.log10((a + nli) / s + added)
        osnr_ase = -10.0 * np.log10(a / s + added) + bw_db
        snr_nli = 10.0 * np.log10(s / nli)
        rx = 10.0 * np.log10(pch) + 30.0
    f = sp.frequencies
    return [Lightpath(path=tuple(p), frequency=f, baud_rate=sp.baud_rate, gsnr_channels_db=gsnr[k],
                      osnr_ase_db=osnr_ase[k], snr_nli_db=snr_nli[k], rx_power_dbm=rx[k], cd_ps_nm=cd[k],
                      pmd_s=math.sqrt(st.pmd2), pdl_db=math.sqrt(st.pdl2), latency_s=st.latency,
                      length=st.length, n_roadm_passes=st.n_roadm, filter_penalty_db=st.penalty_db)
            for k, (p, st) in enumerate(zip(paths, states, strict=True))]
