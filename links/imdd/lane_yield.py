"""Process yield of an IM-DD PAM4 lane: the chip's ring or MZM under process variation → TDECQ after the fibre.

Each die is the device with its process parameters drawn (through the sweep engine, ``links.sweep``, into the
HDF5 store ``links.store``: resumable, a second run on the same definition reads the dies back):

- a ring (:class:`RingVariation`): radius, bus-ring gap and the P and N implant doses. The die's ring is
  thermally tuned onto the lane laser (the laser sits at the die's own operating point, its heater takes up the
  resonance shift, reported as ``resonance_shift_m``), so the variation acts through the coupling, the loaded Q,
  the junction and the resonance shift per volt;
- an MZM (``links.yields.ProcessVariation``, the coherent yield's model: rib width, P and N doping, junction
  offset, electrode gap; ``links.surrogate.vary_mzm``).

The die's figures: TDECQ after the lane's fibre (clause 121.8.5 method, ``links.imdd.tdecq``), its OMA outer
(the received OMA over the fibre's power loss), ER, the lane budget's margin and whether the lane passes every
check of the budget (``lane_pass``: margin, TDECQ, OMA, launch power; ``links.imdd.budget``). The yield on a
TDECQ limit is the fraction of dies with TDECQ ≤ the limit (by default the preset's ``tdecq_max_db``); any
other limit is read from the same dies.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from optolink.core.validate import check_int, check_real

RING_DEVIATIONS = ("radius_delta", "gap_delta", "na_scale", "nd_scale")
MZM_DEVIATIONS = ("width_delta", "na_scale", "nd_scale", "offset_delta", "gap_delta")
UNITS = {"radius_delta": "m", "gap_delta": "m", "na_scale": "1", "nd_scale": "1", "width_delta": "m",
         "offset_delta": "m", "tdecq_db": "dB", "oma_outer_dbm": "dBm", "extinction_ratio_db": "dB",
         "margin_db": "dB", "resonance_shift_m": "m", "average_power_dbm": "dBm", "lane_pass": "1"}
_KIND_ARG = {"ring": "ring", "mzm": "modulator"}  # photonics.devices argument name of the device object


@dataclasses.dataclass(frozen=True)
class RingVariation:
    """One-sigma die-to-die spreads of a ring modulator (SI): radius (m), bus-ring gap (m), relative P and N
    implant dose. Defaults: radius ±2 nm and gap ±5 nm (lithography and etch of a 193 nm DUV line), dose ±5 %."""

    radius_std: float = 2e-9
    gap_std: float = 5e-9
    doping_rel_std: float = 0.05

    def __post_init__(self):
        check_real("radius_std", self.radius_std, low=0.0, high=100e-9)
        check_real("gap_std", self.gap_std, low=0.0, high=50e-9)
        check_real("doping_rel_std", self.doping_rel_std, low=0.0, high=0.5)

    def stds(self) -> dict[str, float]:
        return {"radius_delta": self.radius_std, "gap_delta": self.gap_std, "na_scale": self.doping_rel_std,
                "nd_scale": self.doping_rel_std}

    def distributions(self) -> dict:
        """Per-die random parameters, normal truncated at ±4σ."""
        means = {"radius_delta": 0.0, "gap_delta": 0.0, "na_scale": 1.0, "nd_scale": 1.0}
        return {k: _trunc(means[k], s) for k, s in self.stds().items()}


def _trunc(mean: float, std: float):
    from links.sweep import Distribution

    if std == 0:
        return Distribution("normal", {"mean": mean, "std": 0.0})
    return Distribution("truncnormal", {"mean": mean, "std": std, "low": mean - 4 * std, "high": mean + 4 * std})


def vary_ring(ring, *, radius_delta: float = 0.0, gap_delta: float = 0.0, na_scale: float = 1.0,
              nd_scale: float = 1.0):
    """``ring`` with one die's deviations: radius and bus gap (m), P and N doping scales (heater, bias kept)."""
    ps = dataclasses.replace(ring.phase_shifter, na=ring.phase_shifter.na * na_scale,
                             nd=ring.phase_shifter.nd * nd_scale)
    return dataclasses.replace(ring, radius=ring.radius + radius_delta, gap=ring.gap + gap_delta, phase_shifter=ps)


