"""End-to-end coherent link simulation: `simulate_link` for one configuration, `ber_vs_osnr` for a curve.

Full chain: dual-polarization frame with pilots → `Transmitter` (DAC, driver, photonics DP-IQ modulator, Tx
laser) → launch power → fiber spans (`Fiber`) each followed by an `Amplifier` that restores the span loss →
random polarization rotation → received power → noise loading to the OSNR (12.5 GHz, both polarizations) →
`CoherentReceiver` (LO, hybrid, balanced photodiodes, TIA, ADC) → blind DSP (`links.dsp.run_dsp`) →
alignment → pilot-aided cycle-slip correction → BER/SER/EVM/SNR/GMI on the payload.

``ideal=True`` replaces transmitter, receiver and blind DSP by RRC shaping, a known-dispersion compensation and
a synchronous matched filter: the "ideal receiver" reference (its BER follows `theoretical_ber`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace

import numpy as np

from optolink.core.display import displayed, full_repr
from optolink.core.progress import track
from optolink.core.units import OSNR_REFERENCE_BANDWIDTH, dbm_to_watt
from optolink.core.validate import as_rng, check_array, check_bool, check_int, check_real
from photonics.cw_laser import PhaseNoiseLaser

from . import metrics
from . import plots as _plots
from .amplifiers import Amplifier, load_noise
from .ber_curve import required_osnr_from_curve
from .dsp.cd import compensate_cd
from .dsp.chain import DspConfig, run_dsp
from .dsp.cpr import pilot_slip_correction
from .dsp.sync import align
from .fiber import Fiber, random_rotation
from .receiver import CoherentReceiver
from .signals import (
    BITS_PER_SYMBOL,
    check_modulation,
    decide,
    demap_hard,
    dual_pol_frame,
    matched_filter,
    shape,
)
from .standards import Standard, get_standard
from .transmitter import Transmitter


@dataclass(frozen=True)
class LinkConfig:
    """One link: the ``standard`` (name; sets baud rate, format, threshold; ``modulation`` overrides its
    format, e.g. for QPSK or 64QAM at the same baud rate), record length ``n_symbols``,
    simulation ``samples_per_symbol``, RRC ``roll_off``, ``pilot_period`` (None: no pilots), components
    (None: `Transmitter.for_baud_rate` / `CoherentReceiver.for_baud_rate`), fiber ``spans`` with EDFAs of
    ``amplifier_nf_db`` restoring each span's loss (their ASE is added only when no OSNR is loaded),
    ``launch_power_dbm`` per channel, ``rx_power_dbm`` at the receiver input, a Haar-random polarization
    rotation (``polarization_rotation``), the Tx and LO ``linewidth`` (Hz, default components only) and the LO's
    ``frequency_offset`` from the carrier (Hz, default receiver only), the DSP settings (its
    ``dispersion_ps_nm`` is taken from the spans), ``fiber_max_nonlinear_phase`` (rad per step) and
    ``ideal`` (see the module docstring)."""

    standard: str = "400ZR"
    modulation: str | None = None
    n_symbols: int = 2**15
    samples_per_symbol: int = 2
    roll_off: float = 0.2
    pilot_period: int | None = 64
    transmitter: Transmitter | None = None
    receiver: CoherentReceiver | None = None
    spans: tuple[Fiber, ...] = ()
    amplifier_nf_db: float = 5.0
    launch_power_dbm: float = 0.0
    rx_power_dbm: float = -10.0
    polarization_rotation: bool = True
    linewidth: float = 100e3
    frequency_offset: float = 0.0
    dsp: DspConfig = field(default_factory=DspConfig)
    fiber_max_nonlinear_phase: float = 0.01
    ideal: bool = False

    def __post_init__(self):
        check_bool("ideal", self.ideal)
        check_bool("polarization_rotation", self.polarization_rotation)
        get_standard(self.standard)
        if self.modulation is not None:
            check_modulation(self.modulation)
            if self.modulation == "PAM4":
                raise ValueError("modulation must be a complex format for a coherent link; got 'PAM4'")
        check_int("n_symbols", self.n_symbols, low=1024, high=2**24)
        check_int("samples_per_symbol", self.samples_per_symbol, low=2, high=16)
        check_real("roll_off", self.roll_off, low=0.0, high=1.0)
        if self.pilot_period is not None:
            check_int("pilot_period", self.pilot_period, low=4)
        if self.transmitter is not None and not isinstance(self.transmitter, Transmitter):
            raise TypeError(f"transmitter must be a Transmitter or None; got {type(self.transmitter).__name__}")
        if self.receiver is not None and not isinstance(self.receiver, CoherentReceiver):
            raise TypeError(f"receiver must be a CoherentReceiver or None; got {type(self.receiver).__name__}")
        spans = tuple(self.spans)
        for i, s in enumerate(spans):
            if not isinstance(s, Fiber):
                raise TypeError(f"spans[{i}] must be a Fiber; got {type(s).__name__}")
        object.__setattr__(self, "spans", spans)
        check_real("amplifier_nf_db", self.amplifier_nf_db, low=0.0, high=20.0)
        check_real("launch_power_dbm", self.launch_power_dbm, low=-40.0, high=30.0)
        check_real("rx_power_dbm", self.rx_power_dbm, low=-50.0, high=20.0)
        check_real("linewidth", self.linewidth, low=0.0, high=1e9)
        check_real("frequency_offset", self.frequency_offset, low=-0.1e12, high=0.1e12)
        if not isinstance(self.dsp, DspConfig):
            raise TypeError(f"dsp must be a DspConfig; got {type(self.dsp).__name__}")
        check_real("fiber_max_nonlinear_phase", self.fiber_max_nonlinear_phase, low=0.0, low_open=True, high=1.0)

    @property
    def standard_spec(self) -> Standard:
        return get_standard(self.standard)

    @property
    def baud_rate(self) -> float:
        return self.standard_spec.baud_rate

    @property
    def sample_rate(self) -> float:
        return self.samples_per_symbol * self.baud_rate

    @property
    def symbol_format(self) -> str:
        """The modulation used: ``modulation`` if given, else the standard's."""
        return self.modulation or self.standard_spec.modulation

    def to_dict(self) -> dict:
        return {
            "standard": self.standard, "modulation": self.symbol_format, "n_symbols": self.n_symbols,
            "samples_per_symbol": self.samples_per_symbol,
            "roll_off": self.roll_off, "pilot_period": self.pilot_period,
            "spans": [asdict(s) for s in self.spans], "amplifier_nf_db": self.amplifier_nf_db,
            "launch_power_dbm": self.launch_power_dbm, "rx_power_dbm": self.rx_power_dbm,
            "polarization_rotation": self.polarization_rotation, "linewidth_hz": self.linewidth,
            "frequency_offset_hz": self.frequency_offset, "dsp": self.dsp.to_dict(), "ideal": self.ideal,
            "transmitter": "default" if self.transmitter is None else full_repr(self.transmitter),
            "receiver": "default" if self.receiver is None else full_repr(self.receiver),
        }


