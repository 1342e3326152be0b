"""A surrogate of the full link simulation: a die's figures as smooth functions of a few physical features.

The full simulation of one die (``links.verdict.simulate_chip``: the die's devices, the blind DSP chain, a BER
curve against OSNR) takes seconds; a yield needs hundreds of dies. Over the narrow neighbourhood of a design
that process variation explores, the simulated figures are smooth functions of a few device features — the
die's EO response (its ISI cost ⟨|H|²⟩·⟨|H|⁻²⟩ over the Nyquist band), the driver swing over the die's Vπ
(the modulation depth) — so a low-order polynomial fitted by least squares on a few tens of simulated dies
reproduces the simulation within its Monte Carlo noise.

Why a polynomial and least squares (not a Gaussian process or an RBF interpolant): the features of the dies
span a small region around the nominal die (±4σ of the process), where a second-order Taylor expansion of a
smooth response errs by O(δ³); each simulated figure carries Monte Carlo noise (a finite BER count), which
least squares averages while an interpolant reproduces it (a GP needs a fitted noise term to avoid that);
with 2-3 features a quadratic has 6-10 coefficients, well below the number of training dies, and its
leave-one-out residual (closed form for linear least squares: eᵢ/(1 − hᵢᵢ)) is an honest error estimate
that also chooses the degree (1 or 2). Features are scaled to [−1, 1] over the training range.

A :class:`Surrogate` records its training set size, each feature's training range and its fit residuals;
:meth:`Surrogate.in_range` flags, and :meth:`Surrogate.predict` with ``extrapolation="refuse"`` refuses,
features outside that range (widened by ``tolerance`` of its span on each side). Its ``validation`` holds the
error against full simulation on held-out dies (RMS and max) once :meth:`Surrogate.validated` has been given
them. ``to_dict``/``from_dict`` give a JSON round trip (a sweep's fixed parameters, a store's attributes).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import math
import time
from dataclasses import dataclass, field, replace

import numpy as np

LOG = logging.getLogger(__name__)

__all__ = ["Surrogate", "SurrogateTarget", "fit_surrogate", "polynomial_terms"]

EXTRAPOLATION = ("flag", "refuse")


def polynomial_terms(n_features: int, degree: int) -> tuple[tuple[int, ...], ...]:
    """Monomials of total degree ≤ ``degree`` in ``n_features`` variables, as exponent tuples, constant first."""
    from optolink.core.validate import check_int

    n_features, degree = check_int("n_features", n_features, low=1, high=64), check_int("degree", degree, low=0)
    if math.comb(n_features + degree, degree) > 100_000:
        raise ValueError(f"{n_features} features at degree {degree} give {math.comb(n_features + degree, degree):,} "
                         "terms; at most 100,000")
    out = []
    for d in range(degree + 1):
        for combo in itertools.combinations_with_replacement(range(n_features), d):
            out.append(tuple(combo.count(i) for i in range(n_features)))
    return tuple(out)


def _design_matrix(z: np.ndarray, terms) -> np.ndarray:
    return np.column_stack([np.prod(z ** np.asarray(t, dtype=float), axis=1) for t in terms])


@dataclass(frozen=True)
class SurrogateTarget:
    """One fitted output: its polynomial ``terms`` (exponents per feature) and ``coefficients``, the number of
    training points, the RMS training residual and the leave-one-out RMS (dB or the target's own unit)."""

    name: str
    terms: tuple[tuple[int, ...], ...]
    coefficients: tuple[float, ...]
    n_train: int
    residual_rms: float
    loo_rms: float

    @property
    def degree(self) -> int:
        return max((sum(t) for t in self.terms), default=0)

    def to_dict(self) -> dict:
        return {"name": self.name, "terms": [list(t) for t in self.terms], "coefficients": list(self.coefficients),
                "n_train": self.n_train, "residual_rms": self.residual_rms, "loo_rms": self.loo_rms}

    @classmethod
    def from_dict(cls, d: dict) -> SurrogateTarget:
        return cls(d["name"], tuple(tuple(int(e) for e in t) for t in d["terms"]),
                   tuple(float(c) for c in d["coefficients"]), int(d["n_train"]), float(d["residual_rms"]),
                   float(d["loo_rms"]))


@dataclass(frozen=True)
class Surrogate:
    """Fitted smooth functions of ``features`` (names, in order) over a training range ``low``/``high`` (per
    feature), from ``n_train`` training dies. ``targets``: name → :class:`SurrogateTarget` (a target with no
    finite training value is absent). ``tolerance``: fraction of each feature's training span allowed outside
    it before a point counts as extrapolated. ``validation``: error against full simulation on held-out dies
    (filled by :meth:`validated`); ``info``: what the surrogate models (standard, fingerprint, settings)."""

    features: tuple[str, ...]
    low: tuple[float, ...]
    high: tuple[float, ...]
    n_train: int
    targets: dict
    tolerance: float = 0.05
    validation: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)

    def __post_init__(self):
        if not self.features or len(self.low) != len(self.features) or len(self.high) != len(self.features):
            raise ValueError("features, low and high must be non-empty and of the same length")
        if not 0.0 <= self.tolerance <= 1.0:
            raise ValueError(f"tolerance must be in [0, 1]; got {self.tolerance}")

    # --- evaluation -------------------------------------------------------------------------------
    def _matrix(self, features: dict) -> np.ndarray:
        missing = [k for k in self.features if k not in features]
        if missing:
            raise ValueError(f"features missing: {missing}; the surrogate needs {list(self.features)}")
        cols = [np.atleast_1d(np.asarray(features[k], dtype=float)) for k in self.features]
        return np.column_stack(np.broadcast_arrays(*cols))

    def _scaled(self, x: np.ndarray) -> np.ndarray:
        lo, hi = np.asarray(self.low), np.asarray(self.high)
        mid, half = (hi + lo) / 2, np.where(hi > lo, (hi - lo) / 2, 1.0)
        return (x - mid) / half

    def in_range(self, features: dict) -> np.ndarray:
        """Per point: True when every feature lies inside the training range (± ``tolerance`` of its span)."""
        x = self._matrix(features)
        lo, hi = np.asarray(self.low), np.asarray(self.high)
        pad = self.tolerance * (hi - lo)
        return np.all((x >= lo - pad) & (x <= hi + pad), axis=1)

    def outside(self, features: dict) -> list[str]:
        """Text naming each feature of the (first) point outside its training range, for messages."""
        x = self._matrix(features)[0]
        out = []
        for k, v, lo, hi in zip(self.features, x, self.low, self.high, strict=True):
            pad = self.tolerance * (hi - lo)
            if not lo - pad <= v <= hi + pad:
                out.append(f"{k} = {v:.4g} outside the training range [{lo:.4g}, {hi:.4g}]")
        return out

    def predict(self, features: dict, *, extrapolation: str = "flag") -> dict:
        """Each target at the points ``features`` (name → scalar or array), plus ``extrapolated`` (1.0 where a
        point lies outside the training range). ``extrapolation="refuse"`` raises ValueError instead. A target
        the surrogate lacks (no training die reached it) predicts NaN."""
        if extrapolation not in EXTRAPOLATION:
            raise ValueError(f"extrapolation must be one of {EXTRAPOLATION}; got {extrapolation!r}")
        x = self._matrix(features)
        inside = self.in_range(features)
        if extrapolation == "refuse" and not inside.all():
            i = int(np.argmin(inside))
            raise ValueError("the surrogate refuses to extrapolate: " + "; ".join(
                self.outside({k: x[i:i + 1, j] for j, k in enumerate(self.features)})) +
                f" (fitted on {self.n_train} dies)")
        z = self._scaled(x)
        out = {}
        for name, t in self.targets.items():
            out[name] = _design_matrix(z, t.terms) @ np.asarray(t.coefficients)
        out["extrapolated"] = (~inside).astype(float)
        return out

    def predict_one(self, features: dict, **kwargs) -> dict:
        """As :meth:`predict` for one point: floats."""
        return {k: float(v[0]) for k, v in self.predict(features, **kwargs).items()}

    # --- validation and serialisation -----------------------------------------------------------------
    def validated(self, features: dict, truth: dict) -> Surrogate:
        """A copy whose ``validation`` holds, per target present in ``truth`` (name → array over held-out dies),
        the RMS and max |prediction − truth| over the dies where both are finite, and their count."""
        pred = self.predict(features)
        val = {"n_dies": int(self._matrix(features).shape[0]),
               "n_extrapolated": int(np.sum(pred["extrapolated"] > 0))}
        for name, y in truth.items():
            if name not in pred:
                continue
            err = pred[name] - np.asarray(y, dtype=float)
            ok = np.isfinite(err)
            val[name] = {"n": int(ok.sum()),
                         "rms": float(np.sqrt(np.mean(err[ok] ** 2))) if ok.any() else math.nan,
                         "max": float(np.max(np.abs(err[ok]))) if ok.any() else math.nan}
        return replace(self, validation=val)

    def to_dict(self) -> dict:
        return {"features": list(self.features), "low": list(self.low), "high": list(self.high),
                "n_train": self.n_train, "targets": {k: t.to_dict() for k, t in self.targets.items()},
                "tolerance": self.tolerance, "validation": self.validation, "info": self.info}

    @classmethod
    def from_dict(cls, d: dict) -> Surrogate:
        return cls(tuple(d["features"]), tuple(float(v) for v in d["low"]), tuple(float(v) for v in d["high"]),
                   int(d["n_train"]), {k: SurrogateTarget.from_dict(t) for k, t in d["targets"].items()},
                   float(d.get("tolerance", 0.05)), dict(d.get("validation") or {}), dict(d.get("info") or {}))

    def describe(self) -> str:
        """One line: what was fitted on how many dies, over which ranges, and its held-out error."""
        rng = ", ".join(f"{k} {lo:.4g}..{hi:.4g}" for k, lo, hi in zip(self.features, self.low, self.high,
                                                                        strict=True))
        fits = ", ".join(f"{k} (degree {t.degree}, LOO {t.loo_rms:.3f})" for k, t in self.targets.items())
        val = self.validation.get("required_osnr_db")
        held = (f"; held-out required OSNR error {val['rms']:.3f} dB RMS, {val['max']:.3f} dB max on {val['n']} "
                "dies" if val else "")
        return f"surrogate of {self.n_train} simulated dies over {rng}: {fits}{held}"


