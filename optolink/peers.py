"""Adapters that run the optional peers on optolink's inputs, so that tests and benchmarks compare the
same work: GNPy's GN-model propagation of a `links.budget` line. Each needs its peer installed
(``pip install -e .[peers]``) and raises ImportError naming it otherwise.
"""

from __future__ import annotations

import types

import numpy as np

from links.channel_plan import ChannelPlan
from optolink.core.units import OSNR_REFERENCE_BANDWIDTH


def _gnpy():
    try:
        import gnpy  # noqa: F401
    except ImportError:
        return None
    from gnpy.core.elements import Edfa, Fiber
    from gnpy.core.info import create_arbitrary_spectral_information
    from gnpy.core.parameters import SimParams

    return types.SimpleNamespace(Edfa=Edfa, Fiber=Fiber, SimParams=SimParams,
                                 spectral_information=create_arbitrary_spectral_information)


def gnpy_available() -> bool:
    return _gnpy() is not None


def gnpy_line(plan: ChannelPlan, spans, nf_db: float):
    """GNPy elements (fibre, EDFA) × spans configured like ``coherent_budget(plan, spans, Amplifier(None, nf_db))``
    and a function that propagates the plan's launch powers through them, returning GNPy's spectral information.

    Spans' reference wavelength is the plan's centre (so both codes use γ and D at the same frequency; GNPy
    scales γ with frequency, we keep it flat). Amplifier gain = span loss (fixed-gain EDFA, flat profile).
    """
    g = _gnpy()
    if g is None:
        raise ImportError("gnpy is not installed (pip install -e .[peers])")
    g.SimParams.set_params({"nli_params": {"method": "gn_model_analytic"}, "raman_params": {"flag": False}})
    f = plan.frequencies
    elements = []
    for k, s in enumerate(spans):
        fiber = g.Fiber(uid=f"fiber{k}", params=dict(
            length=s.length / 1e3, length_units="km", loss_coef=s.alpha_db_per_km,
            dispersion=s.dispersion_ps_nm_km * 1e-6,
            dispersion_slope=s.dispersion_slope_ps_nm2_km * 1e3, gamma=s.gamma_per_w_km / 1e3, pmd_coef=0.0,
            con_in=0.0, con_out=s.extra_loss_db, ref_wavelength=s.reference_wavelength))
        fiber.ref_pch_in_dbm = float(plan.launch_powers_dbm[plan.center_index])
        amp = g.Edfa(uid=f"amp{k}", params=dict(
            type_variety="optolink-bench", type_def="fixed_gain", f_min=f[0] - plan.spacing,
            f_max=f[-1] + plan.spacing, gain_flatmax=50.0, gain_min=0.0, p_max=50.0,
            nf_model=types.SimpleNamespace(nf0=nf_db), nf0=nf_db, nf_min=None, nf_max=None, nf_coef=None,
            nf_fit_coeff=None, nf_ripple=0, dgt=[0.0, 0.0], gain_ripple=0, tilt_ripple=0, f_ripple_ref=None,
            out_voa_auto=False, allowed_for_design=False, raman=False, pmd=0, pdl=0,
            advance_configurations_from_json=None, dual_stage_model=None, multi_band=None, bands=None,
            preamp_variety=None, booster_variety=None),
            operational=dict(gain_target=s.loss_db, tilt_target=0.0, out_voa=0.0, in_voa=0.0, delta_p=None))
        elements += [fiber, amp]

    def propagate():
        si = g.spectral_information(frequency=f, pch=plan.launch_powers_w, baud_rate=plan.baud_rate, tx_osnr=1e9,
                                    roll_off=0.0, slot_width=plan.spacing)
        for element in elements:
            si = element(si)
        return si

    return propagate


def gnpy_centre_gsnr_db(plan: ChannelPlan, spans, nf_db: float) -> tuple[float, np.ndarray, np.ndarray]:
    """GNPy's centre-channel GSNR (signal bandwidth), and its per-channel GSNR and ASE-only OSNR (12.5 GHz)."""
    si = gnpy_line(plan, spans, nf_db)()
    gsnr = 10 * np.log10(si.signal / (si.ase + si.nli))
    osnr = 10 * np.log10(si.signal / si.ase) + 10 * np.log10(plan.baud_rate / OSNR_REFERENCE_BANDWIDTH)
    return float(gsnr[plan.center_index]), gsnr, osnr
