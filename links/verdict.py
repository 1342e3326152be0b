"""A chip transceiver's performance for a standard from the full simulation: `simulate_chip` → `ChipPerformance`.

The one source of truth for a chip's required OSNR, Tx power and receiver sensitivity: `links.simulate`
(transmitter with the chip's modulator, driver and laser → noise loading → coherent receiver with the chip's
photodiode and TIA → the full blind DSP chain), run point by point through the sweep engine
(`links.sweep.run_sweep`, function `chip_point`, which rebuilds the chip from plain parameters) into the HDF5
store. Every run is named by the chip's fingerprint (every device and driver parameter), the simulation
settings and its point grid, so a second call on the same devices recomputes nothing (its log says
"cached") and any parameter change re-simulates. The runs' parameters carry the chip's provenance (the
manifest and the GDS SHA-256).

OSNR grid (``osnr_db=None``, adaptive): 1 dB steps from the estimate − 2 dB to the estimate + 2 dB, plus one
high-OSNR point (35 dB) that reveals a BER floor; then 4 dB blocks of 1 dB steps below or above until the
threshold is bracketed (or the floor shows it never is). The required OSNR is interpolated with
`links.ber_curve.required_osnr_from_curve`; a curve whose BER at the highest OSNR is above the threshold gives
NaN and the fail reason "BER floor above threshold". Sensitivity: the received power at the threshold with
OSNR unlimited (80 dB loaded), bracketed the same way in received power (1 dB steps around the estimate).
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import pathlib
from dataclasses import dataclass, field

import numpy as np

from optolink.core.display import displayed
from optolink.core.units import watt_to_dbm

from . import plots as _plots
from .ber_curve import BerCurve, required_osnr_from_curve
from .chip import ChipEstimate, ChipTransceiver
from .standards import Standard, get_standard

__all__ = ["ChipPerformance", "FLOOR_OSNR_DB", "UNLIMITED_OSNR_DB", "chip_point", "default_store_path",
           "simulate_chip", "REASON_FLOOR", "REASON_TX_LOW", "ESTIMATE_WARNING_DB"]

log = logging.getLogger(__name__)

FLOOR_OSNR_DB = 35.0  # the high-OSNR point that reveals a BER floor
UNLIMITED_OSNR_DB = 80.0  # "OSNR unlimited" for the sensitivity points (the largest OSNR simulate_link takes)
ESTIMATE_WARNING_DB = 0.5
REASON_FLOOR = "BER floor above threshold"
REASON_TX_LOW = "Tx power below the standard's minimum"
REASON_NO_SENSITIVITY = "BER above threshold at every received power (no sensitivity)"
_MAX_STAGES = 5
FUNCTION = "links.verdict:chip_point"


def default_store_path() -> pathlib.Path:
    """Where `simulate_chip` caches without a ``store``: $OPTOLINK_STORE, else
    $XDG_CACHE_HOME/optolink/chip-verdicts.h5 (default ~/.cache)."""
    env = os.environ.get("OPTOLINK_STORE")
    if env:
        return pathlib.Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(base) / "optolink" / "chip-verdicts.h5"


# ------------------------------------------------------------------------------------------------------
# The sweep function
# ------------------------------------------------------------------------------------------------------
def _point_seed(seed: int, osnr_db: float, rx_power_dbm: float) -> int:
    ss = np.random.SeedSequence([int(seed), int(round(osnr_db * 1000)) % 2**31, int(round(rx_power_dbm * 1000))
                                 % 2**31])
    return int(ss.generate_state(1)[0] % 2**31)


def chip_point(osnr_db: float, rx_power_dbm: float, *, chip: dict, standard: str, n_symbols: int, seed: int = 0,
               provenance: dict | None = None) -> dict:
    """One simulated point of a chip transceiver (sweep function): the chip rebuilt from ``chip``
    (`ChipTransceiver.to_dict`), `links.simulate.simulate_link` at ``osnr_db`` (dB, 12.5 GHz) and
    ``rx_power_dbm``, seeded by (seed, OSNR, received power) so a point's result does not depend on the grid
    it is in. Returns BER, NGMI, SNR (dB), cycle slips and the transmitter's output power (dBm, measured on the
    transmitted field). ``provenance`` is recorded with the run, not used."""
    from .dsp.sync import DemultiplexingError
    from .signals import dual_pol_frame
    from .simulate import LinkConfig, simulate_link

    del provenance
    c = ChipTransceiver.from_dict(chip)
    std = get_standard(standard)
    tx, rx = c.transmitter(std), c.receiver(std)
    cfg = LinkConfig(standard=std.name, transmitter=tx, receiver=rx, n_symbols=int(n_symbols),
                     rx_power_dbm=float(rx_power_dbm))
    s = _point_seed(seed, osnr_db, rx_power_dbm)
    frame = dual_pol_frame(2**11, cfg.symbol_format, rng=s, pilot_period=cfg.pilot_period)
    field_ = tx.transmit(frame.symbols, std.baud_rate, cfg.sample_rate, rng=s)
    p = float(np.sum(np.mean(np.abs(field_) ** 2, axis=-1)))
    try:
        r = simulate_link(cfg, float(osnr_db), seed=s)
    except DemultiplexingError:  # the DSP cannot lock to the record: no information passes, BER 1/2
        return {"ber": 0.5, "ngmi": 0.0, "snr_db": float("nan"), "cycle_slips": 0.0,
                "tx_power_dbm": float(watt_to_dbm(p))}
    return {"ber": r.ber, "ngmi": r.ngmi, "snr_db": r.snr_db, "cycle_slips": float(r.cycle_slips),
            "tx_power_dbm": float(watt_to_dbm(p))}


# ------------------------------------------------------------------------------------------------------
# The result
# ------------------------------------------------------------------------------------------------------
@displayed("std=standard", "req_OSNR=required_osnr_db:dB", "floor=floor_ber", "Ptx=tx_power_dbm:dBm", "passes",
           "cached")
@dataclass(frozen=True)
class ChipPerformance:
    """A chip transceiver's simulated performance for a standard. OSNR in dB (12.5 GHz); ``required_osnr_db``
    NaN when the curve floors above the threshold; ``floor_ber``: BER at the highest simulated OSNR;
    ``tx_power_dbm``: the simulated transmitter's output power; ``sensitivity_dbm``: received power at the
    threshold with OSNR unlimited (NaN: never reached); ``estimate``: the analytic figures beside them and
    ``estimate_difference_db`` = estimate − simulation (required OSNR); ``cached``: nothing was computed;
    ``runs``: the store's run names; ``fail_reasons``: why the transceiver fails the standard on its own."""

    standard: str
    fingerprint: str
    curve: BerCurve
    required_osnr_db: float
    floor_ber: float
    tx_power_dbm: float
    sensitivity_dbm: float
    estimate: ChipEstimate
    estimate_difference_db: float
    warnings: tuple[str, ...]
    cached: bool
    provenance: dict
    fail_reasons: tuple[str, ...]
    pre_fec_ber_threshold: float = math.nan
    sensitivity_curve: BerCurve | None = None
    store: str = ""
    runs: tuple[str, ...] = ()
    figures: dict = field(default_factory=dict)

    plot = _plots.ber_curve  # plot(ax=None) → Axes of the BER curve (links.plots)

    @property
    def passes(self) -> bool:
        return not self.fail_reasons

    @property
    def source(self) -> str:
        return "simulated"

    def to_dict(self) -> dict:
        from optolink.core.serialize import jsonable

        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d["curve"] = {"osnr_db": list(self.curve.osnr_db), "ber": list(self.curve.ber), "label": self.curve.label}
        if self.sensitivity_curve is not None:
            d["sensitivity_curve"] = {"rx_power_dbm": [x - _RX_SHIFT for x in self.sensitivity_curve.osnr_db],
                                      "ber": list(self.sensitivity_curve.ber)}
        d["estimate"] = self.estimate.to_dict()
        d["osnr_reference_bandwidth_hz"] = 12.5e9
        return jsonable(d)