def _fit_one(name: str, z: np.ndarray, y: np.ndarray, degree: int | str) -> SurrogateTarget | None:
    ok = np.isfinite(y) & np.all(np.isfinite(z), axis=1)
    z, y = z[ok], y[ok]
    n = y.size
    if n == 0:
        return None
    degrees = (0, 1, 2) if degree == "auto" else (int(degree),)
    best = None
    for d in degrees:
        terms = polynomial_terms(z.shape[1], d)
        if n < len(terms) + (2 if degree == "auto" else 0):
            continue  # too few points to fit (and to cross-validate) this degree
        a = _design_matrix(z, terms)
        coef, *_ = np.linalg.lstsq(a, y, rcond=None)
        res = y - a @ coef
        # leave-one-out residuals of linear least squares: e_i / (1 - h_ii), h = diag(A (AᵀA)⁺ Aᵀ)
        h = np.einsum("ij,ji->i", a, np.linalg.pinv(a))
        loo = res / np.maximum(1.0 - h, 1e-9)
        loo_rms = float(np.sqrt(np.mean(loo ** 2))) if n > len(terms) else math.inf
        cand = SurrogateTarget(name, terms, tuple(float(c) for c in coef), int(n),
                               float(np.sqrt(np.mean(res ** 2))), loo_rms)
        # a higher degree must earn its terms: at least 10 % lower leave-one-out error
        if best is None or cand.loo_rms < 0.9 * best.loo_rms:
            best = cand
    if best is None:  # fewer points than the lowest degree's terms + 2: the mean
        best = SurrogateTarget(name, polynomial_terms(z.shape[1], 0), (float(np.mean(y)),), int(n),
                               float(np.std(y)), math.inf)
    return best


