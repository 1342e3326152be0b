"""The parts every budget reports: OSNR penalty allocations, budget lines, pass/fail checks, the level diagram."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from optolink.core.display import displayed
from optolink.core.validate import check_real

from . import plots as _plots

__all__ = ["Penalties", "BudgetLine", "Check", "LevelDiagram", "as_tuple_of", "tx_power_check", "TX_LOW_REASON"]

TX_LOW_REASON = "Tx power below the standard's minimum"


@dataclass(frozen=True)
class Penalties:
    """Explicit OSNR penalty allocations (dB, ≥ 0), each a line of the budget.

    CD and PMD cost ~0 dB inside the DSP's tolerance (S. J. Savory, "Digital filters for coherent optical
    receivers", Opt. Express 16(2), 804 (2008)); the budget checks the accumulated CD and DGD against the
    transceiver's tolerances and fails the link outside them. ``other`` holds extra named lines.
    """

    cd_db: float = 0.0
    pmd_db: float = 0.0
    pdl_db: float = 0.0
    ageing_db: float = 0.0
    other: tuple[tuple[str, float], ...] = ()

    def __post_init__(self):
        for name in ("cd_db", "pmd_db", "pdl_db", "ageing_db"):
            check_real(name, getattr(self, name), low=0.0, high=20.0)
        items = tuple(self.other.items()) if isinstance(self.other, Mapping) else tuple(self.other)
        clean = []
        for i, item in enumerate(items):
            if not (isinstance(item, tuple | list) and len(item) == 2 and isinstance(item[0], str)):
                raise TypeError(f"other[{i}] must be a (name, penalty_db) pair; got {item!r}")
            clean.append((item[0], check_real(f"other[{i}] ({item[0]})", item[1], low=0.0, high=20.0)))
        object.__setattr__(self, "other", tuple(clean))

    def lines(self) -> list[tuple[str, float]]:
        return [("CD", self.cd_db), ("PMD", self.pmd_db), ("PDL", self.pdl_db), ("ageing", self.ageing_db),
                *self.other]

    @property
    def total_db(self) -> float:
        return float(sum(v for _, v in self.lines()))



@displayed("x=position:m", "P=channel_power_dbm:dBm", "ch=channel_index")
@dataclass(frozen=True)
class LevelDiagram:
    """Per-channel power (dBm) of one channel and the total power along the link, vs position (m)."""

    position: np.ndarray
    channel_power_dbm: np.ndarray
    total_power_dbm: np.ndarray
    labels: tuple[str, ...]
    channel_index: int

    plot = _plots.level_diagram  # plot(ax=None) → Axes (links.plots)


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def tx_power_check(tx_power_dbm: float, tx_range_dbm: tuple[float, float]) -> Check:
    """The Tx power against the standard's range: below the minimum FAILS (``TX_LOW_REASON``); above the
    maximum passes with a note (an attenuator brings it down)."""
    lo, hi = tx_range_dbm
    rng = f"the standard's range {lo:g} to {hi:g} dBm"
    if tx_power_dbm < lo:
        return Check("Tx power", False, f"{TX_LOW_REASON}: {tx_power_dbm:.2f} dBm vs {rng}")
    note = " (above the maximum: attenuate)" if tx_power_dbm > hi else ""
    return Check("Tx power", True, f"{tx_power_dbm:.2f} dBm within {rng}{note}" if not note else
                 f"{tx_power_dbm:.2f} dBm vs {rng}{note}")


@dataclass(frozen=True)
class BudgetLine:
    """One line of a budget: a named value in dB (or dBm), with a note."""

    name: str
    value_db: float
    note: str = ""



def as_tuple_of(x, kind, name: str) -> tuple:
    """``x`` as a tuple of ``kind`` (one instance or a sequence of them); TypeError naming ``name`` otherwise."""
    if isinstance(x, kind):
        return (x,)
    if isinstance(x, str | bytes) or not isinstance(x, Sequence):
        raise TypeError(f"{name} must be a {kind.__name__} or a sequence of them; got {type(x).__name__}")
    items = tuple(x)
    for i, it in enumerate(items):
        if not isinstance(it, kind):
            raise TypeError(f"{name}[{i}] must be a {kind.__name__}; got {type(it).__name__}")
    return items