# BerCurve holds OSNR in [-20, 80] dB; received powers (dBm) are shifted into that range to reuse the one
# required-OSNR interpolation rule for the sensitivity
_RX_SHIFT = 60.0


# ------------------------------------------------------------------------------------------------------
# The simulation
# ------------------------------------------------------------------------------------------------------
class _Runner:
    def __init__(self, chip: ChipTransceiver, std: Standard, store, n_symbols: int, seed: int, progress: bool,
                 scheduler: str):
        from .store import Store

        self.chip, self.std, self.n_symbols, self.seed = chip, std, n_symbols, seed
        self.store = store if isinstance(store, Store) else Store(store)
        self.progress, self.scheduler = progress, scheduler
        self.computed = 0
        self.runs: list[str] = []
        self.data: dict[tuple[float, float], dict] = {}
        prov = chip.provenance or {}
        self.provenance = {k: prov.get(k) for k in ("manifest", "chip", "gds_file", "gds_sha256", "top_cell")
                           if prov.get(k) is not None}
        self.provenance["devices"] = dict(prov.get("devices") or {})

    def run(self, axis: str, values, other: float) -> None:
        from .sweep import SweepSpec, run_sweep

        values = [float(round(v, 6)) for v in values if (axis, float(round(v, 6))) not in self._have(axis, other)]
        if not values:
            return
        fixed_name = "rx_power_dbm" if axis == "osnr_db" else "osnr_db"
        spec = SweepSpec(function=FUNCTION, grid={axis: values}, seed=self.seed,
                         fixed={fixed_name: float(other), "chip": self.chip.to_dict(), "standard": self.std.name,
                                "n_symbols": self.n_symbols, "seed": self.seed, "provenance": self.provenance},
                         units={"osnr_db": "dB (12.5 GHz, both polarizations)", "rx_power_dbm": "dBm", "ber": "1",
                                "ngmi": "1", "snr_db": "dB", "tx_power_dbm": "dBm", "cycle_slips": "1"})
        name = f"chip-{self.std.name.replace(' ', '_')}-{self.chip.fingerprint[:12]}-{spec.fingerprint[:10]}"
        spec = dataclasses.replace(spec, name=name)
        before = self.store.done_indices(name).size
        data = run_sweep(spec, self.store, scheduler=self.scheduler, progress=self.progress).sorted()
        self.computed += max(0, spec.n_points - before)
        self.runs.append(name)
        for i, v in enumerate(data.params[axis]):
            if not data.ok[i]:
                raise RuntimeError(f"simulation point {axis}={v:g} of run {name!r} failed: {data.errors[i]}")
            key = (float(v), float(other)) if axis == "osnr_db" else (float(other), float(v))
            self.data[key] = {k: float(data.results[k][i]) for k in data.results}

    def _have(self, axis, other):
        if axis == "osnr_db":
            return {("osnr_db", o) for (o, r) in self.data if r == other}
        return {("rx_power_dbm", r) for (o, r) in self.data if o == other}

    def curve(self, axis: str, other: float) -> tuple[np.ndarray, np.ndarray]:
        if axis == "osnr_db":
            pts = sorted((o, d["ber"]) for (o, r), d in self.data.items() if r == other)
        else:
            pts = sorted((r, d["ber"]) for (o, r), d in self.data.items() if o == other)
        x = np.array([p[0] for p in pts])
        return x, np.minimum(np.array([p[1] for p in pts]), 0.5)