def fit_surrogate(features: dict, targets: dict, *, degree: int | str = "auto", tolerance: float = 0.05,
                  info: dict | None = None) -> Surrogate:
    """Least-squares polynomial fit of each target (name → array over the training dies; NaN entries are left
    out of that target's fit) on ``features`` (name → array, same length). ``degree``: 0, 1, 2 or ``"auto"``
    (the degree with the lowest leave-one-out error, a higher one kept only if it lowers it by ≥ 10 %)."""
    if not features:
        raise ValueError("at least one feature is needed")
    names = tuple(features)
    x = np.column_stack([np.asarray(features[k], dtype=float).ravel() for k in names])
    n = x.shape[0]
    for k, v in targets.items():
        if np.asarray(v).size != n:
            raise ValueError(f"target {k!r} has {np.asarray(v).size} values for {n} training dies")
    if degree not in ("auto", 0, 1, 2):
        raise ValueError(f"degree must be 0, 1, 2 or 'auto'; got {degree!r}")
    good = np.all(np.isfinite(x), axis=1)
    if not good.any():
        raise ValueError("no training die has finite features")
    low = tuple(float(v) for v in np.min(x[good], axis=0))
    high = tuple(float(v) for v in np.max(x[good], axis=0))
    base = Surrogate(names, low, high, int(good.sum()), {}, tolerance, {}, dict(info or {}))
    z = base._scaled(x)
    fitted = {}
    for k, v in targets.items():
        t = _fit_one(k, z, np.asarray(v, dtype=float).ravel(), degree)
        if t is not None:
            fitted[k] = t
    return replace(base, targets=fitted)