@displayed("std=standard", "OSNR=osnr_db:dB", "BER=ber", "SNR=snr_db:dB", "GMI=gmi", "passes")
@dataclass(frozen=True)
class LinkResult:
    """Figures of one simulated record (payload symbols only). SNR in the signal bandwidth (dB, data-aided);
    OSNR in 12.5 GHz, both polarizations. ``cycle_slips``: quadrant changes corrected by the pilots."""

    standard: str
    osnr_db: float | None
    ber: float
    ber_per_polarization: tuple[float, float]
    n_errors: int
    n_bits: int
    ser: float
    evm: float
    snr_db: float
    q_db: float
    gmi: float
    ngmi: float
    pre_fec_ber_threshold: float
    passes: bool
    cycle_slips: int
    frequency_offset_estimate: float
    ideal: bool

    def to_dict(self) -> dict:
        d = asdict(self)
        d["ber_per_polarization"] = list(self.ber_per_polarization)
        d["osnr_reference_bandwidth_hz"] = OSNR_REFERENCE_BANDWIDTH
        d["frequency_offset_estimate_hz"] = d.pop("frequency_offset_estimate")
        d["evm_rms"] = d.pop("evm")
        d["gmi_bits_per_symbol"] = d.pop("gmi")
        return d


def _check_osnr(osnr_db):
    if osnr_db is None:
        return None
    return check_real("osnr_db", osnr_db, low=-10.0, high=80.0)


