"""Process yield of a transmitter design against a link: process variation → the die's devices → link margin.

Each die is the design's modulator with its process parameters drawn from ``ProcessVariation`` (rib width, P
and N doping, junction offset, electrode gap), the same draw on its four child MZMs. Two ways to its figures:

- ``method="surrogate"`` (the default; the same physics as a chip's link verdict): the die's required OSNR
  (12.5 GHz), Tx power and BER floor come from a surrogate of the full simulation (``links.surrogate``: a
  least-squares polynomial in the die's EO-response ISI cost and drive swing over Vπ), fitted on dies
  simulated with ``links.verdict.simulate_chip`` (the blind DSP chain) — training dies and held-out dies
  drawn by the sweep engine into the HDF5 store (resumable; a second yield on the same design, standard and
  driver reads them back) — and validated on the held-out dies (its RMS and max error are in the result). A
  die whose predicted BER floor is at or above the standard's threshold FAILS ("BER floor above
  threshold"); a die outside the surrogate's training range is simulated in full (``extrapolation``).
- ``method="estimate"``, and beside every surrogate die as ``estimate_*`` figures: the analytic estimate —
  Tx power = laser power + 10·log10⟨|E_out/E_in|²⟩ over the constellation drives of the IQ modulator's static
  transfer for an outer level ``driver_peak_v``, required OSNR = a reference (default: the standard's
  figure, read as excluding the modulator) + the modulator-bandwidth penalty ⟨|H|²⟩·⟨|H|⁻²⟩ over |f| ≤ R_s/2
  (zero-forcing receiver, ASE after the modulator; ``links.surrogate.bandwidth_penalty_db``). It is an
  estimate, labelled as such: the full simulation contradicts it where the modulator's bandwidth floors the
  BER.

The die's margin is then the link budget (``linkfile`` preset or description, GN model, the same
``links.linkfile`` evaluation as a single budget) with that transceiver: its required OSNR, and its Tx power
through the link's booster. The yield is the fraction of dies that pass: no BER floor above the threshold,
OSNR margin ≥ 0 and, when the standard fixes a Tx power range (400ZR: −10 to −6 dBm), a Tx power at or
above its minimum. Sensitivities are the least-squares slopes of the margin on each parameter, in dB per
standard deviation.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import math
from dataclasses import dataclass, field

import numpy as np

from optolink.core.display import displayed
from optolink.core.validate import check_real
from photonics.electrodes import CoplanarElectrode
from photonics.modulators import IQModulator, MachZehnderModulator
from photonics.phase_shifters import DepletionPhaseShifter
from photonics.waveguides import RibWaveguide

from .modulations import COHERENT_MODULATIONS, levels_per_dimension
from .standards import get_standard
from .surrogate import DEVIATIONS, bandwidth_penalty_db, vary_mzm
from .sweep import Distribution

PARAMETERS = DEVIATIONS
UNITS = {"width_delta": "m", "na_scale": "1", "nd_scale": "1", "offset_delta": "m", "gap_delta": "m",
         "margin_db": "dB", "vpi_v": "V", "eo_bandwidth_hz": "Hz", "insertion_loss_db": "dB",
         "tx_power_dbm": "dBm", "bandwidth_penalty_db": "dB", "required_osnr_db": "dB (12.5 GHz)",
         "gsnr_db": "dB (12.5 GHz)"}


@dataclass(frozen=True)
class ProcessVariation:
    """One-sigma process spreads (SI): rib width (m), relative doping of P and N implants, junction offset (m),
    electrode gap (m). Defaults are typical of a 200/300 mm SOI line (e.g. width ±10 nm, implant dose ±5 %)."""

    width_std: float = 10e-9
    doping_rel_std: float = 0.05
    offset_std: float = 20e-9
    gap_std: float = 0.3e-6

    def __post_init__(self):
        check_real("width_std", self.width_std, low=0.0, high=100e-9)
        check_real("doping_rel_std", self.doping_rel_std, low=0.0, high=0.5)
        check_real("offset_std", self.offset_std, low=0.0, high=200e-9)
        check_real("gap_std", self.gap_std, low=0.0, high=5e-6)

    def distributions(self) -> dict[str, Distribution]:
        """The per-die random parameters, truncated at ±4σ (physical bounds on doping)."""
        def trunc(mean, std):
            if std == 0:
                return Distribution("normal", {"mean": mean, "std": 0.0})
            return Distribution("truncnormal", {"mean": mean, "std": std, "low": mean - 4 * std,
                                                "high": mean + 4 * std})
        return {"width_delta": trunc(0.0, self.width_std), "na_scale": trunc(1.0, self.doping_rel_std),
                "nd_scale": trunc(1.0, self.doping_rel_std), "offset_delta": trunc(0.0, self.offset_std),
                "gap_delta": trunc(0.0, self.gap_std)}

    def stds(self) -> dict[str, float]:
        return {"width_delta": self.width_std, "na_scale": self.doping_rel_std, "nd_scale": self.doping_rel_std,
                "offset_delta": self.offset_std, "gap_delta": self.gap_std}


@dataclass(frozen=True)
class TransmitterDesign:
    """A coherent transmitter chip: the MZM design (both IQ children), the laser and the driver (SI).

    laser_power_dbm: CW power into the modulator (an ITLA-class laser delivers 13-16 dBm);
    driver_peak_v: line drive of the outer constellation level on each MZM (V, push-pull).
    """

    mzm: MachZehnderModulator = field(default_factory=lambda: MachZehnderModulator(phase_bias=math.pi))
    laser_power_dbm: float = 15.0
    driver_peak_v: float = 2.5

    def __post_init__(self):
        if not isinstance(self.mzm, MachZehnderModulator):
            raise TypeError("mzm must be a MachZehnderModulator")
        check_real("laser_power_dbm", self.laser_power_dbm, low=-20.0, high=30.0)
        check_real("driver_peak_v", self.driver_peak_v, low=0.0, low_open=True, high=20.0)

    def die(self, width_delta=0.0, na_scale=1.0, nd_scale=1.0, offset_delta=0.0, gap_delta=0.0):
        """The MZM of one die with the given process deviations (null-biased)."""
        return dataclasses.replace(vary_mzm(self.mzm, width_delta=width_delta, na_scale=na_scale,
                                            nd_scale=nd_scale, offset_delta=offset_delta, gap_delta=gap_delta),
                                   phase_bias=math.pi)

    def to_dict(self) -> dict:
        """Plain numbers only (a sweep's fixed parameters must be JSON)."""
        m = self.mzm
        ps, wg, el = m.phase_shifter, m.phase_shifter.waveguide, m.electrode
        return {"length": m.length, "bias_voltage": m.bias_voltage, "na": ps.na, "nd": ps.nd,
                "junction_offset": ps.junction_offset, "width": wg.width, "height": wg.height,
                "slab_height": wg.slab_height, "signal_width": el.signal_width, "gap": el.gap,
                "termination_impedance": m.termination_impedance, "laser_power_dbm": self.laser_power_dbm,
                "driver_peak_v": self.driver_peak_v}

    @classmethod
    def from_dict(cls, d: dict) -> TransmitterDesign:
        wg = RibWaveguide(width=d["width"], height=d["height"], slab_height=d["slab_height"])
        ps = DepletionPhaseShifter(waveguide=wg, na=d["na"], nd=d["nd"], junction_offset=d["junction_offset"])
        el = CoplanarElectrode(signal_width=d["signal_width"], gap=d["gap"])
        mzm = MachZehnderModulator(phase_shifter=ps, length=d["length"], electrode=el, bias_voltage=d["bias_voltage"],
                                   termination_impedance=d["termination_impedance"], phase_bias=math.pi)
        return cls(mzm=mzm, laser_power_dbm=d["laser_power_dbm"], driver_peak_v=d["driver_peak_v"])


def iq_transmission(mzm: MachZehnderModulator, driver_peak_v: float, modulation: str) -> float:
    """Mean power transmission of an IQ modulator made of two ``mzm`` (null-biased) over the equiprobable
    constellation drives of ``modulation`` with outer level ``driver_peak_v`` (includes insertion loss)."""
    if modulation not in COHERENT_MODULATIONS:
        raise ValueError(f"modulation must be 'QPSK', '16QAM' or '64QAM'; got {modulation!r}")
    m = levels_per_dimension(modulation)
    lo, hi = mzm.drive_range
    if driver_peak_v > min(-lo, hi):
        raise ValueError(f"driver_peak_v = {driver_peak_v} V exceeds the MZM's drive range "
                         f"({min(-lo, hi):.2f} V at {mzm.bias_voltage} V bias)")
    levels = (2 * np.arange(m) - (m - 1)) / (m - 1) * driver_peak_v
    vi, vq = np.meshgrid(levels, levels)
    iq = IQModulator(mzm_i=mzm, mzm_q=mzm)
    return float(np.mean(np.abs(iq.static_field(vi.ravel(), vq.ravel())) ** 2))


def _mzm_figures(design: TransmitterDesign, mzm, baud_rate: float, modulation: str) -> dict:
    t = iq_transmission(mzm, design.driver_peak_v, modulation)
    return {"vpi_v": mzm.vpi, "eo_bandwidth_hz": mzm.eo_bandwidth(), "insertion_loss_db": mzm.insertion_loss_db,
            "tx_power_dbm": design.laser_power_dbm + 10 * math.log10(t),
            "bandwidth_penalty_db": bandwidth_penalty_db(mzm, baud_rate)}


def die_figures(design: TransmitterDesign, baud_rate: float, modulation: str = "16QAM", **deltas) -> dict:
    """Device figures of one die: Vπ, EO bandwidth, insertion loss, Tx power and bandwidth penalty — the nominal
    design's on its own (solver) devices plus the die-to-die change on the closed-form models
    (``links.surrogate.anchor_change``; a die is a new cross-section, ~0.5 s of solves on the solvers)."""
    from photonics.devices import with_model

    from .surrogate import anchor_change, is_nominal

    nom = _mzm_figures(design, design.die(), baud_rate, modulation)
    if is_nominal(deltas):
        return nom
    cf = dataclasses.replace(design, mzm=with_model(design.mzm, "closed_form"))
    return anchor_change(nom, _mzm_figures(cf, cf.die(), baud_rate, modulation),
                         _mzm_figures(cf, cf.die(**deltas), baud_rate, modulation))


def design_chip(design: TransmitterDesign, driver=None):
    """The ``links.chip.ChipTransceiver`` of a design: a DP-IQ modulator of four copies of its MZM (null-biased,
    input splitters trimmed as ``ChipTransceiver.from_manifest`` trims a chip's), its laser power, and
    ``driver`` — by default a ``photonics.drivers.Driver`` of the default figures whose line swing is
    2·``driver_peak_v`` (the design's peak line drive on each MZM, peak to peak)."""
    from photonics.drivers import Driver
    from photonics.modulators import DualPolIQModulator

    from .chip import TRIMMED_SPLITTER_DB, ChipTransceiver

    mzm = dataclasses.replace(design.mzm, phase_bias=math.pi, splitter_imbalance_db=TRIMMED_SPLITTER_DB)
    iq = IQModulator(mzm_i=mzm, mzm_q=mzm)
    return ChipTransceiver(modulator=DualPolIQModulator(iq_x=iq, iq_y=iq),
                           driver=driver if driver is not None else Driver(swing_v=2 * design.driver_peak_v),
                           laser_power_dbm=design.laser_power_dbm)


def chip_design(chip) -> TransmitterDesign:
    """The analytic estimate's view of a chip: its X-I MZM, its laser power and half its driver's line swing
    as the peak line drive (clipped to the MZM's drive range)."""
    mzm = chip.mzm
    laser_dbm = float(chip.laser_dbm)
    lo, hi = mzm.drive_range
    peak = min(chip.driver.line_swing_v / 2, 0.999 * min(-lo, hi))
    return TransmitterDesign(mzm=dataclasses.replace(mzm, phase_bias=math.pi), laser_power_dbm=laser_dbm,
                             driver_peak_v=peak)


def _budget(link: dict, required_osnr_db: float, tx_power_dbm: float):
    from .linkfile import evaluate, parse_link

    data = copy.deepcopy(link)
    trx = dict(data.get("transceiver") or {})
    trx.pop("ber_curve", None)
    trx.update({"required_osnr_db": required_osnr_db, "tx_power_dbm": tx_power_dbm})
    data["transceiver"] = trx
    data.setdefault("booster", {"nf_db": 5.5})
    return evaluate(parse_link(data, source="yield die"))


def _verdict(link: dict, std, required: float, tx: float, floor_fail: bool, prefix: str = "") -> dict:
    """A die's budget figures: margin (NaN when the BER floors), Tx-power margin, GSNR and pass (1/0)."""
    budget = _budget(link, required if math.isfinite(required) else std.required_osnr_db, tx)
    margin = math.nan if floor_fail else float(np.min(budget.margin_db))
    tx_margin = tx - std.tx_power_range_dbm[0] if std.tx_power_range_dbm else math.inf
    ok = (not floor_fail) and margin >= 0 and tx_margin >= 0
    return {f"{prefix}margin_db": margin, f"{prefix}tx_power_margin_db": tx_margin,
            f"{prefix}gsnr_db": float(budget.center.gsnr_ref_db), f"{prefix}pass": float(ok)}


def die_margin(*, link: dict, design: dict | None = None, reference_required_osnr_db: float | None = None,
               chip: dict | None = None, surrogate: dict | None = None, anchor: dict | None = None,
               extrapolation: str = "simulate",
               n_symbols: int = 2**14, simulation_seed: int = 0, width_delta: float = 0.0, na_scale: float = 1.0,
               nd_scale: float = 1.0, offset_delta: float = 0.0, gap_delta: float = 0.0) -> dict:
    """The sweep function: one die's figures and its link margin (worst channel, dB).

    ``link``: a link description mapping (``linkfile`` format, e.g. ``linkfile.preset("400ZR-DCI-120km")``).
    With ``surrogate`` (``Surrogate.to_dict()``) and ``chip`` (``ChipTransceiver.to_dict()``): the die's
    required OSNR, Tx power and BER floor from the surrogate, a die outside its training range simulated in
    full (``extrapolation="simulate"``; ``"flag"`` keeps the prediction, ``"refuse"`` fails the die), the
    analytic estimate beside them (``estimate_*``). Without: the analytic estimate of ``design``
    (``TransmitterDesign.to_dict()``) with ``reference_required_osnr_db`` (required OSNR, 12.5 GHz, of the
    transceiver with an ideal modulator; default: the standard's figure) plus the die's bandwidth penalty.
    With ``anchor`` (the nominal chip's simulated ``required_osnr_db``, ``tx_power_dbm`` and ``floor_ber``)
    and ``chip``: the nominal design's full simulation plus the analytic change from the nominal die to this
    one (required OSNR and Tx power); a nominal design whose simulation floors fails on every die.
    """
    std = get_standard(link["standard"])
    deltas = dict(width_delta=width_delta, na_scale=na_scale, nd_scale=nd_scale, offset_delta=offset_delta,
                  gap_delta=gap_delta)
    if anchor is not None and surrogate is None:
        return _anchored_die(link, std, chip, anchor, deltas)
    if surrogate is None:
        if design is None:
            raise ValueError("die_margin needs a design (analytic estimate) or a chip and a surrogate")
        fig = die_figures(TransmitterDesign.from_dict(design), std.baud_rate, std.modulation, **deltas)
        ref = std.required_osnr_db if reference_required_osnr_db is None else reference_required_osnr_db
        required = ref + fig["bandwidth_penalty_db"]
        return {**fig, "required_osnr_db": required, "floor_fail": 0.0,
                **_verdict(link, std, required, fig["tx_power_dbm"], False)}
    from .chip import ChipTransceiver
    from .surrogate import Surrogate, anchored_die, die_chip, predict_die

    if chip is None:
        raise ValueError("die_margin with a surrogate needs the chip (ChipTransceiver.to_dict())")
    if extrapolation not in ("simulate", "flag", "refuse"):
        raise ValueError(f"extrapolation must be 'simulate', 'flag' or 'refuse'; got {extrapolation!r}")
    sur = Surrogate.from_dict(surrogate)
    nominal = ChipTransceiver.from_dict(chip)
    die = die_chip(nominal, **deltas)  # its solver devices, for a full simulation
    feats, est = anchored_die(nominal, std, **deltas)
    thr = std.pre_fec_ber_threshold
    p = predict_die(sur, feats, thr, extrapolation="refuse" if extrapolation == "refuse" else "flag")
    simulated = 0.0
    if p["extrapolated"] and extrapolation == "simulate":
        from .surrogate import simulate_die

        try:
            perf = simulate_die(die, std.name, n_symbols=n_symbols, seed=simulation_seed)
            fails = not math.isfinite(perf.required_osnr_db) or perf.floor_ber >= thr
            p = {"required_osnr_db": perf.required_osnr_db, "tx_power_dbm": perf.tx_power_dbm,
                 "floor_ber": perf.floor_ber, "floor_fail": float(fails), "extrapolated": 1.0}
        except RuntimeError:  # the blind DSP cannot demodulate this die: it fails
            p = {"required_osnr_db": math.nan, "tx_power_dbm": p["tx_power_dbm"], "floor_ber": 0.5,
                 "floor_fail": 1.0, "extrapolated": 1.0}
        simulated = 1.0
    out = {**feats, **p, "simulated": simulated, "bandwidth_penalty_db": feats["eo_penalty_db"],
           "estimate_required_osnr_db": est["required_osnr_db"], "estimate_tx_power_dbm": est["tx_power_dbm"]}
    tx = p["tx_power_dbm"] if math.isfinite(p["tx_power_dbm"]) else est["tx_power_dbm"]  # budget only: it fails
    out.update(_verdict(link, std, p["required_osnr_db"], tx, p["floor_fail"] > 0.5 or not
                        math.isfinite(p["tx_power_dbm"])))
    out.update(_verdict(link, std, est["required_osnr_db"], est["tx_power_dbm"], False, prefix="estimate_"))
    return out


def _anchored_die(link: dict, std, chip: dict | None, anchor: dict, deltas: dict) -> dict:
    """A die of the "anchored" yield: the nominal chip's full simulation (``anchor``) plus the estimate's change
    from the nominal die to this one (``links.surrogate.anchored_estimate``: on the closed-form cross-section
    models, since 200 dies are 200 cross-sections)."""
    from .chip import ChipTransceiver
    from .surrogate import anchored_die, anchored_estimate

    if chip is None:
        raise ValueError("die_margin with an anchor needs the chip (ChipTransceiver.to_dict())")
    nominal = ChipTransceiver.from_dict(chip)
    est_nom = anchored_estimate(nominal, std)
    feats, est = anchored_die(nominal, std, **deltas)
    floor = float(anchor["floor_ber"]) >= std.pre_fec_ber_threshold or not math.isfinite(anchor["required_osnr_db"])
    required = math.nan if floor else anchor["required_osnr_db"] + est["required_osnr_db"] - est_nom["required_osnr_db"]
    tx = anchor["tx_power_dbm"] + est["tx_power_dbm"] - est_nom["tx_power_dbm"]
    out = {**feats, "required_osnr_db": required, "tx_power_dbm": tx, "floor_ber": float(anchor["floor_ber"]),
           "floor_fail": float(floor), "bandwidth_penalty_db": feats["eo_penalty_db"],
           "estimate_required_osnr_db": est["required_osnr_db"], "estimate_tx_power_dbm": est["tx_power_dbm"]}
    out.update(_verdict(link, std, required, tx, floor))
    out.update(_verdict(link, std, est["required_osnr_db"], est["tx_power_dbm"], False, prefix="estimate_"))
    return out


@displayed("link=link_name", "yield=yield_fraction", ("dies", lambda r: len(r.margins_db)), "method")
@dataclass(frozen=True)
class YieldResult:
    """Margins of ``n`` dies and what follows from them. ``method``: ``"surrogate"`` (the simulation's
    physics) or ``"estimate"`` (analytic); ``surrogate``: the fitted surrogate's ``to_dict()`` (its training
    set, ranges and held-out error) when used."""

    link_name: str
    margins_db: np.ndarray
    parameters: dict  # name → (n,) deviations
    figures: dict  # name → (n,) device figures
    stds: dict  # name → one sigma, for the sensitivities
    passed: np.ndarray | None = None  # per die: all criteria met (NaN: the die's evaluation failed)
    method: str = "estimate"
    surrogate: dict | None = None

    def _passed(self) -> np.ndarray:
        if self.passed is not None:
            return self.passed
        return np.where(np.isfinite(self.margins_db), self.margins_db >= 0, np.nan)

    @property
    def yield_fraction(self) -> float:
        """Fraction of the evaluated dies that pass (no BER floor above the threshold, OSNR margin ≥ 0 and the
        Tx power specification)."""
        p = self._passed()
        ok = np.isfinite(p)
        return float(np.mean(p[ok] > 0.5)) if ok.any() else float("nan")

    def yield_interval(self, z: float = 1.96) -> tuple[float, float]:
        """Wilson score interval of the yield (95 % by default)."""
        n = int(np.isfinite(self._passed()).sum())
        if n == 0:
            return (float("nan"), float("nan"))
        p = self.yield_fraction
        den = 1 + z * z / n
        c = (p + z * z / (2 * n)) / den
        h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
        return (max(0.0, c - h), min(1.0, c + h))

    def sensitivities(self, output: str = "margin_db") -> dict:
        """Change of ``output`` (``"margin_db"`` or a figure such as ``"tx_power_dbm"``) per one-sigma change of
        each parameter, from a multiple linear regression over the dies."""
        y = self.margins_db if output == "margin_db" else self.figures.get(output)
        if y is None:
            raise ValueError(f"output must be 'margin_db' or one of {sorted(self.figures)}; got {output!r}")
        ok = np.isfinite(y)
        names = [k for k in self.parameters if self.stds.get(k, 0) > 0]
        if ok.sum() <= len(names) + 1:
            return {k: float("nan") for k in names}
        x = np.column_stack([(self.parameters[k][ok] - np.mean(self.parameters[k][ok])) / self.stds[k]
                             for k in names] + [np.ones(ok.sum())])
        coef, *_ = np.linalg.lstsq(x, y[ok], rcond=None)
        return {k: float(c) for k, c in zip(names, coef[:-1], strict=True)}

    def to_dict(self) -> dict:
        lo, hi = self.yield_interval()
        tx = self.figures.get("tx_power_dbm")
        m = self.margins_db[np.isfinite(self.margins_db)]

        def stat(fn, default=float("nan")):
            return float(fn(m)) if m.size else default

        def count(name):
            v = self.figures.get(name)
            return int(np.nansum(v > 0.5)) if v is not None else 0

        out = {"link": self.link_name, "method": self.method, "n_dies": int(self.margins_db.size),
               "yield": self.yield_fraction,
               "tx_power_mean_dbm": float(np.nanmean(tx)) if tx is not None and np.isfinite(tx).any() else
               float("nan"),
               "yield_95ci": [lo, hi], "margin_mean_db": stat(np.mean), "margin_std_db": stat(np.std),
               "margin_p05_db": stat(lambda v: np.percentile(v, 5)),
               "n_floor_fail": count("floor_fail"), "n_extrapolated": count("extrapolated"),
               "n_simulated": count("simulated"),
               "margin_sensitivity_db_per_sigma": self.sensitivities(),
               "tx_power_sensitivity_db_per_sigma": self.sensitivities("tx_power_dbm") if tx is not None else {}}
        est = self.figures.get("estimate_pass")
        if est is not None:
            ok = np.isfinite(est)
            out["estimate"] = {"source": "estimate (analytic bandwidth penalty; not the simulation)",
                               "yield": float(np.mean(est[ok] > 0.5)) if ok.any() else float("nan")}
        if self.surrogate is not None:
            s = self.surrogate
            out["surrogate"] = {"n_train": s["n_train"], "features": s["features"],
                                "feature_ranges": {k: [lo_, hi_] for k, lo_, hi_ in
                                                   zip(s["features"], s["low"], s["high"], strict=True)},
                                "validation": s.get("validation", {}), "info": s.get("info", {})}
        return out


def run_yield(design: TransmitterDesign | None = None, link: dict | None = None, *, chip=None, driver=None,
              method: str = "surrogate", n_dies: int = 200, variation: ProcessVariation | None = None,
              seed: int = 0, store=None, scheduler: str = "sync", workers: int | None = None,
              reference_required_osnr_db: float | None = None, run_name: str | None = None,
              progress: bool = False, n_train: int = 24, n_test: int = 8, n_symbols: int = 2**14,
              spread: float = 1.5, extrapolation: str = "simulate", surrogate=None,
              surrogate_seed: int = 0, anchor=None) -> YieldResult:
    """Monte Carlo yield of a design on ``link`` (a ``linkfile`` mapping), through the sweep engine and the
    HDF5 store (a temporary one unless ``store`` is given: then the dies — and the surrogate's simulated
    training and held-out dies — are kept, and a re-run resumes or reads them back).

    The design: ``design`` (a ``TransmitterDesign``) or ``chip`` (a ``links.chip.ChipTransceiver``: its
    modulator, laser and driver); ``driver`` (a ``photonics.drivers.Driver``) replaces the chip's or the
    design's driver. ``method``: ``"surrogate"`` (see the module docstring: ``n_train`` training dies drawn
    with the process spreads × ``spread``, ``n_test`` held-out dies, records of ``n_symbols``, ``extrapolation``
    for dies outside the training range; ``surrogate`` passes an already fitted one), ``"anchored"`` (the
    nominal chip's full simulation — ``anchor``, a ``links.verdict.ChipPerformance`` or a mapping of its
    ``required_osnr_db``, ``tx_power_dbm`` and ``floor_ber``; simulated with ``simulate_chip`` when None —
    plus the analytic change from the nominal die to each die: cheap, exact at the nominal point, an
    approximation elsewhere) or ``"estimate"`` (the analytic estimate alone, with
    ``reference_required_osnr_db``). ``seed`` draws the dies; ``surrogate_seed`` the
    surrogate's training and held-out dies and the common random numbers of every simulation (so the
    surrogate of a design, standard and driver is fitted once, whatever the yield's seed)."""
    import tempfile

    from .sweep import SweepSpec, run_sweep

    if link is None or not isinstance(link, dict):
        raise TypeError("link must be a link description mapping (linkfile format)")
    if design is not None and not isinstance(design, TransmitterDesign):
        raise TypeError("design must be a TransmitterDesign")
    if design is None and chip is None:
        raise ValueError("run_yield needs a design (TransmitterDesign) or a chip (ChipTransceiver)")
    if not isinstance(n_dies, int) or isinstance(n_dies, bool) or n_dies < 2:
        raise ValueError(f"n_dies must be an integer >= 2; got {n_dies!r}")
    if method not in ("surrogate", "anchored", "estimate"):
        raise ValueError(f"method must be 'surrogate', 'anchored' or 'estimate'; got {method!r}")
    variation = variation or ProcessVariation()
    std = get_standard(link.get("standard", ""))  # a clear error before any work
    if chip is not None and driver is not None:
        chip = dataclasses.replace(chip, driver=driver)
    if method == "estimate":
        d = design if chip is None else chip_design(chip)
        if chip is None and driver is not None:
            d = dataclasses.replace(d, driver_peak_v=driver.line_swing_v / 2)
        fixed = {"design": d.to_dict(), "link": link}
        if reference_required_osnr_db is not None:
            fixed["reference_required_osnr_db"] = float(reference_required_osnr_db)
    else:
        chip = chip if chip is not None else design_chip(design, driver)
        if reference_required_osnr_db is not None:
            logging.getLogger(__name__).warning(
                "reference_required_osnr_db is used by method='estimate' only; the surrogate's required OSNR "
                "comes from the full simulation")
    with tempfile.TemporaryDirectory() as tmp:
        where = store if store is not None else f"{tmp}/yield.h5"
        sur = None
        if method == "anchored":
            if anchor is None:
                from .verdict import simulate_chip

                anchor = simulate_chip(chip, std, store=where, n_symbols=n_symbols, rng=surrogate_seed,
                                       sensitivity=False)
            if not isinstance(anchor, dict):
                anchor = {"required_osnr_db": anchor.required_osnr_db, "tx_power_dbm": anchor.tx_power_dbm,
                          "floor_ber": anchor.floor_ber}
            anchor = {k: float(anchor[k]) for k in ("required_osnr_db", "tx_power_dbm", "floor_ber")}
            fixed = {"link": link, "chip": chip.to_dict(), "anchor": anchor}
        if method == "surrogate":
            from .surrogate import Surrogate, fit_die_surrogate

            sur = surrogate if isinstance(surrogate, Surrogate) else (
                Surrogate.from_dict(surrogate) if isinstance(surrogate, dict) else fit_die_surrogate(
                    chip, std, variation.distributions(), store=where, n_train=n_train, n_test=n_test,
                    spread=spread, n_symbols=n_symbols, seed=surrogate_seed, scheduler=scheduler, workers=workers,
                    progress=progress))
            fixed = {"link": link, "chip": chip.to_dict(), "surrogate": sur.to_dict(),
                     "extrapolation": extrapolation, "n_symbols": int(n_symbols),
                     "simulation_seed": int(surrogate_seed)}
        spec = SweepSpec(function="links.yields:die_margin", random=variation.distributions(), n_samples=n_dies,
                         seed=seed, fixed=fixed, units=UNITS, name=run_name or "yield")
        if run_name is None:  # one run per distinct definition: a changed design never collides with a stored one
            spec = dataclasses.replace(
                spec, name=f"yield-{link.get('standard', 'link').replace(' ', '_')}-{spec.fingerprint[:8]}")
        data = run_sweep(spec, where, scheduler=scheduler, workers=workers, progress=progress).sorted()
    nan = np.full(data.n_done, np.nan)
    margins = np.where(data.ok, data.results.get("margin_db", nan), np.nan)
    passed = np.where(data.ok, data.results.get("pass", nan), np.nan)
    figures = {k: np.where(data.ok, v, np.nan) for k, v in data.results.items() if k not in ("margin_db", "pass")}
    return YieldResult(link.get("name", link.get("standard", "")), margins,
                       {k: data.params[k] for k in PARAMETERS}, figures, variation.stds(), passed,
                       method=method, surrogate=None if sur is None else sur.to_dict())
