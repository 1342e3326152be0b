"""PAM4 test patterns of IEEE 802.3 clause 120.5.11.2: PRBS13Q and SSPRQ, and Gray-coded PAM4 mapping.

- PRBS13Q (clause 120.5.11.2.1): the PRBS13 bit sequence (polynomial x¹³ + x¹² + x² + x + 1) over two periods
  (16 382 bits) mapped to 8191 Gray-coded PAM4 symbols, two bits per symbol, the first bit of a pair the MSB.
- SSPRQ (clause 120.5.11.2.3, Table 120-2): a 32 768-bit block of three sections of PRBS31, each from the
  clause 49 (Figure 49-9) generator x³¹ + x²⁸ + 1 — its output inverted — preset with the section's seed
  (0x00000002, 0x34013FF7, 0x0CCCCCCC; 10 924, 10 922 and 10 922 bits). The block is sent twice, then twice
  more without its first and last bit (131 070 bits), Gray coded to 65 535 symbols, and the symbols of the
  second and fourth repetition are inverted (3 − s). The seed presets the register S30..S0, S0 the most recent
  bit (bit i of the seed is b[−1 − i]), so the seed is not the first bits sent. Checked bit-exact: the SHA-256 of
  the 65 535 symbols (levels 0..3, one byte each) equals the digest of IEEE's machine-readable extract
  ``SSPRQ_sequence.csv`` as quoted by an open-source test suite (``SSPRQ_SHA256``; the file itself is not held
  here), and the level probabilities and transition density equal that suite's figures of the same file.

Gray coding (clause 120.5.7): bit pairs 00 → 0, 01 → 1, 11 → 2, 10 → 3.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from optolink.core.validate import check_int

PRBS13_TAPS = (13, 12, 2, 1)  # x^13 + x^12 + x^2 + x + 1
PRBS31_TAPS = (31, 28)  # x^31 + x^28 + 1
SSPRQ_SEEDS = (0x00000002, 0x34013FF7, 0x0CCCCCCC)  # IEEE 802.3 Table 120-2
SSPRQ_SECTION_BITS = (10924, 10922, 10922)  # 32 768 bits
SSPRQ_INVERTED = ((16384, 32768), (49151, 65535))  # symbol ranges sent as 3 − s (repetitions 2 and 4)
SSPRQ_LENGTH = (1 << 16) - 1
# SHA-256 of the 65 535 SSPRQ symbols (levels 0..3 as uint8) of IEEE's SSPRQ_sequence.csv, as published by an
# open-source test suite (not computed from this module)
SSPRQ_SHA256 = "f17f5effb8e68863e5355258186456e1c3b3c48b5519c1a0c46dac855fae3582"
PRBS13Q_LENGTH = (1 << 13) - 1
_GRAY = np.array([0, 1, 3, 2])  # index = 2·msb + lsb → PAM4 level


@njit(cache=True)
def _lfsr_bits(n_bits, degree, taps, seed):
    """Fibonacci LFSR: b[n] = XOR of b[n − t] over the polynomial's exponents t; the seed gives b[−degree..−1]
    (bit i of the seed is b[−1 − i])."""
    hist = np.zeros(degree, dtype=np.uint8)
    for i in range(degree):
        hist[i] = (seed >> i) & 1  # hist[i] = b[n-1-i]
    out = np.empty(n_bits, dtype=np.uint8)
    for n in range(n_bits):
        b = 0
        for t in taps:
            b ^= hist[t - 1]
        for i in range(degree - 1, 0, -1):
            hist[i] = hist[i - 1]
        hist[0] = b
        out[n] = b
    return out


def prbs_bits(degree: int, n_bits: int, seed: int | None = None) -> np.ndarray:
    """``n_bits`` of PRBS7/9/13/15/23/31 (ITU-T O.150 / IEEE 802.3 polynomials), as uint8 0/1."""
    taps = {7: (7, 6), 9: (9, 5), 13: PRBS13_TAPS, 15: (15, 14), 23: (23, 18), 31: PRBS31_TAPS}
    if degree not in taps:
        raise ValueError(f"degree must be one of {sorted(taps)}; got {degree!r}")
    n_bits = check_int("n_bits", n_bits, low=0, high=2**27)
    seed = (1 << degree) - 1 if seed is None else check_int("seed", seed, low=1, high=(1 << degree) - 1)
    return _lfsr_bits(n_bits, degree, np.array(taps[degree], dtype=np.int64), seed)


def gray_pam4(bits) -> np.ndarray:
    """Gray-coded PAM4 symbols 0..3 from bit pairs (first bit of each pair the MSB)."""
    b = np.asarray(bits)
    if b.dtype.kind not in "biu" or b.ndim != 1 or (b.size and (b.min() < 0 or b.max() > 1)):
        raise ValueError(f"bits must be a 1-D array of 0/1 integers; got dtype {b.dtype}, shape {b.shape}")
    b = b.astype(np.int64)
    if b.size % 2:
        raise ValueError(f"bits must have an even length; got {b.size}")
    return _GRAY[2 * b[0::2] + b[1::2]]


def prbs13q(seed: int | None = None) -> np.ndarray:
    """The PRBS13Q pattern: 8191 Gray-coded PAM4 symbols (two periods of PRBS13)."""
    return gray_pam4(prbs_bits(13, 2 * PRBS13Q_LENGTH, seed))


def ssprq_block() -> np.ndarray:
    """The 32 768-bit SSPRQ block: the three inverted-output PRBS31 sections of Table 120-2."""
    return np.concatenate([1 - prbs_bits(31, n, seed) for seed, n in zip(SSPRQ_SEEDS, SSPRQ_SECTION_BITS,
                                                                          strict=True)]).astype(np.uint8)


def ssprq() -> np.ndarray:
    """The SSPRQ pattern of IEEE 802.3 clause 120.5.11.2.3: 65 535 Gray-coded PAM4 symbols 0..3 (module
    docstring)."""
    a = ssprq_block()
    sym = gray_pam4(np.concatenate([a, a, a[1:], a[:-1]]))
    for lo, hi in SSPRQ_INVERTED:
        sym[lo:hi] = 3 - sym[lo:hi]
    return sym


def pattern(name: str) -> np.ndarray:
    """A named pattern: ``"SSPRQ"`` or ``"PRBS13Q"``."""
    table = {"SSPRQ": ssprq, "PRBS13Q": prbs13q}
    if name not in table:
        raise ValueError(f"pattern must be one of {sorted(table)}; got {name!r}")
    return table[name]()