def _propagate(cfg: LinkConfig, x: np.ndarray, fs: float, loaded: bool, gen) -> np.ndarray:
    if not cfg.spans:
        return x
    x = x * math.sqrt(dbm_to_watt(cfg.launch_power_dbm) / float(np.sum(np.mean(np.abs(x) ** 2, axis=-1))))
    for span in cfg.spans:
        x = span.propagate(x, fs, max_nonlinear_phase=cfg.fiber_max_nonlinear_phase, rng=gen)
        x = Amplifier(span.loss_db, cfg.amplifier_nf_db, frequency=span.reference_frequency).amplify(
            x, fs, rng=gen, noise=not loaded)
    return x


def _measure(cfg: LinkConfig, rx: np.ndarray, frame, osnr_db, slips: int, fo: float) -> LinkResult:
    mod = cfg.symbol_format
    pay = frame.payload
    tx_s = frame.symbols[:, pay]
    y = rx[:, pay]
    y = np.stack([y[p] / metrics.fit_gain(y[p], tx_s[p]) for p in range(2)])
    bits_mask = frame.payload_bits_mask
    tx_b = frame.bits[:, bits_mask]
    rx_b = demap_hard(y, mod)
    errs = [metrics.count_errors(tx_b[p], rx_b[p]) for p in range(2)]
    n_bits = tx_b.size
    ber = sum(errs) / n_bits
    std = cfg.standard_spec
    g = metrics.gmi(y.ravel(), tx_s.ravel(), mod)
    return LinkResult(
        standard=std.name, osnr_db=osnr_db, ber=ber,
        ber_per_polarization=(errs[0] / tx_b.shape[1], errs[1] / tx_b.shape[1]), n_errors=int(sum(errs)),
        n_bits=int(n_bits), ser=metrics.symbol_error_ratio(tx_s, decide(y, mod)),
        evm=metrics.evm_rms(y.ravel(), tx_s.ravel()), snr_db=metrics.snr_from_symbols(y.ravel(), tx_s.ravel()),
        q_db=metrics.q_factor_db(min(ber, 0.5)), gmi=g, ngmi=g / BITS_PER_SYMBOL[mod],
        pre_fec_ber_threshold=std.pre_fec_ber_threshold,
        passes=metrics.passes_threshold(ber, std), cycle_slips=int(slips), frequency_offset_estimate=float(fo),
        ideal=cfg.ideal)


def simulate_link(config: LinkConfig | None = None, osnr_db: float | None = None, *, seed: int = 0) -> LinkResult:
    """Simulate one record of the link ``config`` with noise loaded to ``osnr_db`` (dB in 12.5 GHz, both
    polarizations; None: only the amplifiers' ASE). ``seed`` makes the run reproducible."""
    return _run_link(config, osnr_db, seed)[0]


@displayed(("symbols", lambda c: c.received.shape[-1]), "OSNR=result.osnr_db:dB", "BER=result.ber")
@dataclass(frozen=True)
class Constellation:
    """Received payload symbols (2, n) after the DSP, aligned and scaled to the transmitted ones, with the
    transmitted symbols and the figures of the run."""

    received: np.ndarray
    transmitted: np.ndarray
    result: LinkResult

    plot = _plots.constellation  # plot(ax=None) → Axes (links.plots)


