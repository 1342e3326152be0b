"""Latency of a fibre link: propagation from the group index (Corning SMF-28 Ultra product information PI1424:
n_g = 1.4682 at 1550 nm) plus the DSP/FEC latency of the transceiver, and the largest reach within a round-trip
budget (the 1 ms "latency circle")."""

from __future__ import annotations

from dataclasses import dataclass

from optolink.core.constants import C
from optolink.core.validate import check_positive, check_real

from .fiber import SMF28_GROUP_INDEX

__all__ = ["Latency", "latency", "max_reach"]


@dataclass(frozen=True)
class Latency:
    """One-way and round-trip latency (s) and the reach (m) that fits ``budget_rtt_s`` round trip."""

    length: float
    group_index: float
    propagation_s: float
    dsp_s: float
    one_way_s: float
    round_trip_s: float
    budget_rtt_s: float
    max_reach: float
    checked: bool

    @property
    def fits(self) -> bool:
        return self.round_trip_s <= self.budget_rtt_s


def max_reach(budget_rtt_s: float, group_index: float = SMF28_GROUP_INDEX, dsp_latency_s: float = 0.0) -> float:
    """Largest fibre length (m) whose round trip, 2·(L·n_g/c + t_DSP), fits ``budget_rtt_s``; 0 if none."""
    check_positive("budget_rtt_s", budget_rtt_s)
    check_real("group_index", group_index, low=1.0, high=2.0)
    check_real("dsp_latency_s", dsp_latency_s, low=0.0)
    return max(0.0, (budget_rtt_s / 2 - dsp_latency_s) * C / group_index)


def latency(length: float, group_index: float = SMF28_GROUP_INDEX, dsp_latency_s: float = 0.0,
            budget_rtt_s: float = 1e-3, *, checked: bool = False) -> Latency:
    """Latency of ``length`` m of fibre with ``group_index`` plus ``dsp_latency_s`` (Tx+Rx DSP and FEC, one way).

    ``checked`` marks a budget the link must meet (it then enters the verdict); otherwise ``budget_rtt_s``
    only sets the reported latency circle (default 1 ms round trip).
    """
    check_real("length", length, low=0.0)
    check_real("group_index", group_index, low=1.0, high=2.0)
    check_real("dsp_latency_s", dsp_latency_s, low=0.0)
    check_positive("budget_rtt_s", budget_rtt_s)
    return _latency(length, group_index, dsp_latency_s, budget_rtt_s, checked=checked)


def _latency(length: float, group_index: float, dsp_latency_s: float, budget_rtt_s: float, *,
             checked: bool) -> Latency:
    """`latency` of inputs the caller has validated (a budget's spans and transceiver already are)."""
    prop = length * group_index / C
    one = prop + dsp_latency_s
    reach = max(0.0, (budget_rtt_s / 2 - dsp_latency_s) * C / group_index)  # `max_reach`
    return Latency(length=float(length), group_index=float(group_index), propagation_s=prop,
                   dsp_s=float(dsp_latency_s), one_way_s=one, round_trip_s=2 * one, budget_rtt_s=float(budget_rtt_s),
                   max_reach=reach, checked=bool(checked))