# ------------------------------------------------------------------------------------------------------
# The dies of a chip design: process deviations → the die's devices → its features and its simulation
# ------------------------------------------------------------------------------------------------------
DIE_FEATURES = ("eo_penalty_db", "drive_swing_vpi")
DEVIATIONS = ("width_delta", "na_scale", "nd_scale", "offset_delta", "gap_delta")
# what the surrogate predicts: required OSNR (12.5 GHz), the Tx power plus the die's insertion loss (the
# modulation loss and the laser; insertion loss enters the Tx power exactly, dB for dB) and log10 of the BER
# floor (the BER at the highest simulated OSNR, clipped at one error)
SURROGATE_TARGETS = ("required_osnr_db", "tx_power_plus_loss_db", "log10_floor_ber")


def bandwidth_penalty_db(mzm, baud_rate: float, n: int = 257) -> float:
    """OSNR penalty (dB) of the MZM's EO response for a Nyquist signal at ``baud_rate``: ⟨|H|²⟩·⟨|H|⁻²⟩ over
    |f| ≤ R_s/2 (zero-forcing receiver equaliser, ASE added after the modulator). The analytic estimate of a
    die's bandwidth cost, and the surrogate's EO feature."""
    from optolink.core.validate import check_int, check_real

    baud_rate = check_real("baud_rate", baud_rate, low=1e3, high=1e14)  # 1 kBd to 100 TBd
    f = np.linspace(0.0, baud_rate / 2, check_int("n", n, low=2, high=100_000))
    h2 = np.abs(mzm.eo_response(f)) ** 2
    if not np.all(h2 > 0):
        raise ValueError(f"the EO response vanishes within ±baud_rate/2 ({baud_rate:.3g} Bd): no penalty defined")
    return float(10 * np.log10(np.trapezoid(h2, f) / f[-1] * np.trapezoid(1 / h2, f) / f[-1]))


def vary_mzm(mzm, *, width_delta: float = 0.0, na_scale: float = 1.0, nd_scale: float = 1.0,
             offset_delta: float = 0.0, gap_delta: float = 0.0):
    """``mzm`` with the process deviations of one die: rib width (m), P and N doping scales, junction offset (m),
    electrode gap (m; a lumped electrode has none). Everything else (bias, phase bias, splitters) is kept."""
    ps = mzm.phase_shifter
    wg = dataclasses.replace(ps.waveguide, width=ps.waveguide.width + width_delta)
    ps = dataclasses.replace(ps, waveguide=wg, na=ps.na * na_scale, nd=ps.nd * nd_scale,
                             junction_offset=ps.junction_offset + offset_delta,
                             implants=tuple(_vary_region(r, na_scale, nd_scale, offset_delta) for r in ps.implants))
    el = mzm.electrode
    if gap_delta and hasattr(el, "gap"):
        el = dataclasses.replace(el, gap=el.gap + gap_delta)
    return dataclasses.replace(mzm, phase_shifter=ps, electrode=el)


def _vary_region(region, na_scale: float, nd_scale: float, offset_delta: float):
    """One implant or uniform region of a die: its dose (concentration) scaled by the species' scale; a donor
    region's mask window moved by the junction offset (the N mask misaligned against the P mask)."""
    scale = na_scale if region.species == "acceptor" else nd_scale
    shift = offset_delta if region.species == "donor" else 0.0
    amount = {"dose": region.dose * scale} if hasattr(region, "dose") else \
        {"concentration": region.concentration * scale}
    return dataclasses.replace(region, x0=region.x0 + shift, x1=region.x1 + shift, **amount)


