"""S-parameters of optolink's devices and their Touchstone 1.1 files.

``SParameters``: a frequency grid (Hz; optical devices are given on a wavelength grid and stored by optical
frequency c/λ), port names, the complex S array ``s[k, i, j]`` = b_i/a_j at frequency k (``s[:, 1, 0]`` is
S21, from port 1 to port 2) and one real reference impedance (Ω; meaningful for the electrical ports,
a nominal 50 Ω for optical ones, where the S-matrix is a field-amplitude transfer).

Touchstone (``write_touchstone``, ``read_touchstone``) per the Touchstone File Format Specification
Rev 1.1 (EIA/IBIS Open Forum, 2002): ASCII, ``!`` comments, one option line ``# HZ S RI R 50``
(frequency unit, parameter, format, reference resistance), then one data set per frequency in increasing
order: the frequency and the real/imaginary pairs; a 1- or 2-port on one line in the order
S11 (S21 S12 S22) — the 2-port column-major exception —, 3 ports and more row by row (S11 S12 … S1n, then
S21 …), each row starting a new line and at most four pairs per line. The file name ends in ``.sNp``
(N ports). Port names are written as ``! Port[i] = name`` comment lines, which scikit-rf reads back.

Device S-parameters (functions named after the device; each returns ``SParameters``):

- ``electrode_s_parameters(mzm, frequency)``: the MZM's electrode, electrical. A ``CoplanarElectrode`` is
  the junction-loaded line (γ, Z_c from ``mzm.line``), a 2-port (rf_in, rf_out) by the line's ABCD matrix
  [[cosh γL, Z_c sinh γL], [sinh γL/Z_c, cosh γL]] converted to S (D. M. Pozar, "Microwave Engineering",
  4th ed., Table 4.2); a ``LumpedElectrode`` is a 1-port (rf_in): the RC load of junctions, pads and
  termination, S11 = (Z − Z0)/(Z + Z0).
- ``eo_s_parameters(mzm, frequency)``: the electro-optic 2-port as a lightwave component analyser reports
  it: port 1 the RF input (S11: reflection of the terminated electrode seen from the source), port 2 the
  optical modulation; S21 = ``mzm.eo_response(f)``, the arms' phase-difference modulation per volt of
  drive normalised to its low-frequency value (so |S21| = 1 at DC, −3 dB electrical at the EO bandwidth).
  S12 = S22 = 0: the light does not drive the electrode (not reciprocal, by nature).
- ``ring_s_parameters``, ``coupler_s_parameters``, ``mzm_s_parameters``, ``waveguide_s_parameters``: the
  optical S-matrices vs wavelength, from the SDicts of ``photonics.sax_models`` (one source of the
  formulas); no back-reflections; reciprocal.
"""

from __future__ import annotations

import os
import pathlib
import re
from dataclasses import dataclass

import numpy as np

from optolink.core.constants import C
from optolink.core.files import write_text_atomic
from optolink.core.provenance import software_version
from optolink.core.validate import check_array, check_real

from . import sax_models
from .electrodes import LumpedElectrode

__all__ = [
    "SParameters",
    "abcd_to_s",
    "coupler_s_parameters",
    "electrode_s_parameters",
    "eo_s_parameters",
    "mzm_s_parameters",
    "read_touchstone",
    "ring_s_parameters",
    "waveguide_s_parameters",
    "write_touchstone",
]