def simulate_constellation(config: LinkConfig | None = None, osnr_db: float | None = None, *,
                           seed: int = 0) -> Constellation:
    """As `simulate_link`, also returning the received and transmitted payload symbols (for plots)."""
    res, y, frame = _run_link(config, osnr_db, seed)
    pay = frame.payload
    tx = frame.symbols[:, pay]
    rx = np.stack([y[p, pay] / metrics.fit_gain(y[p, pay], tx[p]) for p in range(2)])
    return Constellation(received=rx, transmitted=tx, result=res)


def _run_link(config, osnr_db, seed):
    cfg = LinkConfig() if config is None else config
    if not isinstance(cfg, LinkConfig):
        raise TypeError(f"config must be a LinkConfig; got {type(cfg).__name__}")
    osnr = _check_osnr(osnr_db)
    if osnr is None and not cfg.spans:
        raise ValueError("osnr_db is required for a link without spans (nothing else adds noise)")
    gen = as_rng(seed)
    baud, fs, mod = cfg.baud_rate, cfg.sample_rate, cfg.symbol_format
    frame = dual_pol_frame(cfg.n_symbols, mod, rng=gen, pilot_period=cfg.pilot_period)
    dispersion = sum(s.accumulated_dispersion_ps_nm for s in cfg.spans)
    slope = sum(s.dispersion_slope_ps_nm2_km * s.length / 1e3 for s in cfg.spans)
    loaded = osnr is not None
    if cfg.ideal:
        x = shape(frame.symbols, baud, fs, cfg.roll_off)
        x = _propagate(cfg, x, fs, loaded, gen)
        if loaded:
            x = load_noise(x, fs, osnr, rng=gen)
        if dispersion or slope:
            x = compensate_cd(x, fs, dispersion, slope_ps_nm2=slope,
                              reference_frequency=cfg.spans[0].reference_frequency)
        rx = matched_filter(x, baud, fs, cfg.roll_off)
        return _measure(cfg, rx, frame, osnr, 0, 0.0), rx, frame
    tx = cfg.transmitter or Transmitter.for_baud_rate(
        baud, roll_off=cfg.roll_off, laser=PhaseNoiseLaser(power=dbm_to_watt(15.0), linewidth=cfg.linewidth))
    rcv = cfg.receiver or CoherentReceiver.for_baud_rate(baud, lo=PhaseNoiseLaser(
        power=dbm_to_watt(13.0), linewidth=cfg.linewidth, frequency_offset=cfg.frequency_offset))
    x = tx.transmit(frame.symbols, baud, fs, rng=gen)
    x = _propagate(cfg, x, fs, loaded, gen)
    if cfg.polarization_rotation:
        x = random_rotation(gen) @ x
    x = x * math.sqrt(dbm_to_watt(cfg.rx_power_dbm) / float(np.sum(np.mean(np.abs(x) ** 2, axis=-1))))
    if loaded:
        x = load_noise(x, fs, osnr, rng=gen)
    samples = rcv.detect(x, fs, rng=gen)
    adc_rate = rcv.adc.sample_rate or fs
    f_ref = cfg.spans[0].reference_frequency if cfg.spans else cfg.dsp.reference_frequency
    dsp_cfg = replace(cfg.dsp, dispersion_ps_nm=dispersion, dispersion_slope_ps_nm2=slope, roll_off=cfg.roll_off,
                      reference_frequency=f_ref)
    out = run_dsp(samples, adc_rate, baud, mod, dsp_cfg)
    y, _ = align(out.symbols, frame.symbols)
    slips = 0
    if cfg.pilot_period is not None:
        y, slips = pilot_slip_correction(y, frame.symbols, ~frame.payload)
    return _measure(cfg, y, frame, osnr, slips, out.frequency_offset), y, frame


