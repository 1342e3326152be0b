"""The NLI term of a coherent budget, for a selectable model: closed form, exact GN integral, or EGN.

``nli_model``:

- "closed_form": the closed-form incoherent GN sum (Poggiolini 2012 eq. 120 with the β3 extension; `links.nli`),
  once per fibre type (loss and dispersion), then γ²·L_eff² per span. Microseconds.
- "gn" (default): the exact GN double integral (`links.gn.gn_eta`; on a channel grid the fast `links.gn_grid` path),
  once per distinct fibre (loss, length, dispersion), of the same spectral model as the closed form
  (rectangular spectra of width = baud, NLI at the channel centre times the baud rate), spans incoherent.
  ~30 ms for 81 channels per fibre; the tables are cached, so the optimum-launch second pass is free.
- "egn": "gn" plus the EGN correction of the modulation format (`links.egn`: the cross-channel terms in
  closed form, the self-channel term from the cumulants Φ, Ψ of QPSK/16QAM/64QAM; spans in power, like the
  GN part), referred to the launch point with the spans' power profile. The format is the transceiver's;
  without one it is taken as Gaussian, i.e. "gn".

Spans add incoherently in every model (as in GNPy); the EGN correction's asymptotic term carries the
multi-span accumulation of the format correction. Not modelled in any of them: inter-channel stimulated Raman
scattering (the Raman tilt of wide-band plans), frequency-dependent loss and γ, PMD.

Entry points for other callers (e.g. networks): `span_nli_power` (one span, any input powers, unlit
channels 0: "closed_form" or "gn"), `link_nli` (a path of spans with a power profile, any model) and
`span_nli_eta` (η[k, i] with P_NLI,i = Σ_k η[k, i]·P_i,k³, P_i,k channel i's power at span k's input, its
relative powers fixed along the path as with frequency-flat gains).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .nli import channel_arrays, check_dispersive, closed_form_nli, fiber_types

__all__ = ["NLI_MODELS", "DEFAULT_NLI_MODEL", "check_nli_model", "nli_model_description", "span_nli_eta",
           "span_nli_power", "link_nli"]

NLI_MODELS = ("closed_form", "gn", "egn")
# The default: the exact GN integral. It is within 0.02 dB of the integral it claims (tests), within 0.1 dB of
# GNPy, ~30 ms per fibre (2 ms once its tables are cached), and conservative against the split-step truth for
# 16QAM (SNR_NLI +0.7 dB in the simulation, docs/nli.md). "egn" is closer still on the multi-channel cases it
# was checked on, but without the self-channel EGN term it is not yet within the 0.5 dB it should be.
DEFAULT_NLI_MODEL = "gn"

_DESCRIPTIONS = {
    "closed_form": "closed-form incoherent GN model (Poggiolini, JLT 30(24) 3857, 2012, eq. 120; β3 extension of "
                   "Poggiolini et al., JLT 32(4) 694, 2014); rectangular spectra of width = baud, NLI white over "
                   "the channel",
    "gn": "exact GN-model integral (Poggiolini et al., JLT 32(4) 694, 2014, eq. 1), numerically integrated per "
          "distinct fibre; rectangular spectra of width = baud, NLI at the channel centre",
    "egn": "EGN: the exact GN-model integral plus the closed-form EGN correction for the modulation format "
           "(Carena et al., Opt. Express 22(13) 16335, 2014; Semrau et al., JLT 37(19) 5122, 2019)",
}


def check_nli_model(nli_model) -> str:
    """``nli_model`` if it is one of `NLI_MODELS`; ValueError naming ``nli_model`` and the choices otherwise."""
    if not isinstance(nli_model, str) or nli_model not in NLI_MODELS:
        raise ValueError(f"nli_model must be one of {', '.join(repr(m) for m in NLI_MODELS)}; got {nli_model!r}")
    return nli_model


def nli_model_description(nli_model: str, modulation: str | None = None) -> str:
    """One sentence for reports: which NLI model ran (and, for EGN, for which format)."""
    text = _DESCRIPTIONS[check_nli_model(nli_model)]
    if nli_model == "egn":
        text += f", {modulation or 'Gaussian'} symbols"
    return text + "; spans add incoherently; no Raman tilt (ISRS), frequency-flat loss and γ."


def span_nli_eta(frequency, bandwidth, spans: Sequence, *, power=None, nli_model: str = DEFAULT_NLI_MODEL,
                 modulation: str | None = None, accuracy: str = "normal") -> np.ndarray:
    """η[k, i] (1/W²) of each span k for channel i: P_NLI,i = Σ_k η[k, i]·P_i,k³ (P_i,k at span k's input).

    ``frequency``/``bandwidth`` (Hz) and ``power`` (W, the relative launch powers; default equal) per channel;
    ``modulation`` (QPSK, 16QAM, 64QAM, or None for Gaussian symbols) only matters for "egn". The EGN
    correction is spread over the spans in proportion to their GN share.
    """
    check_nli_model(nli_model)
    from .gn import nli_eta

    if nli_model == "egn" and modulation is None:
        nli_model = "gn"
    return nli_eta(frequency, bandwidth, spans, power=power, model=nli_model, modulation=modulation or "Gaussian",
                   accuracy=accuracy)


def span_nli_power(frequency, bandwidth, power, span, *, nli_model: str = "gn") -> np.ndarray:
    """NLI power (W, in each channel's bandwidth) that one ``span`` generates from the channel powers ``power``
    (W) at its input; unlit channels (power 0) get 0. For a network's per-fibre step: "closed_form" or "gn"
    (the grid tables are cached per fibre, so repeated calls with new powers cost ~1 ms for 81 channels).
    EGN is a path quantity (its correction accumulates over the spans): use `link_nli` per path."""
    check_nli_model(nli_model)
    if nli_model == "egn":
        raise ValueError("nli_model='egn' is a path model (its correction accumulates over the spans): use "
                         "link_nli for the path, or nli_model='gn' per span")
    f, b, p = channel_arrays(frequency, bandwidth, power)
    out = np.zeros(f.size)
    lit = p > 0
    if np.any(lit):
        out[lit] = link_nli(f[lit], b[lit], p[lit], [span], np.ones(1), nli_model=nli_model)
    return out


def link_nli(frequency: np.ndarray, bandwidth: np.ndarray, power: np.ndarray, spans: Sequence,
             scale_in: np.ndarray, *, nli_model: str, modulation: str | None = None) -> np.ndarray:
    """P_NLI (W) of each channel in its bandwidth, referred to the launch point, for launch powers ``power`` and
    the spans' input power scale ``scale_in`` (s_k: the power at span k's input over the launch power)."""
    check_nli_model(nli_model)
    w = np.asarray(scale_in, dtype=float) ** 2
    if nli_model == "closed_form":
        # ψ once per fibre type (loss and dispersion), then a factor γ²·L_eff²·(power scale)² per span
        return closed_form_nli(frequency, bandwidth, power, spans, w)
    from .egn import egn_correction
    from .gn import gn_eta

    check_dispersive(frequency, fiber_types(spans)[0])
    # "fast" quadrature: within 0.004 dB of the reference orders on 81 channels (0.02 dB is the claim)
    eta = gn_eta(frequency, bandwidth, spans, power=power, accuracy="fast")  # (n_spans, n)
    nli = (w @ eta) * power**3
    if nli_model == "egn" and modulation is not None:
        corr = egn_correction(frequency, bandwidth, spans, power=power, modulation=modulation)
        nli = nli + float(np.mean(w)) * corr * power**3
    return nli