@dataclass(frozen=True, eq=False)
class SParameters:
    """S-parameters on a frequency grid: ``frequency`` (Hz, increasing, > 0), ``s`` (n_freq, n_ports, n_ports)
    complex with ``s[k, i, j]`` from port j to port i, ``port_names`` (one per port, distinct) and a real
    ``reference_impedance`` (Ω). Arrays are copied and made read-only."""

    frequency: np.ndarray
    s: np.ndarray
    port_names: tuple[str, ...]
    reference_impedance: float = 50.0

    def __post_init__(self):
        f = check_array("frequency", self.frequency, low=0.0, low_open=True).astype(float).ravel()
        if f.size == 0:
            raise ValueError("frequency must hold at least one point")
        if f.size > 1 and not np.all(np.diff(f) > 0):
            raise ValueError("frequency must be strictly increasing")
        s = np.array(self.s, dtype=complex)
        if s.ndim != 3 or s.shape[0] != f.size or s.shape[1] != s.shape[2]:
            raise ValueError(f"s must have shape (n_freq={f.size}, n_ports, n_ports); got {s.shape}")
        if not np.all(np.isfinite(s)):
            raise ValueError("s must be finite (no NaN or inf)")
        names = tuple(self.port_names)
        if len(names) != s.shape[1] or len(set(names)) != len(names) or not all(isinstance(n, str) and n
                                                                                  for n in names):
            raise ValueError(f"port_names must be {s.shape[1]} distinct non-empty strings; got {names!r}")
        z0 = check_real("reference_impedance", self.reference_impedance, low=0.0, low_open=True)
        f.flags.writeable = False
        s.flags.writeable = False
        object.__setattr__(self, "frequency", f)
        object.__setattr__(self, "s", s)
        object.__setattr__(self, "port_names", names)
        object.__setattr__(self, "reference_impedance", z0)

    # --- construction ----------------------------------------------------------------------------
    @classmethod
    def from_wavelength(cls, wavelength, s, port_names, reference_impedance: float = 50.0) -> SParameters:
        """From a wavelength grid (m, any order): stored by frequency c/λ, increasing."""
        lam = check_array("wavelength", wavelength, low=0.0, low_open=True).astype(float).ravel()
        s = np.asarray(s, dtype=complex)
        order = np.argsort(C / lam)
        return cls(C / lam[order], s[order], port_names, reference_impedance)

    @classmethod
    def from_sdict(cls, sdict: dict, *, wavelength=None, frequency=None, port_names=None,
                   reference_impedance: float = 50.0) -> SParameters:
        """From an SDict ``{(port_in, port_out): array}`` on ``wavelength`` (m) or ``frequency`` (Hz).

        ``port_names``: the port order (default: the ports in order of first appearance); entries missing
        from the SDict are zero.
        """
        if (wavelength is None) == (frequency is None):
            raise ValueError("give exactly one of wavelength and frequency")
        names = list(port_names) if port_names is not None else list(dict.fromkeys(p for k in sdict for p in k))
        grid = np.atleast_1d(np.asarray(wavelength if frequency is None else frequency, dtype=float))
        index = {n: i for i, n in enumerate(names)}
        s = np.zeros((grid.size, len(names), len(names)), dtype=complex)
        for (p_in, p_out), v in sdict.items():
            if p_in not in index or p_out not in index:
                raise ValueError(f"SDict port {p_in!r} or {p_out!r} not in port_names {names}")
            vv = np.asarray(v, dtype=complex).ravel()
            if vv.size not in (1, grid.size):
                raise ValueError(f"SDict entry {(p_in, p_out)} has {vv.size} values for {grid.size} grid points")
            s[:, index[p_out], index[p_in]] = vv
        if frequency is None:
            return cls.from_wavelength(grid, s, names, reference_impedance)
        return cls(grid, s, names, reference_impedance)

    # --- views -----------------------------------------------------------------------------------
    @property
    def n_ports(self) -> int:
        return self.s.shape[1]

    @property
    def wavelength(self) -> np.ndarray:
        """Vacuum wavelength c/f (m) of each grid point (decreasing)."""
        return C / self.frequency

    def between(self, port_in: str, port_out: str) -> np.ndarray:
        """S from ``port_in`` to ``port_out`` on the grid (e.g. ``between("in0", "out0")``)."""
        return self.s[:, self.port_names.index(port_out), self.port_names.index(port_in)]

    def to_sdict(self) -> dict:
        """The non-zero entries as an SDict ``{(port_in, port_out): array}`` (on the frequency grid)."""
        out = {}
        for j, p_in in enumerate(self.port_names):
            for i, p_out in enumerate(self.port_names):
                v = self.s[:, i, j]
                if np.any(v != 0):
                    out[(p_in, p_out)] = v.copy()
        return out

    def reciprocity_error(self) -> float:
        """max |S − Sᵀ| over the grid (0 for a reciprocal device)."""
        return float(np.max(np.abs(self.s - np.swapaxes(self.s, 1, 2))))

    def max_singular_value(self) -> float:
        """Largest singular value of S over the grid (≤ 1 for a passive device, 1 if lossless)."""
        return float(np.max(np.linalg.svd(self.s, compute_uv=False)))