def vary_modulator(modulator, **deviations):
    """A dual-polarisation IQ modulator whose four child MZMs carry the same die deviations (one process draw
    per die: within-die variation is not modelled)."""
    from photonics.modulators import DualPolIQModulator, IQModulator

    def iq(m):
        return IQModulator(mzm_i=vary_mzm(m.mzm_i, **deviations), mzm_q=vary_mzm(m.mzm_q, **deviations),
                           **{k: getattr(m, k) for k in _extra_fields(m, ("mzm_i", "mzm_q"))})

    return DualPolIQModulator(iq_x=iq(modulator.iq_x), iq_y=iq(modulator.iq_y),
                              **{k: getattr(modulator, k) for k in _extra_fields(modulator, ("iq_x", "iq_y"))})


def _extra_fields(obj, skip) -> list[str]:
    return [f.name for f in dataclasses.fields(obj) if f.init and f.name not in skip]


def die_chip(chip, **deviations):
    """The ``ChipTransceiver`` of one die: the nominal chip with its modulator's deviations applied."""
    return dataclasses.replace(chip, modulator=vary_modulator(chip.modulator, **deviations))


def die_features(chip, standard) -> dict:
    """The surrogate's features of a die (``DIE_FEATURES``) and its headline device figures (SI)."""
    from .standards import get_standard

    std = get_standard(standard) if isinstance(standard, str) else standard
    mzm = chip.mzm  # as driven: its line's source is the driver's output impedance
    vpi = float(mzm.vpi)
    swing = float(chip.driver.line_swing_v / vpi)  # the depth the simulation applies (ChipTransceiver)
    return {"eo_penalty_db": bandwidth_penalty_db(mzm, std.baud_rate), "drive_swing_vpi": swing, "vpi_v": vpi,
            "eo_bandwidth_hz": float(mzm.eo_bandwidth()), "insertion_loss_db": float(mzm.insertion_loss_db)}


# --- the die-to-die change on the closed forms, anchored at the nominal's solver figures --------------------------
# A yield evaluates hundreds of dies, each its own cross-section (rib width, doping): on the solver devices
# that is ~0.5 s of solves per die. The per-die figures a yield predicts from (features, estimates) are therefore
# the nominal chip's on its own devices (the solvers, cached once) plus the change from the nominal die to this
# one on the closed-form models (``photonics.devices.with_model``). dB figures add that change; Vπ, bandwidths
# and swing/Vπ scale by its ratio. Zero deviations give the nominal's figures exactly; dies simulated in full
# (training, held-out and extrapolated dies) use their solver devices. tests/test_yields.py bounds the
# anchored figures against solver dies.
ADDITIVE = ("eo_penalty_db", "insertion_loss_db", "tx_power_dbm", "bandwidth_penalty_db", "required_osnr_db")
NOMINAL = {"width_delta": 0.0, "na_scale": 1.0, "nd_scale": 1.0, "offset_delta": 0.0, "gap_delta": 0.0}


def is_nominal(deviations: dict) -> bool:
    """True when ``deviations`` (``NOMINAL``'s keys to numbers; a missing key is nominal) is the nominal die."""
    from optolink.core.validate import check_real

    if not isinstance(deviations, dict):
        raise TypeError(f"deviations must be a mapping of {sorted(NOMINAL)}; got {type(deviations).__name__}")
    return all(check_real(k, deviations.get(k, v)) == v for k, v in NOMINAL.items())


def anchor_change(nominal: dict, closed_nominal: dict, closed_die: dict) -> dict:
    """``nominal`` moved by the change from ``closed_nominal`` to ``closed_die`` (per key: dB keys in
    ``ADDITIVE`` add it, the others scale by its ratio)."""
    for name, d in (("nominal", nominal), ("closed_nominal", closed_nominal), ("closed_die", closed_die)):
        if not isinstance(d, dict):
            raise TypeError(f"{name} must be a mapping of figure names to numbers; got {type(d).__name__}")
        missing = set(nominal) - set(d)
        if missing:
            raise ValueError(f"{name} lacks the figures {sorted(missing)}")
    out = {}
    for k, v in nominal.items():
        a, b = closed_nominal[k], closed_die[k]
        out[k] = v + b - a if k in ADDITIVE else (v * b / a if a != 0 else v)
    return out


def closed_form_chip(chip):
    """``chip`` with its modulator on the closed-form cross-section models."""
    from photonics.devices import with_model

    return dataclasses.replace(chip, modulator=with_model(chip.modulator, "closed_form"))


_NOMINAL_MEMO: dict = {}  # (the nominal chip's complete repr, standard) → its figures: the same for every die


