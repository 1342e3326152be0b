"""Alignment of received symbols to the transmitted record before counting errors: polarization assignment,
delay (circular, the records are periodic) and the constellation's rotational ambiguity."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import fft as sfft

from optolink.core.validate import check_int

from ..signals import check_field


class DemultiplexingError(ValueError):
    """The receiver's DSP delivered the same transmitted polarization on both outputs: the record cannot be
    demodulated (a link far below its threshold, or a transmitter the DSP cannot lock to)."""


@dataclass(frozen=True)
class Alignment:
    """Per received row: the transmitted row it carries, its delay (symbols) and the rotation removed (rad)."""

    source: tuple[int, ...]
    delay: tuple[int, ...]
    rotation: tuple[float, ...]

    def to_dict(self) -> dict:
        return {"source": list(self.source), "delay_symbols": list(self.delay),
                "rotation_rad": list(self.rotation)}


def align(received, transmitted, *, symmetry: int = 4):
    """Align ``received`` (P, N) or (N,) to ``transmitted`` of the same shape (periodic records).

    For each received row the transmitted row and circular delay maximising |cross-correlation| are found
    (FFT); the row is rolled back by the delay and rotated by the multiple of 2π/``symmetry`` nearest the
    correlation phase (4 for QPSK/QAM, 2 for real formats). Dual-polarization rows must map to distinct
    transmitted rows; otherwise ValueError (the equalizer converged onto one polarization). The aligned rows
    are returned in the transmitted order (row i carries transmitted row i); the `Alignment` lists, per
    received row, its source row, delay and rotation. Returns ``(aligned, Alignment)``.
    """
    y = check_field("received", received)
    s = check_field("transmitted", transmitted)
    symmetry = check_int("symmetry", symmetry, low=1, high=64)
    if y.shape != s.shape:
        raise ValueError(f"received and transmitted must have the same shape; got {y.shape} and {s.shape}")
    y2, s2 = np.atleast_2d(y), np.atleast_2d(s)
    n = y2.shape[-1]
    fy = sfft.fft(y2, axis=-1)
    fs_ = sfft.fft(s2, axis=-1)
    out = np.empty_like(y2, dtype=complex)
    src, dly, rot = [], [], []
    for r in range(y2.shape[0]):
        # c[d] = Σ y[k + d]·conj(s[k])
        c = sfft.ifft(fy[r][None, :] * np.conj(fs_), axis=-1)
        t, d = np.unravel_index(int(np.argmax(np.abs(c))), c.shape)
        step = 2 * math.pi / symmetry
        phi = step * round(float(np.angle(c[t, d])) / step)
        out[r] = np.roll(y2[r], -int(d)) * np.exp(-1j * phi)
        src.append(int(t) if y2.shape[0] > 1 else 0)
        dly.append(int(d) if d <= n // 2 else int(d) - n)
        rot.append(float(phi))
    if y2.shape[0] > 1 and len(set(src)) < len(src):
        raise DemultiplexingError(f"polarization demultiplexing failed: received rows all carry transmitted "
                                  f"row(s) {src}")
    if y2.shape[0] > 1:
        out = out[np.argsort(src)]  # row i of the result carries transmitted row i
    return (out[0] if y.ndim == 1 else out), Alignment(tuple(src), tuple(dly), tuple(rot))