# ------------------------------------------------------------------------------------------------
# Touchstone 1.1
# ------------------------------------------------------------------------------------------------
_UNITS = {"HZ": 1.0, "KHZ": 1e3, "MHZ": 1e6, "GHZ": 1e9, "THZ": 1e12}
_SUFFIX = re.compile(r"\.s(\d+)p$", re.IGNORECASE)


def _n_ports_of(path: pathlib.Path) -> int:
    m = _SUFFIX.search(path.name)
    if not m:
        raise ValueError(f"a Touchstone 1.1 file name ends in .sNp (N ports); got {path.name!r}")
    return int(m.group(1))


def _pairs(values: np.ndarray) -> list[str]:
    return [f"{v.real: .17g} {v.imag: .17g}" for v in values]


def write_touchstone(path: str | os.PathLike, sp: SParameters, comment: str = "") -> pathlib.Path:
    """Write ``sp`` as a Touchstone 1.1 file (``# HZ S RI R <z0>``), atomically; ``path`` ends in ``.sNp``.

    Values are written with 17 significant digits (round trip exact in float64). Port order is
    ``sp.port_names``, recorded as ``! Port[i] = name`` comments; ``comment`` lines are prefixed ``!``.
    """
    if not isinstance(sp, SParameters):
        raise TypeError(f"sp must be SParameters, got {type(sp).__name__}")
    p = pathlib.Path(path)
    n = _n_ports_of(p)
    if n != sp.n_ports:
        raise ValueError(f"file name {p.name!r} says {n} ports; the S-parameters have {sp.n_ports}")
    if sp.n_ports > 99:
        raise ValueError("Touchstone 1.1 writer: at most 99 ports")
    lines = [f"! Touchstone 1.1 S-parameters written by optolink {software_version()}"]
    lines += [f"! {line}" for line in comment.splitlines()]
    lines += [f"! Port[{i + 1}] = {name}" for i, name in enumerate(sp.port_names)]
    lines.append(f"# HZ S RI R {sp.reference_impedance:.17g}")
    for f, s in zip(sp.frequency, sp.s, strict=True):
        head = f"{f:.17g}"
        if n <= 2:
            vals = s.T.ravel() if n == 2 else s.ravel()  # 2-port: S11 S21 S12 S22
            lines.append(" ".join([head, *_pairs(vals)]))
            continue
        for i in range(n):
            row = _pairs(s[i])
            for c in range(0, n, 4):
                chunk = " ".join(row[c:c + 4])
                lines.append(f"{head} {chunk}" if (i == 0 and c == 0) else f"  {chunk}")
    return write_text_atomic(p, "\n".join(lines) + "\n")


