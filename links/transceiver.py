"""What a link budget needs from a coherent transceiver, and its required OSNR (standard, BER curve or devices).

OSNR in dB referred to 12.5 GHz. The ideal receiver's required OSNR comes from the exact Gray-coded BER in
AWGN (`links.metrics.theoretical_ber`); a transceiver's own figure is the standard's, or the OSNR at which its
BER-vs-OSNR curve crosses the pre-FEC threshold (`links.ber_curve.required_osnr_from_curve`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from optolink.core.display import displayed
from optolink.core.validate import check_bool, check_optional_real, check_real

from .ber_curve import BerCurve, required_osnr_from_curve
from .metrics import osnr_from_snr, required_snr_db, snr_from_osnr, theoretical_ber
from .modulations import COHERENT_MODULATIONS
from .standards import Standard, get_standard

__all__ = ["SOURCES", "Transceiver", "theoretical_required_osnr_db"]

SOURCES = ("standard", "simulated", "estimate")  # where a transceiver's required OSNR comes from

# CD tolerances are not fields of links.standards.Standard (nor DGD tolerances: left None, not checked);
# secondary sources, flagged (M).
_TOLERANCES = {
    "400ZR": {"cd_tolerance_ps_nm": 2400.0,
              "source": "(M) ±2400 ps/nm CD tolerance of OIF-400ZR-01.0 as quoted by vendor sheets and articles"},
    "OpenZR+ 400G": {"cd_tolerance_ps_nm": 20000.0,
                     "source": "(M) 20 000 ps/nm CD tolerance for 400G DP-16QAM, OpenZR+ module data sheets"},
}


def theoretical_required_osnr_db(modulation: str, baud_rate: float, threshold: float) -> float:
    """OSNR (dB, 12.5 GHz) at which an ideal receiver in AWGN reaches ``threshold`` (Gray-coded BER)."""
    return float(osnr_from_snr(required_snr_db(modulation, threshold), baud_rate))


@displayed("name", "modulation", "baud=baud_rate:Bd", "req_OSNR=required_osnr_db:dB", "Ptx=tx_power_dbm:dBm", "source")
@dataclass(frozen=True)
class Transceiver:
    """What the budget needs from a transceiver (SI; OSNR in 12.5 GHz).

    ``required_osnr_db``: back-to-back OSNR at the pre-FEC threshold, including the transceiver's own
    implementation penalty (NaN only with a ``fail_reasons`` entry: a BER floor above the threshold).
    ``snr_db``: any transceiver noise NOT already inside ``required_osnr_db``, as an SNR in the signal
    bandwidth (default ∞: a standard's figure already includes the transceiver). Tolerances left ``None`` are
    reported but not checked. ``source``: where the required OSNR comes from — ``"standard"``, ``"simulated"``
    (a BER curve: the chip's simulation, `from_chip`, or a given one) or ``"estimate"`` (the analytic chip
    estimate). ``tx_power_range_dbm``: the range the Tx power is checked against (set when the Tx power is the
    transceiver's own, not the standard's guaranteed minimum); ``tx_power_sets_launch``: without a booster the
    Tx power is the launch power of the channel (a chip transceiver); ``sensitivity_dbm``: received power at the
    threshold with OSNR unlimited; ``estimate_required_osnr_db``: the analytic figure shown beside a simulated
    one; ``fail_reasons``: why the transceiver fails on its own (carried into the budget's checks);
    ``provenance``: the manifest and GDS the devices come from.
    """

    name: str
    modulation: str
    baud_rate: float
    pre_fec_ber_threshold: float
    required_osnr_db: float
    snr_db: float = math.inf
    tx_power_dbm: float | None = None
    rx_power_range_dbm: tuple[float, float] | None = None
    cd_tolerance_ps_nm: float | None = None
    dgd_tolerance_ps: float | None = None
    dsp_latency_s: float = 0.0
    required_osnr_source: str = ""
    tolerance_source: str = ""
    ber_curve: BerCurve | None = None
    source: str = "standard"
    tx_power_range_dbm: tuple[float, float] | None = None
    tx_power_sets_launch: bool = False
    sensitivity_dbm: float | None = None
    estimate_required_osnr_db: float | None = None
    fail_reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    provenance: dict | None = field(default=None, compare=False)

    def __post_init__(self):
        if self.modulation not in COHERENT_MODULATIONS:
            raise ValueError(f"modulation must be one of {sorted(COHERENT_MODULATIONS)}; "
                             f"got {self.modulation!r}")
        check_real("baud_rate", self.baud_rate, low=1e9, high=1e12)
        check_real("pre_fec_ber_threshold", self.pre_fec_ber_threshold, low=0.0, high=0.5, low_open=True,
                   high_open=True)
        object.__setattr__(self, "fail_reasons", tuple(str(r) for r in self.fail_reasons))
        object.__setattr__(self, "warnings", tuple(str(r) for r in self.warnings))
        if not (self.fail_reasons and isinstance(self.required_osnr_db, float) and math.isnan(self.required_osnr_db)):
            check_real("required_osnr_db", self.required_osnr_db, low=-10.0, high=50.0)
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {list(SOURCES)}; got {self.source!r}")
        if self.tx_power_range_dbm is not None:
            lo, hi = (check_real("tx_power_range_dbm", v, low=-60.0, high=30.0) for v in self.tx_power_range_dbm)
            if lo > hi:
                raise ValueError(f"tx_power_range_dbm must be (low, high) with low <= high; got {(lo, hi)}")
            object.__setattr__(self, "tx_power_range_dbm", (lo, hi))
        check_bool("tx_power_sets_launch", self.tx_power_sets_launch)
        check_optional_real("sensitivity_dbm", self.sensitivity_dbm, low=-80.0, high=30.0)
        check_optional_real("estimate_required_osnr_db", self.estimate_required_osnr_db, low=-10.0, high=80.0)
        if not (isinstance(self.snr_db, int | float) and self.snr_db == math.inf):
            check_real("snr_db", self.snr_db, low=-10.0, high=80.0)
        check_optional_real("tx_power_dbm", self.tx_power_dbm, low=-50.0, high=30.0)
        if self.rx_power_range_dbm is not None:
            lo, hi = (check_real("rx_power_range_dbm", v, low=-60.0, high=30.0) for v in self.rx_power_range_dbm)
            if lo >= hi:
                raise ValueError(f"rx_power_range_dbm must be (low, high) with low < high; got {(lo, hi)}")
            object.__setattr__(self, "rx_power_range_dbm", (lo, hi))
        check_optional_real("cd_tolerance_ps_nm", self.cd_tolerance_ps_nm, low=0.0, low_open=True)
        check_optional_real("dgd_tolerance_ps", self.dgd_tolerance_ps, low=0.0, low_open=True)
        check_real("dsp_latency_s", self.dsp_latency_s, low=0.0, high=1e-2)
        if self.ber_curve is not None:
            object.__setattr__(self, "ber_curve", BerCurve.from_any(self.ber_curve))

    # --- constructors ---------------------------------------------------------------------------------
    @classmethod
    def from_standard(cls, standard: Standard | str, **overrides) -> Transceiver:
        """The transceiver of a standard: its baud, format, threshold, required OSNR, Tx power, DSP latency."""
        std = get_standard(standard) if isinstance(standard, str) else standard
        tol = _TOLERANCES.get(std.name, {})
        fields = dict(
            name=std.name, modulation=std.modulation, baud_rate=std.baud_rate,
            pre_fec_ber_threshold=std.pre_fec_ber_threshold, required_osnr_db=std.required_osnr_db,
            tx_power_dbm=None, dsp_latency_s=std.dsp_latency_s,
            cd_tolerance_ps_nm=tol.get("cd_tolerance_ps_nm"),
            required_osnr_source=std.sources.get("required_osnr_db", std.source),
            tolerance_source=tol.get("source", ""),
        )
        if std.tx_power_range_dbm is not None:
            fields["tx_power_dbm"] = float(std.tx_power_range_dbm[0])  # the guaranteed minimum
            if overrides.get("tx_power_dbm") is not None:  # a transceiver's own Tx power is checked against it
                fields["tx_power_range_dbm"] = tuple(std.tx_power_range_dbm)
        fields.update(overrides)
        return cls(**fields)

    @classmethod
    def from_ber_curve(cls, standard: Standard | str, curve, **overrides) -> Transceiver:
        """A transceiver of ``standard`` whose required OSNR comes from its own BER-vs-OSNR curve.

        The required OSNR is the curve's OSNR at the standard's pre-FEC threshold (log-BER interpolation), so
        the margin reflects this transceiver (e.g. one simulated from our modulator and laser).
        """
        std = get_standard(standard) if isinstance(standard, str) else standard
        c = BerCurve.from_any(curve)
        thr = overrides.get("pre_fec_ber_threshold", std.pre_fec_ber_threshold)
        req = required_osnr_from_curve(c, thr)
        if math.isnan(req):
            raise ValueError(f"the BER curve ({c.describe()}) does not cross the threshold {thr:g}; extend its "
                             "OSNR range")
        label = c.label or "BER-vs-OSNR curve"
        return cls.from_standard(std, **{"required_osnr_db": req, "ber_curve": c, "source": "simulated",
                                         "required_osnr_source": f"{label}, interpolated at BER {thr:g}",
                                         **{k: v for k, v in overrides.items() if k != "required_osnr_db"}})

    @classmethod
    def from_devices(cls, standard: Standard | str, osnr_db, **simulate_kwargs) -> Transceiver:
        """Simulate the transceiver's BER vs OSNR with ``links.simulate.ber_vs_osnr`` and use its curve.

        ``simulate_kwargs`` (devices, seed, record length, ...) go to ``ber_vs_osnr(standard, osnr_db, ...)``.
        """
        from . import simulate  # lazy: the coherent simulation (with photonics devices) is a heavier module

        std = get_standard(standard) if isinstance(standard, str) else standard
        curve = simulate.ber_vs_osnr(std, np.asarray(osnr_db, dtype=float), **simulate_kwargs)
        return cls.from_ber_curve(std, BerCurve.from_any(curve, label="links.simulate.ber_vs_osnr"))

    @classmethod
    def from_chip(cls, standard: Standard | str, performance, **overrides) -> Transceiver:
        """The transceiver of a chip from its simulated performance (`links.verdict.simulate_chip`): required
        OSNR from the simulation (source "simulated"; NaN with the fail reason when the BER floors above the
        threshold), the simulated Tx power (checked against the standard's range, and the channel's launch
        power without a booster), the receiver sensitivity, the analytic estimate beside them, the warnings,
        fail reasons and provenance."""
        std = get_standard(standard) if isinstance(standard, str) else standard
        perf = performance
        if perf.standard != std.name:
            raise ValueError(f"the performance is for {perf.standard!r}, not {std.name!r}")
        est = perf.estimate.required_osnr_db
        sens = perf.sensitivity_dbm
        tx_reasons = ("Tx power below the standard's minimum",)  # the budget checks the Tx power itself
        fields = {
            "required_osnr_db": float(perf.required_osnr_db), "ber_curve": perf.curve, "source": "simulated",
            "required_osnr_source": (f"simulated with the chip's devices (fingerprint {perf.fingerprint}), full blind "
                                     f"DSP, {len(perf.curve.osnr_db)} points, interpolated at BER "
                                     f"{std.pre_fec_ber_threshold:g}"),
            "tx_power_dbm": float(perf.tx_power_dbm), "tx_power_sets_launch": True,
            "tx_power_range_dbm": None if std.tx_power_range_dbm is None else tuple(std.tx_power_range_dbm),
            "sensitivity_dbm": float(sens) if math.isfinite(sens) else None,
            "estimate_required_osnr_db": float(est) if math.isfinite(est) else None,
            "fail_reasons": tuple(r for r in perf.fail_reasons if r not in tx_reasons),
            "warnings": tuple(perf.warnings), "provenance": dict(perf.provenance),
        }
        fields.update(overrides)
        return cls.from_standard(std, **fields)

    @classmethod
    def from_chip_estimate(cls, standard: Standard | str, chip, **overrides) -> Transceiver:
        """The transceiver of a chip (`links.chip.ChipTransceiver`) from its fast analytic estimate only
        (source "estimate"): an approximation for quick looks; a verdict uses `from_chip`."""
        std = get_standard(standard) if isinstance(standard, str) else standard
        e = chip.estimate(std)
        reasons = () if math.isfinite(e.required_osnr_db) else ("estimated SNR ceiling below the required SNR",)
        fields = {"required_osnr_db": float(e.required_osnr_db), "source": "estimate",
                  "required_osnr_source": "analytic estimate (links.chip.ChipTransceiver.estimate)",
                  "tx_power_dbm": float(e.tx_power_dbm), "tx_power_sets_launch": True,
                  "tx_power_range_dbm": None if std.tx_power_range_dbm is None else tuple(std.tx_power_range_dbm),
                  "sensitivity_dbm": float(e.sensitivity_dbm) if math.isfinite(e.sensitivity_dbm) else None,
                  "estimate_required_osnr_db": float(e.required_osnr_db) if reasons == () else None,
                  "fail_reasons": reasons, "provenance": dict(chip.provenance)}
        fields.update(overrides)
        return cls.from_standard(std, **fields)

    # --- derived ----------------------------------------------------------------------------------------
    @property
    def theoretical_required_osnr_db(self) -> float:
        return theoretical_required_osnr_db(self.modulation, self.baud_rate, self.pre_fec_ber_threshold)

    @property
    def implementation_penalty_db(self) -> float:
        """Required OSNR above the ideal AWGN receiver's at the threshold, dB."""
        return self.required_osnr_db - self.theoretical_required_osnr_db

    def ber_at_osnr(self, osnr_db):
        """Pre-FEC BER at ``osnr_db`` (12.5 GHz): the BER curve where it has data, elsewhere the ideal
        Gray-coded BER shifted by the implementation penalty (an approximation: a constant OSNR penalty)."""
        x = np.asarray(osnr_db, dtype=float)
        if math.isnan(self.required_osnr_db):  # a floored transceiver: only its curve speaks
            model = np.full(x.shape, np.nan)
            if self.ber_curve is not None:
                model = np.asarray(self.ber_curve.ber_at(x), dtype=float) * np.ones(x.shape)
            return model if model.ndim else float(model)
        model = theoretical_ber(self.modulation, snr_from_osnr(x - self.implementation_penalty_db, self.baud_rate))
        model = np.asarray(model, dtype=float)
        if self.ber_curve is not None:
            measured = np.asarray(self.ber_curve.ber_at(x), dtype=float)
            model = np.where(np.isfinite(measured), measured, model)
        return model if model.ndim else float(model)

