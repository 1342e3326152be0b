"""Process yield of a transmitter design against a link: process variation → device figures → link margin.

Each die is the design's Mach-Zehnder modulator with its process parameters drawn from ``ProcessVariation``
(rib width, P and N doping, junction offset, electrode gap). Its figures come from the photonics models
(Vπ, EO response, insertion loss); the transmitter built from two such MZMs as an IQ modulator gives

- Tx power = laser power + 10·log10⟨|E_out/E_in|²⟩ over the format's constellation drives, from the IQ
  modulator's static transfer (insertion loss, Vπ, and the sinusoidal transfer all included), for a driver
  whose outer constellation level is ``driver_peak_v`` on each MZM's line;
- a modulator-bandwidth OSNR penalty ⟨|H|²⟩·⟨|H|⁻²⟩ over the Nyquist band |f| ≤ R_s/2 of the die's own EO
  response H(f): launch-power normalisation costs ⟨|H|²⟩, a zero-forcing equaliser enhances the ASE by
  ⟨|H|⁻²⟩ (the closed form for a single pole is ``links.chip.modulator_bandwidth_penalty_db``; approximate:
  ZF, no Tx pre-emphasis).

The die's margin is then the link budget (``linkfile`` preset or description, GN model) with this
transceiver: required OSNR = the reference required OSNR of the transceiver with an ideal (unlimited
bandwidth) modulator + the die's bandwidth penalty, and the Tx power through the link's booster. The
reference defaults to the standard's required OSNR, read as excluding the modulator's bandwidth penalty (an
assumption: pass a simulated figure, e.g. from ``links.simulate``, to replace it). The yield is the
fraction of dies that pass: OSNR margin ≥ 0 and, when the standard fixes a Tx power range (400ZR: −10 to
−6 dBm), a Tx power at or above its minimum. Sensitivities are the least-squares slopes of the margin
on each parameter, in dB per standard deviation.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from dataclasses import dataclass, field

import numpy as np

from optolink.core.validate import check_real
from photonics.electrodes import CoplanarElectrode
from photonics.modulators import IQModulator, MachZehnderModulator
from photonics.phase_shifters import DepletionPhaseShifter
from photonics.waveguides import RibWaveguide

from .modulations import COHERENT_MODULATIONS, levels_per_dimension
from .standards import get_standard
from .sweep import Distribution

PARAMETERS = ("width_delta", "na_scale", "nd_scale", "offset_delta", "gap_delta")
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
        """The MZM of one die with the given process deviations."""
        m = self.mzm
        ps = m.phase_shifter
        wg = dataclasses.replace(ps.waveguide, width=ps.waveguide.width + width_delta)
        ps = dataclasses.replace(ps, waveguide=wg, na=ps.na * na_scale, nd=ps.nd * nd_scale,
                                 junction_offset=ps.junction_offset + offset_delta)
        el = dataclasses.replace(m.electrode, gap=m.electrode.gap + gap_delta)
        return dataclasses.replace(m, phase_shifter=ps, electrode=el, phase_bias=math.pi)

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


def bandwidth_penalty_db(mzm: MachZehnderModulator, baud_rate: float, n: int = 257) -> float:
    """OSNR penalty (dB) of the MZM's EO response for a Nyquist signal at ``baud_rate``: ⟨|H|²⟩·⟨|H|⁻²⟩ over
    |f| ≤ R_s/2 (zero-forcing receiver equaliser, ASE added after the modulator; see module docstring)."""
    check_real("baud_rate", baud_rate, low=0.0, low_open=True)
    f = np.linspace(0.0, baud_rate / 2, n)
    h2 = np.abs(mzm.eo_response(f)) ** 2
    return float(10 * np.log10(np.trapezoid(h2, f) / f[-1] * np.trapezoid(1 / h2, f) / f[-1]))


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


def die_figures(design: TransmitterDesign, baud_rate: float, modulation: str = "16QAM", **deltas) -> dict:
    """Device figures of one die: Vπ, EO bandwidth, insertion loss, Tx power and bandwidth penalty."""
    mzm = design.die(**deltas)
    t = iq_transmission(mzm, design.driver_peak_v, modulation)
    return {"vpi_v": mzm.vpi, "eo_bandwidth_hz": mzm.eo_bandwidth(), "insertion_loss_db": mzm.insertion_loss_db,
            "tx_power_dbm": design.laser_power_dbm + 10 * math.log10(t),
            "bandwidth_penalty_db": bandwidth_penalty_db(mzm, baud_rate)}


def die_margin(*, design: dict, link: dict, reference_required_osnr_db: float | None = None,
               width_delta: float = 0.0, na_scale: float = 1.0, nd_scale: float = 1.0, offset_delta: float = 0.0,
               gap_delta: float = 0.0) -> dict:
    """The sweep function: one die's figures and its link margin (worst channel, dB).

    ``design``: ``TransmitterDesign.to_dict()``; ``link``: a link description mapping (``linkfile`` format,
    e.g. ``linkfile.preset("400ZR-DCI-120km")``); ``reference_required_osnr_db``: required OSNR (12.5 GHz) of
    the transceiver with an ideal modulator, e.g. from our own BER-vs-OSNR simulation; default: the
    standard's figure.
    """
    from .linkfile import evaluate, parse_link

    d = TransmitterDesign.from_dict(design)
    std = get_standard(link["standard"])
    deltas = dict(width_delta=width_delta, na_scale=na_scale, nd_scale=nd_scale, offset_delta=offset_delta,
                  gap_delta=gap_delta)
    fig = die_figures(d, std.baud_rate, std.modulation, **deltas)
    ref = std.required_osnr_db if reference_required_osnr_db is None else reference_required_osnr_db
    required = ref + fig["bandwidth_penalty_db"]
    data = copy.deepcopy(link)
    trx = dict(data.get("transceiver") or {})
    trx.update({"required_osnr_db": required, "tx_power_dbm": fig["tx_power_dbm"]})
    data["transceiver"] = trx
    data.setdefault("booster", {"nf_db": 5.5})
    budget = evaluate(parse_link(data, source="yield die"))
    margin = float(np.min(budget.margin_db))
    tx_margin = fig["tx_power_dbm"] - std.tx_power_range_dbm[0] if std.tx_power_range_dbm else math.inf
    return {**fig, "required_osnr_db": required, "margin_db": margin, "tx_power_margin_db": tx_margin,
            "gsnr_db": float(budget.center.gsnr_ref_db), "pass": float(margin >= 0 and tx_margin >= 0)}


@dataclass(frozen=True)
class YieldResult:
    """Margins of ``n`` dies and what follows from them."""

    link_name: str
    margins_db: np.ndarray
    parameters: dict  # name → (n,) deviations
    figures: dict  # name → (n,) device figures
    stds: dict  # name → one sigma, for the sensitivities
    passed: np.ndarray | None = None  # per die: all criteria met (NaN: the die's evaluation failed)

    @property
    def yield_fraction(self) -> float:
        """Fraction of the evaluated dies that pass (OSNR margin ≥ 0 and the Tx power specification)."""
        p = self.passed if self.passed is not None else np.where(np.isfinite(self.margins_db),
                                                                 self.margins_db >= 0, np.nan)
        ok = np.isfinite(p)
        return float(np.mean(p[ok] > 0.5)) if ok.any() else float("nan")

    def yield_interval(self, z: float = 1.96) -> tuple[float, float]:
        """Wilson score interval of the yield (95 % by default)."""
        n = int(np.isfinite(self.margins_db).sum())
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
        return {"link": self.link_name, "n_dies": int(self.margins_db.size), "yield": self.yield_fraction,
                "tx_power_mean_dbm": float(np.nanmean(tx)) if tx is not None else float("nan"),
                "yield_95ci": [lo, hi], "margin_mean_db": float(np.nanmean(self.margins_db)),
                "margin_std_db": float(np.nanstd(self.margins_db)),
                "margin_p05_db": float(np.nanpercentile(self.margins_db, 5)),
                "margin_sensitivity_db_per_sigma": self.sensitivities(),
                "tx_power_sensitivity_db_per_sigma": self.sensitivities("tx_power_dbm") if tx is not None else {}}


def run_yield(design: TransmitterDesign, link: dict, *, n_dies: int = 200, variation: ProcessVariation | None = None,
              seed: int = 0, store=None, scheduler: str = "sync", workers: int | None = None,
              reference_required_osnr_db: float | None = None, run_name: str | None = None,
              progress: bool = False) -> YieldResult:
    """Monte Carlo yield of ``design`` on ``link`` (a ``linkfile`` mapping), through the sweep engine and the
    HDF5 store (a temporary one unless ``store`` is given: then the dies are kept and a re-run resumes)."""
    import tempfile

    from .sweep import SweepSpec, run_sweep

    if not isinstance(design, TransmitterDesign):
        raise TypeError("design must be a TransmitterDesign")
    if not isinstance(n_dies, int) or n_dies < 2:
        raise ValueError(f"n_dies must be an integer >= 2; got {n_dies!r}")
    variation = variation or ProcessVariation()
    get_standard(link.get("standard", ""))  # a clear error before any work
    fixed = {"design": design.to_dict(), "link": link}
    if reference_required_osnr_db is not None:
        fixed["reference_required_osnr_db"] = float(reference_required_osnr_db)
    spec = SweepSpec(function="links.yields:die_margin", random=variation.distributions(), n_samples=n_dies,
                     seed=seed, fixed=fixed, units=UNITS, name=run_name or "yield")
    if run_name is None:  # one run per distinct definition: a changed design never collides with a stored one
        spec = dataclasses.replace(
            spec, name=f"yield-{link.get('standard', 'link').replace(' ', '_')}-{spec.fingerprint[:8]}")
    if store is None:
        with tempfile.TemporaryDirectory() as tmp:
            data = run_sweep(spec, f"{tmp}/yield.h5", scheduler=scheduler, workers=workers, progress=progress)
    else:
        data = run_sweep(spec, store, scheduler=scheduler, workers=workers, progress=progress)
    data = data.sorted()
    nan = np.full(data.n_done, np.nan)
    margins = np.where(data.ok, data.results.get("margin_db", nan), np.nan)
    passed = np.where(data.ok, data.results.get("pass", nan), np.nan)
    figures = {k: v for k, v in data.results.items() if k not in ("margin_db", "pass")}
    return YieldResult(link.get("name", link.get("standard", "")), margins,
                       {k: data.params[k] for k in PARAMETERS}, figures, variation.stds(), passed)
