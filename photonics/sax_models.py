"""SAX-compatible model functions of optolink's devices: ``wl=`` in µm in, an SDict out.

An SDict is a plain dict ``{(port_in, port_out): complex array}`` holding the scattering amplitude from
``port_in`` to ``port_out`` (both directions listed: every device here is reciprocal, and an entry left out
is zero, e.g. no back-reflection). SAX (https://github.com/flaport/sax) composes such models into circuits
with ``sax.circuit(netlist, models)``; this module does not import SAX. Models take keyword-only
parameters, ``wl`` (wavelength, µm, scalar or array) first; lengths are µm, as SAX's and gdsfactory's.
Every parameter may be an array (SAX passes settings as JAX arrays, and may sweep them): it broadcasts
against ``wl``; the entries returned are NumPy complex arrays.

Two kinds of models:

- numeric building blocks, SAX-style: ``straight`` (a waveguide with first-order dispersion) and
  ``coupler`` (a 2×2 directional coupler of power cross-coupling ``coupling``; ``directional_coupler_model``
  takes it from two parallel rib waveguides at a gap, ``ring_coupler_model`` from a ring's bus coupler);
- device models bound to an optolink parameter set, made by the ``*_model`` factories: the returned
  function evaluates the device's own physics (``ring_model(ring)(wl=1.55)`` is
  ``ring.field_transfer(1.55e-6)``), with the device's operating point as the default of its keywords.

Port names: ``in0``/``out0`` for a two-port; a coupler or an add-drop ring has ``in0, in1`` on the input
side and ``out0, out1`` on the output side, ``in0 → out0`` and ``in1 → out1`` being the bar paths
(for an add-drop ring: in0 input, out0 through, in1 add, out1 drop).

Sign convention: optolink's, the optical field Re[A·e^{+jωt}], so propagation is e^{−jβL} and a coupler is
[[t, −jκ], [−jκ, t]] (as ``RingModulator.field_transfer``). SAX's own library models use the opposite
signs (e^{+jβL}, +jκ); to mix the two in one circuit, conjugate one side (``conjugate``). Powers of a
circuit made wholly of either kind are the same.
"""

from __future__ import annotations

import math

import numpy as np

from optolink.core.validate import check_array, check_real

__all__ = [
    "SDict",
    "conjugate",
    "coupler",
    "coupler_model",
    "directional_coupler_model",
    "mzm_model",
    "reciprocal",
    "ring_coupler_model",
    "ring_loop_model",
    "ring_model",
    "straight",
    "waveguide_model",
]

SDict = dict  # {(port_in, port_out): complex ndarray}
UM = 1e-6  # m per µm


def _wl_m(wl) -> np.ndarray:
    """Wavelength in µm (scalar or array) → metres, validated."""
    return check_array("wl", wl, low=0.2, high=20.0) * UM


def _out(x) -> np.ndarray:
    return np.asarray(x, dtype=complex)


def reciprocal(sdict: SDict) -> SDict:
    """The SDict with every ``(a, b)`` entry mirrored to ``(b, a)`` (a reciprocal device: S = Sᵀ)."""
    if not isinstance(sdict, dict):
        raise TypeError(f"sdict must be a mapping (port, port) → value; got {type(sdict).__name__}")
    out = dict(sdict)
    for (a, b), v in sdict.items():
        out.setdefault((b, a), v)
    return out


def conjugate(sdict: SDict) -> SDict:
    """The SDict in the opposite phase convention (e^{+jβL} ↔ e^{−jβL}): every entry conjugated."""
    if not isinstance(sdict, dict):
        raise TypeError(f"sdict must be a mapping (port, port) → value; got {type(sdict).__name__}")
    return {k: np.conj(v) for k, v in sdict.items()}