def _bracket(runner: _Runner, axis: str, other: float, start, threshold: float, step: float, lo_limit: float,
             hi_limit: float, ceiling: float | None) -> float:
    """Simulate ``start`` on ``axis``, then extend in 4-step blocks until the threshold is crossed downwards;
    returns the crossing (NaN if the BER stays above it up to ``ceiling`` / the limits)."""
    shift = _RX_SHIFT if axis == "rx_power_dbm" else 0.0
    runner.run(axis, start, other)
    for _ in range(_MAX_STAGES):
        x, ber = runner.curve(axis, other)
        if ceiling is not None:
            keep = x < ceiling
            x_main, b_main = x[keep], ber[keep]
        else:
            x_main, b_main = x, ber
        req = required_osnr_from_curve((x + shift, ber), threshold) if x.size >= 2 else math.nan
        if math.isfinite(req):
            return req - shift
        if ceiling is not None and ber[-1] > threshold:
            return math.nan  # floor: even the high-OSNR point is above the threshold
        if b_main.size and b_main[0] <= threshold:
            new = np.arange(x_main[0] - 4 * step, x_main[0] - 0.5 * step, step)  # already below: go lower
        else:
            top = x_main[-1] if x_main.size else start[-1]
            new = np.arange(top + step, top + 4.5 * step, step)  # still above: go higher
            if ceiling is not None:
                new = new[new < ceiling]
        new = new[(new >= lo_limit) & (new <= hi_limit)]
        if new.size == 0:
            return math.nan
        runner.run(axis, new, other)
    return math.nan


