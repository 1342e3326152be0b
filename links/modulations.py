"""The modulation formats of the links package: their order M, bits per symbol and levels per dimension.

One table for every module: square M-QAM (``"QPSK"`` = 4-QAM, ``"16QAM"``, ``"64QAM"``) is two √M-level PAM
tributaries (in-phase and quadrature); ``"PAM4"`` is one real 4-level dimension.
"""

from __future__ import annotations

import math

__all__ = ["MODULATIONS", "BITS_PER_SYMBOL", "COHERENT_MODULATIONS", "check_modulation", "levels_per_dimension"]

MODULATIONS: dict[str, int] = {"QPSK": 4, "16QAM": 16, "64QAM": 64, "PAM4": 4}  # order M (points)
BITS_PER_SYMBOL: dict[str, int] = {name: int(round(math.log2(m))) for name, m in MODULATIONS.items()}
COHERENT_MODULATIONS: tuple[str, ...] = ("QPSK", "16QAM", "64QAM")  # the complex (square QAM) formats


def check_modulation(modulation) -> str:
    """``modulation`` if it is one of ``MODULATIONS``; ValueError naming the known ones otherwise."""
    if modulation not in MODULATIONS:
        raise ValueError(f"modulation must be one of {sorted(MODULATIONS)}; got {modulation!r}")
    return modulation


def levels_per_dimension(modulation: str) -> int:
    """Amplitude levels per real dimension: √M for square QAM, M for PAM."""
    m = MODULATIONS[check_modulation(modulation)]
    return m if modulation.startswith("PAM") else int(round(math.sqrt(m)))