# ------------------------------------------------------------------------------------------------
# Numeric building blocks
# ------------------------------------------------------------------------------------------------
def straight(*, wl=1.55, wl0: float = 1.55, neff: float = 2.4, ng: float = 4.2, length: float = 10.0,
             loss_db_per_cm: float = 0.0) -> SDict:
    """A straight waveguide: ``in0 → out0`` = 10^(−loss·L/20)·e^{−j2π·n_eff(λ)·L/λ}.

    n_eff(λ) = neff − (ng − neff)(λ − wl0)/wl0 (first-order dispersion about ``wl0``, µm), so the group
    delay is ng·L/c. ``length`` in µm, ``loss_db_per_cm`` the power loss.
    """
    lam = _wl_m(wl) / UM
    lam0 = check_array("wl0", wl0, low=0.2, high=20.0)
    n0 = check_array("neff", neff, low=1.0, high=5.0)
    n_g = check_array("ng", ng, low=1.0, high=10.0)
    ln = check_array("length", length, low=0.0)
    loss = check_array("loss_db_per_cm", loss_db_per_cm, low=0.0)
    n = n0 - (n_g - n0) * (lam - lam0) / lam0
    amp = 10.0 ** (-loss * ln * 1e-4 / 20.0)
    t = _out(amp * np.exp(-2j * math.pi * n * ln / lam))
    return reciprocal({("in0", "out0"): t})


def coupler(*, wl=1.55, coupling: float = 0.5, loss_db: float = 0.0) -> SDict:
    """A 2×2 directional coupler, flat in wavelength: bar t = √(1 − K), cross −j√K, excess ``loss_db``.

    Ports in0, in1 → out0, out1; in0 → out0 and in1 → out1 are the bar (through) paths. Lossless and
    reciprocal at ``loss_db = 0`` (the matrix [[t, −jκ], [−jκ, t]] is unitary).
    """
    lam = _wl_m(wl)
    k2 = check_array("coupling", coupling, low=0.0, high=1.0)
    excess = np.sqrt(10.0 ** (-check_array("loss_db", loss_db, low=0.0) / 10.0))
    one = np.ones(np.broadcast_shapes(lam.shape, k2.shape, excess.shape), dtype=complex)
    t = excess * np.sqrt(1.0 - k2) * one
    k = -1j * excess * np.sqrt(k2) * one
    return reciprocal({("in0", "out0"): t, ("in1", "out1"): t, ("in0", "out1"): k, ("in1", "out0"): k})


# ------------------------------------------------------------------------------------------------
# Device models (factories bound to a parameter set)
# ------------------------------------------------------------------------------------------------
def waveguide_model(waveguide, length: float):
    """Model of a straight ``RibWaveguide`` of ``length`` (m): ``straight`` at the guide's n_eff, n_g and
    intrinsic loss about its design wavelength. The model's keywords: ``wl`` (µm), ``length`` (µm)."""
    ln_um = check_real("length", length, low=0.0) / UM
    lam0_um = waveguide.wavelength / UM
    n0, n_g = float(waveguide.neff), float(waveguide.group_index)
    loss = float(waveguide.intrinsic_loss_db_per_m) / 100.0

    def model(*, wl=lam0_um, length: float = ln_um) -> SDict:
        return straight(wl=wl, wl0=lam0_um, neff=n0, ng=n_g, length=length, loss_db_per_cm=loss)

    model.__doc__ = f"Straight RibWaveguide (n_eff {n0:.5f}, n_g {n_g:.4f} at {lam0_um:g} µm); wl, length in µm."
    return model


def coupler_model(power_coupling: float, loss_db: float = 0.0):
    """Model of a directional coupler of power cross-coupling ``power_coupling`` (e.g. sin²(κL) of two
    parallel guides, ``photonics.couplers``): ``coupler`` with that coupling as its default."""
    k2 = check_real("power_coupling", power_coupling, low=0.0, high=1.0)
    ld = check_real("loss_db", loss_db, low=0.0)

    def model(*, wl=1.55, coupling: float = k2, loss_db: float = ld) -> SDict:
        return coupler(wl=wl, coupling=coupling, loss_db=loss_db)

    return model


def directional_coupler_model(waveguide, gap: float, length: float, method: str = "solver",
                              kappa_scale: float = 1.0, loss_db: float = 0.0, bend_radius: float | None = None):
    """Model of two parallel ``RibWaveguide`` s at edge ``gap`` (m) over ``length`` (m): power cross-coupling
    K = sin²Φ, Φ = κ(gap)·length (+ the bend ends for ``bend_radius``, m) from
    ``photonics.couplers.directional_coupler`` at the guide's design wavelength — κ(g) by ``method``
    (``"solver"``: the full-vector supermode table of the cross-section, the same as a ring's coupler; ``"weak"``
    or ``"supermode"``: the EIM approximations), times ``kappa_scale``; flat in wavelength."""
    from .couplers import CouplingModel, directional_coupler

    cm = CouplingModel(method=method, kappa_scale=kappa_scale)
    _, cross = directional_coupler(gap, length, waveguide, cm, bend_radius=bend_radius)
    return coupler_model(min(abs(cross) ** 2, 1.0), loss_db)