def simulate_chip(chip: ChipTransceiver, standard: Standard | str, *, store=None, osnr_db=None,
                  n_symbols: int = 2**14, rng=0, progress: bool = False, rx_power_dbm: float = -10.0,
                  sensitivity: bool = True, scheduler: str = "sync") -> ChipPerformance:
    """The full simulation of ``chip`` for ``standard`` (see the module docstring), cached in ``store`` (a
    `links.store.Store` or a path; None: `default_store_path()`). ``osnr_db``: the OSNR grid (dB, 12.5 GHz;
    None: adaptive); ``rng``: the integer seed of the points; ``rx_power_dbm``: received power of the OSNR
    points; ``sensitivity``: also find the receiver sensitivity; ``progress``: a progress bar per run."""
    if not isinstance(chip, ChipTransceiver):
        raise TypeError(f"chip must be a ChipTransceiver; got {type(chip).__name__}")
    std = standard if isinstance(standard, Standard) else get_standard(standard)
    if isinstance(rng, bool) or not isinstance(rng, int | np.integer):
        raise TypeError(f"rng must be an integer seed for a cached simulation; got {type(rng).__name__}")
    store = default_store_path() if store is None else store
    est = chip.estimate(std, rx_power_dbm=rx_power_dbm)
    runner = _Runner(chip, std, store, int(n_symbols), int(rng), progress, scheduler)
    thr = std.pre_fec_ber_threshold
    if osnr_db is None:
        centre = est.required_osnr_db if math.isfinite(est.required_osnr_db) else 25.0
        centre = float(np.clip(round(centre), 8.0, FLOOR_OSNR_DB - 3.0))
        start = list(np.arange(centre - 2.0, centre + 2.5, 1.0)) + [FLOOR_OSNR_DB]
        req = _bracket(runner, "osnr_db", rx_power_dbm, start, thr, 1.0, 0.0, 60.0, FLOOR_OSNR_DB)
    else:
        grid = np.atleast_1d(np.asarray(osnr_db, dtype=float))
        runner.run("osnr_db", grid, rx_power_dbm)
        x, ber = runner.curve("osnr_db", rx_power_dbm)
        req = required_osnr_from_curve((x, ber), thr) if x.size >= 2 else math.nan
    x, ber = runner.curve("osnr_db", rx_power_dbm)
    curve = BerCurve(tuple(x), tuple(ber), label=f"links.verdict.simulate_chip ({chip.fingerprint})")
    floor = float(ber[-1])
    tx_dbm = float(np.median([d["tx_power_dbm"] for d in runner.data.values()]))
    sens, sens_curve = math.nan, None
    if sensitivity:
        centre = est.sensitivity_dbm if math.isfinite(est.sensitivity_dbm) else -30.0
        centre = float(np.clip(round(centre), -45.0, 10.0))
        start = list(np.arange(centre - 2.0, centre + 2.5, 1.0))
        sens = _bracket(runner, "rx_power_dbm", UNLIMITED_OSNR_DB, start, thr, 1.0, -50.0, 20.0, None)
        rxp, rber = runner.curve("rx_power_dbm", UNLIMITED_OSNR_DB)
        if rxp.size >= 2:
            sens_curve = BerCurve(tuple(rxp + _RX_SHIFT), tuple(rber), label="BER vs received power + 60 dB")
    reasons, warnings = [], []
    if not math.isfinite(req):
        if floor > thr:
            reasons.append(REASON_FLOOR)
        warnings.append(f"the simulated BER does not reach the threshold {thr:g} (BER {floor:.3g} at "
                        f"{x[-1]:g} dB OSNR)")
    if std.tx_power_range_dbm is not None:
        lo, hi = std.tx_power_range_dbm
        if tx_dbm < lo:
            reasons.append(REASON_TX_LOW)
        elif tx_dbm > hi:
            warnings.append(f"Tx power {tx_dbm:.2f} dBm above the standard's maximum {hi:g} dBm (attenuate)")
    if sensitivity and not math.isfinite(sens):
        warnings.append(REASON_NO_SENSITIVITY)
    if (chip.provenance or {}).get("gds_check") == "modified":
        warnings.append(chip.provenance["gds_check_message"])
    diff = est.required_osnr_db - req
    if math.isfinite(req) and math.isfinite(est.required_osnr_db) and abs(diff) > ESTIMATE_WARNING_DB:
        warnings.append(f"the analytic estimate of the required OSNR ({est.required_osnr_db:.2f} dB) differs from "
                        f"the simulation ({req:.2f} dB) by {diff:+.2f} dB; the simulation is used")
    elif math.isfinite(req) != math.isfinite(est.required_osnr_db):
        warnings.append(f"the analytic estimate ({est.required_osnr_db:.2f} dB) and the simulation ({req:.2f} dB) "
                        "disagree on whether the threshold is reached; the simulation is used")
    cached = runner.computed == 0
    where = getattr(runner.store, "path", store)
    if cached:
        log.info("cached: %s %s (chip %s) from %s, runs %s", std.name, "performance", chip.fingerprint, where,
                 runner.runs)
    else:
        log.info("simulated %d points: %s chip %s into %s", runner.computed, std.name, chip.fingerprint, where)
    prov = dict(chip.provenance or {})
    prov.update({"store": str(where), "runs": list(runner.runs)})
    return ChipPerformance(
        standard=std.name, fingerprint=chip.fingerprint, curve=curve, required_osnr_db=float(req), floor_ber=floor,
        tx_power_dbm=tx_dbm, sensitivity_dbm=float(sens), estimate=est, estimate_difference_db=float(diff),
        warnings=tuple(warnings), cached=cached, provenance=prov, fail_reasons=tuple(reasons),
        pre_fec_ber_threshold=thr, sensitivity_curve=sens_curve, store=str(where), runs=tuple(runner.runs),
        figures=chip.figures())