def _nominal(chip, standard) -> dict:
    """The nominal chip's features and estimate on its own devices and on the closed forms, memoised per process
    on the chip's complete repr (frozen parameter sets: a pure function of them) — a yield's dies share them."""
    from optolink.core.display import full_repr

    key = (full_repr(chip), getattr(standard, "name", standard))
    hit = _NOMINAL_MEMO.get(key)
    if hit is None:
        if len(_NOMINAL_MEMO) >= 64:
            _NOMINAL_MEMO.clear()
        cf = closed_form_chip(chip)
        hit = _NOMINAL_MEMO[key] = {"features": die_features(chip, standard),
                                    "estimate": _estimate_figures(chip, standard), "closed_form": cf,
                                    "features_closed_form": die_features(cf, standard),
                                    "estimate_closed_form": _estimate_figures(cf, standard)}
    return hit


def _estimate_figures(chip, standard) -> dict:
    e = chip.estimate(standard)
    return {"required_osnr_db": e.required_osnr_db, "tx_power_dbm": e.tx_power_dbm}


def anchored_die(nominal, standard, **deviations) -> tuple[dict, dict]:
    """``(die_features, estimate)`` of one die of ``nominal`` (a ``ChipTransceiver``), anchored (the comment
    above); the estimate holds ``required_osnr_db`` and ``tx_power_dbm``."""
    nom = _nominal(nominal, standard)
    if is_nominal(deviations):
        return dict(nom["features"]), dict(nom["estimate"])
    die = die_chip(nom["closed_form"], **deviations)
    return (anchor_change(nom["features"], nom["features_closed_form"], die_features(die, standard)),
            anchor_change(nom["estimate"], nom["estimate_closed_form"], _estimate_figures(die, standard)))


def anchored_die_features(nominal, standard, **deviations) -> dict:
    """The anchored ``die_features`` of one die of ``nominal`` (``anchored_die``)."""
    return anchored_die(nominal, standard, **deviations)[0]


def anchored_estimate(nominal, standard, **deviations) -> dict:
    """The anchored estimate (``required_osnr_db``, ``tx_power_dbm``) of one die of ``nominal`` (``anchored_die``)."""
    return anchored_die(nominal, standard, **deviations)[1]


def die_simulation(*, chip: dict, standard: str, n_symbols: int, seed: int, osnr_db=None,
                   width_delta: float = 0.0, na_scale: float = 1.0, nd_scale: float = 1.0,
                   offset_delta: float = 0.0, gap_delta: float = 0.0) -> dict:
    """The sweep function of the surrogate's training and held-out dies (``chip``: ``ChipTransceiver.to_dict()``
    of the nominal chip): one die simulated in full
    (``links.verdict.simulate_chip``, the blind DSP chain), its features and figures. Every die uses the same
    ``seed`` (common random numbers: the same bits and noise draws), so differences between dies are the
    physics', not the Monte Carlo's."""
    from .chip import ChipTransceiver

    t0 = time.perf_counter()
    deltas = dict(width_delta=width_delta, na_scale=na_scale, nd_scale=nd_scale, offset_delta=offset_delta,
                  gap_delta=gap_delta)
    nominal = ChipTransceiver.from_dict(chip)
    die = die_chip(nominal, **deltas)
    feats = anchored_die_features(nominal, standard, **deltas)  # the features the surrogate predicts from
    try:
        perf = simulate_die(die, standard, n_symbols=n_symbols, seed=seed, osnr_db=osnr_db)
    except RuntimeError as exc:  # the blind DSP could not demodulate a point (e.g. polarisation demux failed)
        LOG.warning("die simulation failed, counted as a die that never reaches the threshold: %s", exc)
        est = anchored_estimate(nominal, standard, **deltas)
        return {**feats, "required_osnr_db": math.nan, "tx_power_plus_loss_db": math.nan, "log10_floor_ber":
                math.log10(0.5), "tx_power_dbm": math.nan, "floor_ber": 0.5, "simulation_failed": 1.0,
                "estimate_required_osnr_db": est["required_osnr_db"], "estimate_tx_power_dbm": est["tx_power_dbm"],
                "simulation_s": time.perf_counter() - t0}
    return {**feats, **performance_targets(perf, feats["insertion_loss_db"], n_symbols),
            "tx_power_dbm": perf.tx_power_dbm, "floor_ber": perf.floor_ber, "simulation_failed": 0.0,
            "estimate_required_osnr_db": perf.estimate.required_osnr_db,
            "estimate_tx_power_dbm": perf.estimate.tx_power_dbm, "simulation_s": time.perf_counter() - t0}