def read_touchstone(path: str | os.PathLike) -> SParameters:
    """Read a Touchstone 1.x S-parameter file (any frequency unit; RI, MA or DB; ``.sNp``).

    Port names from ``! Port[i] = name`` comments when present, else ``port1`` … ``portN``. The noise
    block of a 2-port (a frequency not above the previous one) is ignored.
    """
    p = pathlib.Path(path)
    n = _n_ports_of(p)
    option = None
    names: dict[int, str] = {}
    numbers: list[float] = []
    for raw in p.read_text(encoding="ascii").splitlines():
        m = re.match(r"\s*!\s*Port\[(\d+)\]\s*=\s*(.*?)\s*$", raw)
        if m:
            names[int(m.group(1)) - 1] = m.group(2)
        line = raw.split("!", 1)[0].strip()
        if not line:
            continue
        if line.startswith("#"):
            if option is None:  # later option lines are ignored (spec)
                option = line[1:].upper().split()
            continue
        if line.startswith("["):
            raise ValueError(f"{p.name}: Touchstone 2.0 keywords are not read here ({line.split()[0]})")
        numbers.extend(float(x) for x in line.split())
    unit, param, fmt, z0 = "GHZ", "S", "MA", 50.0  # the spec's defaults
    tokens = option or []
    k = 0
    while k < len(tokens):
        t = tokens[k]
        if t in _UNITS:
            unit = t
        elif t in ("S", "Y", "Z", "H", "G"):
            param = t
        elif t in ("RI", "MA", "DB"):
            fmt = t
        elif t == "R" and k + 1 < len(tokens):
            z0 = float(tokens[k + 1])
            k += 1
        else:
            raise ValueError(f"{p.name}: option line token {t!r} not understood")
        k += 1
    if param != "S":
        raise ValueError(f"{p.name}: only S-parameter files are read; the option line says {param}")
    per = 1 + 2 * n * n
    data = np.asarray(numbers, dtype=float)
    n_sets = data.size // per
    rows = data[:n_sets * per].reshape(n_sets, per)
    if n == 2:  # a frequency not above the previous one starts the noise block
        stop = np.nonzero(np.diff(rows[:, 0]) <= 0)[0]
        if stop.size:
            rows = rows[:stop[0] + 1]
    elif data.size != n_sets * per:
        raise ValueError(f"{p.name}: {data.size} numbers is not a whole number of {n}-port data sets")
    a, b = rows[:, 1::2], rows[:, 2::2]
    if fmt == "RI":
        vals = a + 1j * b
    else:
        mag = a if fmt == "MA" else 10.0 ** (a / 20.0)
        vals = mag * np.exp(1j * np.deg2rad(b))
    s = vals.reshape(-1, n, n)
    if n == 2:
        s = np.swapaxes(s, 1, 2)
    port_names = tuple(names.get(i, f"port{i + 1}") for i in range(n))
    return SParameters(rows[:, 0] * _UNITS[unit], s, port_names, z0)


# ------------------------------------------------------------------------------------------------
# Electrical: the MZM electrode and the EO response
# ------------------------------------------------------------------------------------------------
def abcd_to_s(a, b, c, d, z0: float) -> np.ndarray:
    """2-port S (…, 2, 2) from ABCD parameters, real reference ``z0`` (Pozar, Table 4.2)."""
    a, b, c, d = (np.asarray(x, dtype=complex) for x in (a, b, c, d))
    if not all(np.all(np.abs(x) <= 1e150) for x in (a, b, c, d)):
        raise ValueError("a, b, c, d must be finite (|x| <= 1e150)")
    z0 = check_real("z0", z0, low=1e-3, high=1e6)
    den = a + b / z0 + c * z0 + d
    s = np.empty(den.shape + (2, 2), dtype=complex)
    s[..., 0, 0] = (a + b / z0 - c * z0 - d) / den
    s[..., 0, 1] = 2 * (a * d - b * c) / den
    s[..., 1, 0] = 2 / den
    s[..., 1, 1] = (-a + b / z0 - c * z0 + d) / den
    return s


def _frequency(frequency) -> np.ndarray:
    return check_array("frequency", frequency, low=0.0, low_open=True).astype(float).ravel()


def _lumped_load(mzm, f: np.ndarray) -> np.ndarray:
    """Impedance (Ω) of a lumped MZM's load at the drive node: junctions, pads, termination."""
    r, c = mzm.phase_shifter.series_resistance_length, float(mzm.phase_shifter.capacitance_per_length(
        mzm.bias_voltage))
    w = 2 * np.pi * f
    z_j = r / mzm.length + 1 / (1j * w * c * mzm.length)
    c_pad = mzm.electrode.pad_capacitance
    y = 1 / (2 * z_j) + 1j * w * c_pad if mzm.drive == "push-pull" else 1 / z_j + 1j * w * c_pad
    if mzm.termination_impedance is not None:
        y = y + 1 / mzm.termination_impedance
    return 1 / y


def _reference(mzm, reference_impedance):
    z0 = mzm.source_impedance if reference_impedance is None else reference_impedance
    return check_real("reference_impedance", z0, low=0.0, low_open=True)