def device_parameters(kind: str, device) -> dict:
    """The JSON parameters of a ring or MZM object (``photonics.devices.parameters``), a sweep's fixed input."""
    from photonics.devices import parameters

    return parameters(kind, {_KIND_ARG[_check_kind(kind)]: device})


def _check_kind(kind: str) -> str:
    if kind not in _KIND_ARG:
        raise ValueError(f"kind must be 'ring' or 'mzm'; got {kind!r}")
    return kind


def lane_waveform(kind: str, device, symbols, baud_rate: float, sps: int, input_power: float) -> np.ndarray:
    """The transmitter's optical power (W): the ring through its coupled-mode dynamics, the MZM at quadrature."""
    from links.imdd.transmitters import mzm_pam4, ring_pam4

    if _check_kind(kind) == "ring":
        return ring_pam4(device, symbols, baud_rate, sps, input_power=input_power)
    return mzm_pam4(device, symbols, baud_rate, sps, input_power=input_power)


def die_tdecq(*, kind: str, device: dict, standard: str = "800G-DR8", pattern: str = "PRBS13Q", sps: int = 8,
              length: float | None = None, input_power: float = 2e-3, radius_delta: float = 0.0,
              gap_delta: float = 0.0, na_scale: float = 1.0, nd_scale: float = 1.0, width_delta: float = 0.0,
              offset_delta: float = 0.0) -> dict:
    """The sweep function: one die's TDECQ after the lane's fibre, OMA outer, ER, average power and margin.

    ``device``: the nominal device's parameters (:func:`device_parameters`); the deviations are those of
    ``kind`` (ring: radius, gap, doping; MZM: rib width, doping, junction offset, electrode gap).
    """
    from links.imdd.budget import imdd_budget
    from links.imdd.channel import o_band_fiber
    from links.imdd.patterns import pattern as make_pattern
    from links.imdd.standards import imdd_standard
    from links.imdd.tdecq import measure_tdecq
    from photonics.devices import rebuild

    std = imdd_standard(standard)
    nominal = rebuild(_check_kind(kind), device)[_KIND_ARG[kind]]
    if kind == "ring":
        die = vary_ring(nominal, radius_delta=radius_delta, gap_delta=gap_delta, na_scale=na_scale,
                        nd_scale=nd_scale)
        shift = float(die.operating_wavelength(die.bias_voltage) - nominal.operating_wavelength(nominal.bias_voltage))
    else:
        from links.surrogate import vary_mzm

        die = vary_mzm(nominal, width_delta=width_delta, na_scale=na_scale, nd_scale=nd_scale,
                       offset_delta=offset_delta, gap_delta=gap_delta)
        shift = 0.0
    sym = make_pattern(pattern)
    baud, fs = std.baud_rate, std.baud_rate * sps
    p = lane_waveform(kind, die, sym, baud, sps, input_power)
    reach = std.reach if length is None else float(length)
    fib = o_band_fiber(reach, std.wavelengths[0])
    rx = np.abs(fib.propagate(np.sqrt(p).astype(complex), fs)) ** 2
    r = measure_tdecq(rx, fs, baud, standard=standard)
    # OMA and power at the transmitter: the received OMA over the fibre's loss (the fibre is linear in power)
    gain = float(rx.mean() / p.mean())
    oma_dbm = 10 * math.log10(r.oma_outer / gain / 1e-3)
    tdecq_db = min(r.tdecq_db, 30.0)
    b = imdd_budget(std, tx_oma_dbm=max(-40.0, min(20.0, oma_dbm)), tdecq_db=tdecq_db, length=reach,
                    tx_power_dbm=10 * math.log10(p.mean() / 1e-3), extinction_ratio_db=r.extinction_ratio_db)
    return {"tdecq_db": r.tdecq_db, "oma_outer_dbm": oma_dbm, "extinction_ratio_db": r.extinction_ratio_db,
            "average_power_dbm": 10 * math.log10(p.mean() / 1e-3), "margin_db": b.margin_db,
            "lane_pass": float(b.verdict == "PASS"), "resonance_shift_m": shift}