def simulate_die(die, standard, *, n_symbols: int, seed: int, osnr_db=None):
    """``links.verdict.simulate_chip`` of one die (its ``ChipPerformance``), its points kept in a throw-away
    store (the die's figures are what the caller's sweep stores); no sensitivity search (a yield's links are
    amplified: the OSNR decides)."""
    import tempfile

    from .verdict import simulate_chip

    with tempfile.TemporaryDirectory() as tmp:
        return simulate_chip(die, standard, store=f"{tmp}/die.h5", osnr_db=None if osnr_db is None else
                             list(osnr_db), n_symbols=n_symbols, rng=seed, sensitivity=False)


def performance_targets(perf, insertion_loss_db: float, n_symbols: int) -> dict:
    """The surrogate's targets (``SURROGATE_TARGETS``) of one simulated die (a ``ChipPerformance``)."""
    one_error = 1.0 / (8.0 * n_symbols)  # DP-16QAM: 8 bits per dual-polarisation symbol
    floor = perf.floor_ber if math.isfinite(perf.floor_ber) else math.nan
    return {"required_osnr_db": perf.required_osnr_db,
            "tx_power_plus_loss_db": perf.tx_power_dbm + insertion_loss_db,
            "log10_floor_ber": math.log10(max(floor, one_error)) if math.isfinite(floor) else math.nan}


def _scaled_distribution(dist, spread: float):
    from .sweep import Distribution

    p = dict(dist.params)
    if dist.kind in ("normal", "truncnormal"):
        p["std"] *= spread
        if dist.kind == "truncnormal":
            p["low"] = p["mean"] - (p["mean"] - p["low"]) * spread
            p["high"] = p["mean"] + (p["high"] - p["mean"]) * spread
    elif dist.kind == "uniform":
        mid, half = (p["low"] + p["high"]) / 2, (p["high"] - p["low"]) / 2 * spread
        p["low"], p["high"] = mid - half, mid + half
    elif dist.kind == "lognormal":
        p["sigma"] *= spread
    return Distribution(dist.kind, p)


def die_sweeps(chip, standard, distributions: dict, *, n_train: int = 24, n_test: int = 8, spread: float = 1.5,
               n_symbols: int = 2**14, seed: int = 0, osnr_db=None) -> tuple:
    """The two sweeps (``links.sweep.SweepSpec``) of a die surrogate: ``n_train`` training dies drawn from the
    process ``distributions`` widened by ``spread`` (so that the training range covers the yield's dies) and
    ``n_test`` held-out dies from the process itself, another draw. Run names carry the definition's
    fingerprint (chip, driver, standard, settings): a changed parameter is a new run, a repeated one is read."""
    from .standards import get_standard
    from .sweep import SweepSpec

    std = get_standard(standard) if isinstance(standard, str) else standard
    fixed = {"chip": chip.to_dict(), "standard": std.name, "n_symbols": int(n_symbols), "seed": int(seed),
             "osnr_db": None if osnr_db is None else [float(o) for o in osnr_db]}
    units = {"required_osnr_db": "dB (12.5 GHz)", "tx_power_dbm": "dBm", "eo_penalty_db": "dB", "vpi_v": "V",
             "drive_swing_vpi": "1", "eo_bandwidth_hz": "Hz", "insertion_loss_db": "dB", "simulation_s": "s"}
    train = SweepSpec(function="links.surrogate:die_simulation", n_samples=n_train, seed=1000 + seed,
                      random={k: _scaled_distribution(v, spread) for k, v in distributions.items()},
                      fixed=fixed, units=units)
    test = SweepSpec(function="links.surrogate:die_simulation", n_samples=n_test, seed=2000 + seed,
                     random=dict(distributions), fixed=fixed, units=units)
    tag = std.name.replace(" ", "_")
    return (dataclasses.replace(train, name=f"surrogate-train-{tag}-{train.fingerprint[:10]}"),
            dataclasses.replace(test, name=f"surrogate-test-{tag}-{test.fingerprint[:10]}"))


def _stored(store, name: str) -> int:
    try:
        return int(store.done_indices(name).size) if name in store.runs() else 0
    except (KeyError, ValueError):
        return 0