@displayed("std=standard", "OSNR=osnr_db:dB", "req_OSNR=required_osnr_db:dB", "penalty=penalty_db:dB")
@dataclass(frozen=True)
class OsnrSweep:
    """A link simulated at each OSNR (12.5 GHz reference): BER and GMI with the theoretical (ideal-receiver
    AWGN) BER at the same OSNR, and the OSNR at the pre-FEC threshold: simulated, theoretical and their
    difference (penalty). ``required_osnr_db`` is NaN when the BER never reaches the threshold (see
    `links.ber_curve.required_osnr_from_curve`)."""

    standard: str
    osnr_db: np.ndarray
    ber: np.ndarray
    gmi: np.ndarray
    ngmi: np.ndarray
    snr_db: np.ndarray
    theoretical_ber: np.ndarray
    cycle_slips: np.ndarray
    passes: np.ndarray
    pre_fec_ber_threshold: float
    required_osnr_db: float
    theoretical_required_osnr_db: float
    results: tuple[LinkResult, ...]
    config: LinkConfig

    plot = _plots.ber_curve  # plot(ax=None) → Axes of the BER curve (links.plots)

    @property
    def penalty_db(self) -> float:
        return self.required_osnr_db - self.theoretical_required_osnr_db

    def to_dict(self) -> dict:
        return {
            "standard": self.standard, "osnr_reference_bandwidth_hz": OSNR_REFERENCE_BANDWIDTH,
            "osnr_db": self.osnr_db.tolist(), "ber": self.ber.tolist(), "gmi_bits_per_symbol": self.gmi.tolist(),
            "ngmi": self.ngmi.tolist(), "snr_db": self.snr_db.tolist(),
            "theoretical_ber": self.theoretical_ber.tolist(), "cycle_slips": self.cycle_slips.tolist(),
            "passes": self.passes.tolist(), "pre_fec_ber_threshold": self.pre_fec_ber_threshold,
            "required_osnr_db": self.required_osnr_db,
            "theoretical_required_osnr_db": self.theoretical_required_osnr_db, "penalty_db": self.penalty_db,
            "config": self.config.to_dict(),
        }


def ber_vs_osnr(standard: str | Standard = "400ZR", osnr_db=(18, 20, 22, 24, 26, 28), *,
                config: LinkConfig | None = None, seed: int = 0, progress: bool | None = None) -> OsnrSweep:
    """BER, GMI and NGMI of ``standard`` at each OSNR in ``osnr_db`` (dB, 12.5 GHz); point i uses seed + i.
    ``config`` (default `LinkConfig`) supplies everything else; its standard is replaced by ``standard``.
    ``progress``: a bar on a terminal (``optolink.core.progress``)."""
    std = standard if isinstance(standard, Standard) else get_standard(standard)
    osnr = check_array("osnr_db", osnr_db, low=-10.0, high=80.0).ravel()
    if osnr.size == 0:
        raise ValueError("osnr_db is empty")
    cfg = replace(config or LinkConfig(), standard=std.name)
    points = track(osnr, label=f"BER curve {std.name}", unit="points", enabled=progress)
    results = tuple(simulate_link(cfg, float(o), seed=seed + i) for i, o in enumerate(points))
    snr_th = metrics.snr_from_osnr(osnr, std.baud_rate)
    th_ber = np.asarray(metrics.theoretical_ber(cfg.symbol_format, snr_th), dtype=float)
    ber = np.array([r.ber for r in results])
    req_snr = metrics.required_snr_db(cfg.symbol_format, std.pre_fec_ber_threshold)
    req = (required_osnr_from_curve((osnr, np.minimum(ber, 0.5)), std.pre_fec_ber_threshold) if osnr.size > 1
           else math.nan)
    return OsnrSweep(
        standard=std.name, osnr_db=osnr, ber=ber, gmi=np.array([r.gmi for r in results]),
        ngmi=np.array([r.ngmi for r in results]), snr_db=np.array([r.snr_db for r in results]),
        theoretical_ber=th_ber, cycle_slips=np.array([r.cycle_slips for r in results]),
        passes=np.array([r.passes for r in results]), pre_fec_ber_threshold=std.pre_fec_ber_threshold,
        required_osnr_db=req,
        theoretical_required_osnr_db=float(metrics.osnr_from_snr(req_snr, std.baud_rate)),
        results=results, config=cfg)


__all__ = ["Constellation", "LinkConfig", "LinkResult", "OsnrSweep", "ber_vs_osnr", "simulate_constellation",
           "simulate_link"]