@dataclasses.dataclass(frozen=True)
class LaneYield:
    """The dies of one lane's yield run: their deviations and figures, and the yield on any TDECQ limit."""

    kind: str
    standard: str
    tdecq_db: np.ndarray  # per die (NaN: the die's evaluation failed)
    figures: dict  # name → (n,) other die figures
    parameters: dict  # name → (n,) deviations
    tdecq_limit_db: float  # the preset's limit
    run: str = ""  # the store's run name

    @property
    def n_dies(self) -> int:
        return int(self.tdecq_db.size)

    def yield_at(self, tdecq_limit_db: float | None = None) -> float:
        """Fraction of the evaluated dies with TDECQ ≤ ``tdecq_limit_db`` (default: the preset's limit)."""
        limit = self.tdecq_limit_db if tdecq_limit_db is None else check_real("tdecq_limit_db", tdecq_limit_db)
        ok = ~np.isnan(self.tdecq_db)  # a closed eye (inf) is evaluated, and fails
        return float(np.mean(self.tdecq_db[ok] <= limit)) if ok.any() else float("nan")

    def to_dict(self) -> dict:
        t = self.tdecq_db[np.isfinite(self.tdecq_db)]
        return {"kind": self.kind, "standard": self.standard, "n_dies": self.n_dies, "run": self.run,
                "tdecq_limit_db": self.tdecq_limit_db, "yield": self.yield_at(),
                "n_failed": int(np.isnan(self.tdecq_db).sum()),
                "tdecq_mean_db": float(t.mean()) if t.size else math.nan,
                "tdecq_max_db": float(t.max()) if t.size else math.nan,
                "tdecq_p95_db": float(np.percentile(t, 95)) if t.size else math.nan}


def run_lane_yield(kind: str, device, *, standard: str = "800G-DR8", n_dies: int = 16, variation=None,
                   seed: int = 0, store, pattern: str = "PRBS13Q", sps: int = 8, length: float | None = None,
                   input_power: float = 2e-3, run_name: str | None = None, progress: bool = False) -> LaneYield:
    """Monte Carlo TDECQ yield of a ring or MZM (object) as one lane of ``standard``, through the sweep engine
    into ``store`` (a path or ``links.store.Store``; a re-run of the same definition reads the dies back).

    ``variation``: a :class:`RingVariation` (ring) or ``links.yields.ProcessVariation`` (MZM; defaults as there).
    """
    from links.imdd.standards import imdd_standard
    from links.sweep import SweepSpec, run_sweep

    std = imdd_standard(standard)
    kind = _check_kind(kind)
    n_dies = check_int("n_dies", n_dies, low=2)
    if variation is None:
        if kind == "ring":
            variation = RingVariation()
        else:
            from links.yields import ProcessVariation
            variation = ProcessVariation()
    fixed = {"kind": kind, "device": device_parameters(kind, device), "standard": std.name, "pattern": pattern,
             "sps": int(sps), "input_power": float(input_power)}
    if length is not None:
        fixed["length"] = float(length)
    spec = SweepSpec(function="links.imdd.lane_yield:die_tdecq", random=variation.distributions(),
                     n_samples=n_dies, seed=seed, fixed=fixed, units=UNITS, name=run_name or "imdd-yield")
    if run_name is None:  # one run per definition: a changed device never collides with a stored one
        spec = dataclasses.replace(spec, name=f"imdd-yield-{std.name}-{kind}-{spec.fingerprint[:8]}")
    data = run_sweep(spec, store, scheduler="sync", progress=progress).sorted()
    nan = np.full(data.n_done, np.nan)
    res = {k: np.where(data.ok, v, np.nan) for k, v in data.results.items()}
    names = RING_DEVIATIONS if kind == "ring" else MZM_DEVIATIONS
    return LaneYield(kind, std.name, res.pop("tdecq_db", nan), res, {k: data.params[k] for k in names},
                     std.tdecq_max_db, spec.name)