def fit_die_surrogate(chip, standard, distributions: dict, *, store, n_train: int = 24, n_test: int = 8,
                      spread: float = 1.5, n_symbols: int = 2**14, seed: int = 0, osnr_db=None,
                      degree: int | str = "auto", scheduler: str = "sync", workers: int | None = None,
                      progress: bool = False) -> Surrogate:
    """Simulate (or read back from ``store``) the training and held-out dies of :func:`die_sweeps`, fit the
    surrogate on the training dies and validate it on the held-out ones. The log says how many dies were
    already stored (a second call simulates nothing)."""
    from .standards import get_standard
    from .store import Store
    from .sweep import run_sweep

    std = get_standard(standard) if isinstance(standard, str) else standard
    store = store if isinstance(store, Store) else Store(store)
    train, test = die_sweeps(chip, std, distributions, n_train=n_train, n_test=n_test, spread=spread,
                             n_symbols=n_symbols, seed=seed, osnr_db=osnr_db)
    data = {}
    for spec in (train, test):
        have = _stored(store, spec.name)
        LOG.info("surrogate %s: %d of %d dies stored, %s", spec.name, min(have, spec.n_points), spec.n_points,
                 "recomputing nothing" if have >= spec.n_points else f"simulating {spec.n_points - have}")
        data[spec.name] = run_sweep(spec, store, scheduler=scheduler, workers=workers, progress=progress).sorted()
    tr, te = data[train.name], data[test.name]

    def columns(d, names):
        nan = np.full(d.n_done, np.nan)
        return {k: np.where(d.ok, d.results.get(k, nan), np.nan) for k in names}

    info = {"standard": std.name, "chip_fingerprint": getattr(chip, "fingerprint", ""), "n_symbols": n_symbols,
            "seed": seed, "spread": spread, "train_run": train.name, "test_run": test.name,
            "n_failed_simulations": int(np.sum(~tr.ok)) + int(np.sum(~te.ok)),
            "threshold": std.pre_fec_ber_threshold,
            "simulation_s_per_die": float(np.nanmean(columns(tr, ["simulation_s"])["simulation_s"]))}
    sur = fit_surrogate(columns(tr, DIE_FEATURES), columns(tr, SURROGATE_TARGETS), degree=degree, info=info)
    truth = columns(te, SURROGATE_TARGETS + DIE_FEATURES + ("insertion_loss_db",))
    sur = sur.validated({k: truth[k] for k in DIE_FEATURES}, {k: truth[k] for k in SURROGATE_TARGETS})
    pred = sur.predict({k: truth[k] for k in DIE_FEATURES})
    thr = math.log10(std.pre_fec_ber_threshold)
    floored_true = (truth["log10_floor_ber"] >= thr) | ~np.isfinite(truth["required_osnr_db"])
    floored_pred = (pred.get("log10_floor_ber", np.full(te.n_done, np.inf)) >= thr) | \
        ~np.isfinite(pred.get("required_osnr_db", np.full(te.n_done, np.nan)))
    ok = np.all(np.isfinite(np.column_stack([truth[k] for k in DIE_FEATURES])), axis=1)
    val = dict(sur.validation)
    val["floor_agreement"] = float(np.mean(floored_true[ok] == floored_pred[ok])) if ok.any() else math.nan
    val["tx_power_dbm"] = val.get("tx_power_plus_loss_db", {})  # the insertion loss enters exactly
    return dataclasses.replace(sur, validation=val)


def predict_die(surrogate: Surrogate, features: dict, threshold: float, *, extrapolation: str = "flag") -> dict:
    """One die's figures from the surrogate: required OSNR (dB, 12.5 GHz; NaN if it floors), Tx power (dBm),
    BER floor, ``floor_fail`` (1.0 when the predicted floor is at or above ``threshold``) and ``extrapolated``."""
    p = surrogate.predict_one({k: features[k] for k in surrogate.features}, extrapolation=extrapolation)
    floor = 10 ** p["log10_floor_ber"] if "log10_floor_ber" in p else math.nan
    req = p.get("required_osnr_db", math.nan)
    floor_fail = (math.isfinite(floor) and floor >= threshold) or not math.isfinite(req)
    return {"required_osnr_db": math.nan if floor_fail else req,
            "tx_power_dbm": p.get("tx_power_plus_loss_db", math.nan) - features["insertion_loss_db"],
            "floor_ber": floor, "floor_fail": float(floor_fail), "extrapolated": p["extrapolated"]}
