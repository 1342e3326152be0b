"""The power budget of an unamplified link: Tx power, fibre and lumped losses, penalties, Rx sensitivity → margin."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from optolink.core.display import displayed
from optolink.core.validate import check_int, check_optional_real, check_real

from . import plots as _plots
from .budget_lines import BudgetLine, Check, LevelDiagram, Penalties, as_tuple_of, tx_power_check
from .fiber import SMF28_GROUP_INDEX
from .latency import Latency, latency

__all__ = ["LumpedLoss", "UnamplifiedLink", "PowerBudget", "power_budget"]


@dataclass(frozen=True)
class LumpedLoss:
    """``count`` identical lumped losses (connectors, splices, mux, couplers) of ``loss_db`` each, placed at
    ``position`` (m from the transmitter) on the level diagram."""

    name: str
    loss_db: float
    count: int = 1
    position: float = 0.0

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name:
            raise TypeError("name must be a non-empty string")
        check_real(f"{self.name}.loss_db", self.loss_db, low=0.0, high=60.0)
        check_int(f"{self.name}.count", self.count, low=0, high=10000)
        check_real(f"{self.name}.position", self.position, low=0.0)

    @property
    def total_db(self) -> float:
        return self.loss_db * self.count


@displayed("name", "L=fiber_length:m", "Ptx=tx_power_dbm:dBm", "sens=rx_sensitivity_dbm:dBm")
@dataclass(frozen=True)
class UnamplifiedLink:
    """An unamplified link: Tx power and Rx sensitivity (dBm), fibre (m, dB/km) and lumped losses.

    From a transceiver (`from_transceiver`): its Tx power (checked against ``tx_power_range_dbm``), its
    receiver sensitivity (the received power at the threshold with OSNR unlimited), its ``fail_reasons`` and
    ``provenance``; ``required_osnr_db``/``transceiver_source`` are reported."""

    tx_power_dbm: float
    rx_sensitivity_dbm: float
    fiber_length: float
    alpha_db_per_km: float
    losses: tuple[LumpedLoss, ...] = ()
    penalties: Penalties = field(default_factory=Penalties)
    rx_overload_dbm: float | None = None
    group_index: float = SMF28_GROUP_INDEX
    dsp_latency_s: float = 0.0
    name: str = ""
    tx_power_range_dbm: tuple[float, float] | None = None
    fail_reasons: tuple[str, ...] = ()
    transceiver_source: str = ""
    required_osnr_db: float | None = None
    provenance: dict | None = field(default=None, compare=False)

    def __post_init__(self):
        check_real("tx_power_dbm", self.tx_power_dbm, low=-50.0, high=30.0)
        if self.tx_power_range_dbm is not None:
            lo, hi = (check_real("tx_power_range_dbm", v, low=-60.0, high=30.0) for v in self.tx_power_range_dbm)
            object.__setattr__(self, "tx_power_range_dbm", (lo, hi))
        object.__setattr__(self, "fail_reasons", tuple(str(r) for r in self.fail_reasons))
        check_real("rx_sensitivity_dbm", self.rx_sensitivity_dbm, low=-80.0, high=20.0)
        check_real("fiber_length", self.fiber_length, low=0.0, high=1e6)
        check_real("alpha_db_per_km", self.alpha_db_per_km, low=0.0, high=10.0)
        object.__setattr__(self, "losses", as_tuple_of(self.losses, LumpedLoss, "losses") if self.losses else ())
        if not isinstance(self.penalties, Penalties):
            raise TypeError(f"penalties must be a Penalties; got {type(self.penalties).__name__}")
        check_optional_real("rx_overload_dbm", self.rx_overload_dbm, low=-60.0, high=30.0)
        if self.rx_overload_dbm is not None and self.rx_overload_dbm <= self.rx_sensitivity_dbm:
            raise ValueError(f"rx_overload_dbm must be > rx_sensitivity_dbm ({self.rx_sensitivity_dbm:g}); "
                             f"got {self.rx_overload_dbm}")
        check_real("group_index", self.group_index, low=1.0, high=2.0)
        check_real("dsp_latency_s", self.dsp_latency_s, low=0.0, high=1e-2)
        for loss in self.losses:
            if loss.position > self.fiber_length:
                raise ValueError(f"{loss.name}.position must be <= fiber_length ({self.fiber_length:g} m); "
                                 f"got {loss.position:g}")


    @classmethod
    def from_transceiver(cls, transceiver, fiber_length: float, alpha_db_per_km: float, **kwargs) -> UnamplifiedLink:
        """The link of a `links.transceiver.Transceiver` with a Tx power and a receiver sensitivity (e.g. from
        `Transceiver.from_chip`): the link passes or fails on that sensitivity."""
        if transceiver.tx_power_dbm is None or transceiver.sensitivity_dbm is None:
            raise ValueError(f"transceiver {transceiver.name!r} needs tx_power_dbm and sensitivity_dbm for an "
                             "unamplified link (a chip transceiver from links.verdict.simulate_chip has both)")
        req = transceiver.required_osnr_db
        kw = dict(tx_power_dbm=transceiver.tx_power_dbm, rx_sensitivity_dbm=transceiver.sensitivity_dbm,
                  fiber_length=fiber_length, alpha_db_per_km=alpha_db_per_km,
                  dsp_latency_s=transceiver.dsp_latency_s, tx_power_range_dbm=transceiver.tx_power_range_dbm,
                  fail_reasons=transceiver.fail_reasons, transceiver_source=transceiver.source,
                  required_osnr_db=None if req != req else float(req), provenance=transceiver.provenance)
        kw.update(kwargs)
        return cls(**kw)


@displayed("name", "loss=total_loss_db:dB", "Prx=received_power_dbm:dBm", "margin=margin_db:dB", "verdict")
@dataclass(frozen=True)
class PowerBudget:
    """Result of `power_budget`: lines (dB; losses and penalties positive), received power and margin."""

    link: UnamplifiedLink
    lines: tuple[BudgetLine, ...]
    fiber_loss_db: float
    total_loss_db: float
    received_power_dbm: float
    margin_db: float
    level: LevelDiagram
    latency: Latency
    checks: tuple[Check, ...]

    plot = _plots.level_diagram  # plot(ax=None) → Axes of the level diagram (links.plots)

    @property
    def name(self) -> str:
        return self.link.name

    @property
    def verdict(self) -> str:
        return "PASS" if all(c.passed for c in self.checks) else "FAIL"

    @property
    def fail_reasons(self) -> tuple[str, ...]:
        """The failed checks, each as "name: detail"."""
        return tuple(f"{c.name}: {c.detail}" for c in self.checks if not c.passed)


def power_budget(link: UnamplifiedLink, *, latency_budget_rtt_s: float | None = None) -> PowerBudget:
    """Power budget of an unamplified link: received = Tx − fibre − lumped losses; margin = received −
    penalties − sensitivity. Fails if the margin is negative or the received power exceeds the overload."""
    if not isinstance(link, UnamplifiedLink):
        raise TypeError(f"link must be an UnamplifiedLink; got {type(link).__name__}")
    fiber_db = link.alpha_db_per_km * link.fiber_length / 1e3
    lines = [BudgetLine("Tx power", link.tx_power_dbm, "dBm"),
             BudgetLine("fibre", fiber_db, f"{link.fiber_length / 1e3:g} km at {link.alpha_db_per_km:g} dB/km")]
    lines += [BudgetLine(loss.name, loss.total_db, f"{loss.count} × {loss.loss_db:g} dB") for loss in link.losses]
    total = fiber_db + sum(loss.total_db for loss in link.losses)
    rx = link.tx_power_dbm - total
    lines += [BudgetLine(f"{n} penalty", v, "allocation") for n, v in link.penalties.lines()]
    margin = rx - link.penalties.total_db - link.rx_sensitivity_dbm
    lines += [BudgetLine("Rx sensitivity", link.rx_sensitivity_dbm, "dBm"), BudgetLine("margin", margin, "dB")]
    below = "" if margin >= 0 else " (received power below the receiver sensitivity)"
    checks = [Check("power margin", bool(margin >= 0),
                    f"received {rx:.2f} dBm, penalties {link.penalties.total_db:.2f} dB, "
                    f"sensitivity {link.rx_sensitivity_dbm:.2f} dBm → margin {margin:.2f} dB{below}")]
    checks += [Check("transceiver", False, reason) for reason in link.fail_reasons]
    if link.tx_power_range_dbm is not None:
        checks.append(tx_power_check(link.tx_power_dbm, link.tx_power_range_dbm))
    if link.rx_overload_dbm is not None:
        checks.append(Check("Rx overload", rx <= link.rx_overload_dbm,
                            f"received {rx:.2f} dBm vs overload {link.rx_overload_dbm:g} dBm"))
    lat = latency(link.fiber_length, link.group_index, link.dsp_latency_s,
                  latency_budget_rtt_s if latency_budget_rtt_s is not None else 1e-3,
                  checked=latency_budget_rtt_s is not None)
    if lat.checked:
        checks.append(Check("latency", lat.fits, f"round trip {lat.round_trip_s * 1e6:.1f} us vs budget "
                                                 f"{lat.budget_rtt_s * 1e6:.1f} us"))
    # level diagram: fibre attenuation with the lumped losses at their positions
    events = sorted(link.losses, key=lambda x: x.position)
    pos, lvl, labels = [0.0], [link.tx_power_dbm], ["Tx"]
    cur, z = link.tx_power_dbm, 0.0
    a = link.alpha_db_per_km / 1e3
    for loss in events:
        cur -= a * (loss.position - z)
        z = loss.position
        pos.append(z)
        lvl.append(cur)
        labels.append(f"before {loss.name}")
        cur -= loss.total_db
        pos.append(z)
        lvl.append(cur)
        labels.append(loss.name)
    cur -= a * (link.fiber_length - z)
    pos.append(link.fiber_length)
    lvl.append(cur)
    labels.append("Rx")
    level = LevelDiagram(position=np.array(pos), channel_power_dbm=np.array(lvl), total_power_dbm=np.array(lvl),
                         labels=tuple(labels), channel_index=0)
    return PowerBudget(link=link, lines=tuple(lines), fiber_loss_db=fiber_db, total_loss_db=total,
                       received_power_dbm=rx, margin_db=margin, level=level, latency=lat, checks=tuple(checks))