def ring_coupler_model(ring, bus: str = "through"):
    """Model of a ``RingModulator``'s bus-ring coupler (``bus="through"``, K1) or drop coupler (``"drop"``,
    K2), as the ring's own field transfer takes it: lossless, [[r, −jk], [−jk, r]], flat in wavelength."""
    if bus not in ("through", "drop"):
        raise ValueError(f"bus must be 'through' or 'drop'; got {bus!r}")
    if bus == "drop" and not ring.is_add_drop:
        raise ValueError("bus='drop' needs an add-drop ring (drop_gap set)")
    return coupler_model(ring.power_coupling if bus == "through" else ring.drop_power_coupling)


def ring_loop_model(ring, fraction: float = 1.0):
    """Model of ``fraction`` of a ``RingModulator``'s round trip: ``in0 → out0`` = a^f·e^{−j·f·φ(λ, V)}.

    a and φ are the ring's round-trip amplitude and phase (``round_trip_amplitude``, ``round_trip_phase``);
    a coupler (``ring_coupler_model``) closed on the full loop is the all-pass ring, two couplers joined by
    two half loops (``fraction=0.5``) the add-drop ring. Keywords: ``wl`` (µm), ``bias_voltage`` (V).
    """
    f = check_real("fraction", fraction, low=0.0, high=1.0, low_open=True)
    lam0_um = ring.design_wavelength / UM

    def model(*, wl=lam0_um, bias_voltage: float = ring.bias_voltage) -> SDict:
        lam = _wl_m(wl)
        v = check_array("bias_voltage", bias_voltage)
        phi = np.asarray(ring.round_trip_phase(lam, v))
        a = np.asarray(ring.round_trip_amplitude(v))
        return reciprocal({("in0", "out0"): _out(a**f * np.exp(-1j * f * phi))})

    return model


def ring_model(ring):
    """Model of a ``RingModulator`` from its field transfer (``ring.field_transfer``).

    All-pass: ports in0 → out0 (through). Add-drop: in0 input, out0 through, in1 add, out1 drop, with
    in0 → out1 = in1 → out0 = the drop field and in1 → out1 = (r2 − r1·a·e^{−jφ})/(1 − r1r2a·e^{−jφ})
    (the add port's own through path). Keywords: ``wl`` (µm), ``bias_voltage`` (V, default the ring's).
    """
    lam0_um = ring.design_wavelength / UM

    def model(*, wl=lam0_um, bias_voltage: float = ring.bias_voltage) -> SDict:
        lam = _wl_m(wl)
        v = check_array("bias_voltage", bias_voltage)
        thru, drop = ring.field_transfer(lam, v)
        thru = _out(thru)
        if not ring.is_add_drop:
            return reciprocal({("in0", "out0"): thru})
        phi = np.asarray(ring.round_trip_phase(lam, v))
        a = np.asarray(ring.round_trip_amplitude(v))
        r1, r2 = ring.self_coupling, ring.drop_self_coupling
        e = a * np.exp(-1j * phi)
        add_thru = _out((r2 - r1 * e) / (1 - r1 * r2 * e))
        drop = _out(drop)
        return reciprocal({("in0", "out0"): thru, ("in1", "out1"): add_thru,
                           ("in0", "out1"): drop, ("in1", "out0"): drop})

    return model


def mzm_model(mzm):
    """Model of a ``MachZehnderModulator`` at its bias: ``in0 → out0`` = ``mzm.field_transfer(drive)``.

    The arms are balanced (equal lengths), so the transfer is flat in wavelength in optolink's model; the
    arms' common propagation phase is removed, as in ``field_transfer``. Keywords: ``wl`` (µm; broadcast),
    ``drive`` (static line drive, V, about the bias; default 0).
    """
    lam0_um = mzm.wavelength / UM

    def model(*, wl=lam0_um, drive: float = 0.0) -> SDict:
        lam = _wl_m(wl)
        t = _out(mzm.field_transfer(check_array("drive", drive)))
        return reciprocal({("in0", "out0"): t * np.ones(lam.shape)})

    return model