def electrode_s_parameters(mzm, frequency, reference_impedance: float | None = None) -> SParameters:
    """Electrical S-parameters of the MZM's electrode at ``frequency`` (Hz, > 0), reference impedance
    ``reference_impedance`` (Ω; default the MZM's source impedance).

    ``CoplanarElectrode``: the junction-loaded line alone, ports (rf_in, rf_out), from its ABCD matrix;
    S21 = 2/(2cosh γL + (Z_c/Z0 + Z0/Z_c)·sinh γL), e^{−γL} when matched. ``LumpedElectrode``: 1-port
    (rf_in) of the load (junctions + pads ∥ termination).
    """
    f = _frequency(frequency)
    z0 = _reference(mzm, reference_impedance)
    if isinstance(mzm.electrode, LumpedElectrode):
        z = _lumped_load(mzm, f)
        return SParameters(f, ((z - z0) / (z + z0))[:, None, None], ("rf_in",), z0)
    gamma, z_c = mzm.line(f)
    gl = gamma * mzm.length
    ch, sh = np.cosh(gl), np.sinh(gl)
    return SParameters(f, abcd_to_s(ch, z_c * sh, sh / z_c, ch, z0), ("rf_in", "rf_out"), z0)


def eo_s_parameters(mzm, frequency) -> SParameters:
    """Electro-optic 2-port of the MZM: port 1 ``rf_in`` (reference: the source impedance), port 2
    ``optical_modulation``. S11 = reflection of the terminated electrode seen from the source, S21 =
    ``mzm.eo_response(f)`` (normalised EO response, 1 at low frequency), S12 = S22 = 0."""
    f = _frequency(frequency)
    z0 = _reference(mzm, None)
    if isinstance(mzm.electrode, LumpedElectrode):
        z_in = _lumped_load(mzm, f)
    else:
        gamma, z_c = mzm.line(f)
        th = np.tanh(gamma * mzm.length)
        zl = mzm.termination_impedance
        z_in = z_c / th if zl is None else z_c * (zl + z_c * th) / (z_c + zl * th)
    s = np.zeros((f.size, 2, 2), dtype=complex)
    s[:, 0, 0] = (z_in - z0) / (z_in + z0)
    s[:, 1, 0] = mzm.eo_response(f)
    return SParameters(f, s, ("rf_in", "optical_modulation"), z0)


# ------------------------------------------------------------------------------------------------
# Optical S-matrices vs wavelength (from the SAX-compatible models: one source of the formulas)
# ------------------------------------------------------------------------------------------------
def _optical(model, wavelength, ports, **settings) -> SParameters:
    lam = check_array("wavelength", wavelength, low=0.0, low_open=True).astype(float).ravel()
    sdict = model(wl=lam / sax_models.UM, **settings)
    return SParameters.from_sdict(sdict, wavelength=lam, port_names=ports)


def ring_s_parameters(ring, wavelength, bias_voltage: float | None = None) -> SParameters:
    """Optical S-matrix of a ``RingModulator`` vs ``wavelength`` (m) at ``bias_voltage`` (V, default the
    ring's): ports (in0, out0) all-pass, (in0, out0, in1, out1) add-drop (input, through, add, drop)."""
    v = ring.bias_voltage if bias_voltage is None else bias_voltage
    ports = ("in0", "out0", "in1", "out1") if ring.is_add_drop else ("in0", "out0")
    return _optical(sax_models.ring_model(ring), wavelength, ports, bias_voltage=v)


def coupler_s_parameters(wavelength, power_coupling: float, loss_db: float = 0.0) -> SParameters:
    """Optical S-matrix of a directional coupler (ports in0, in1, out0, out1) of power cross-coupling
    ``power_coupling`` (e.g. ``ring.power_coupling``, or sin²(κL) from ``photonics.couplers``), flat in
    wavelength."""
    return _optical(sax_models.coupler_model(power_coupling, loss_db), wavelength, ("in0", "in1", "out0", "out1"))


def mzm_s_parameters(mzm, wavelength, drive: float = 0.0) -> SParameters:
    """Optical S-matrix (in0, out0) of a ``MachZehnderModulator`` at its bias and a static ``drive`` (V)."""
    return _optical(sax_models.mzm_model(mzm), wavelength, ("in0", "out0"), drive=drive)


def waveguide_s_parameters(waveguide, length: float, wavelength) -> SParameters:
    """Optical S-matrix (in0, out0) of ``length`` (m) of a straight ``RibWaveguide``."""
    return _optical(sax_models.waveguide_model(waveguide, length), wavelength, ("in0", "out0"))
