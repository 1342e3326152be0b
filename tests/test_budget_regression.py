"""Regression pins of `coherent_budget`'s figures across its speed-ups (issue 15).

The values below were computed by the code *before* the closed-form budget was made faster (commit 1c44aa4,
printed with ``repr``); the speed-up must not change any figure beyond 1e-12 relative. This is a pure
regression test: the physics of these figures is tested against GNPy and analytic results in test_budget.py,
test_nli.py, test_gn*.py and test_egn.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from links.amplifiers import Amplifier
from links.budget import Penalties, coherent_budget
from links.channel_plan import ChannelPlan
from links.fiber import Fiber
from links.transceiver import Transceiver

BAUD, SPACING, CENTER = 59.84375e9, 75e9, 193.7e12  # the benchmark's 400ZR plan (benchmarks/bench_budget.py)


def _fibre(k: int = 0, length_km: float = 80.0) -> Fiber:
    return Fiber(length_km * 1e3, 0.2 + 0.002 * k, 16.7, 1.3, dispersion_slope_ps_nm2_km=0.058,
                 reference_frequency=CENTER)


def _mixed() -> list[Fiber]:
    return [Fiber(80e3, 0.2, 16.7, 1.3, extra_loss_db=1.0),
            Fiber(60e3, 0.22, 4.4, 1.9, dispersion_slope_ps_nm2_km=0.045),
            Fiber(100e3, 0.18, 20.0, 0.8, pmd_ps_per_sqrt_km=0.1)]


def _run(name: str):
    amp = Amplifier(None, 5.0)
    plan = ChannelPlan(63, BAUD, SPACING, CENTER, 1.0)
    if name.startswith("identical"):
        return coherent_budget(plan, [_fibre()] * 20, amp, nli_model=name.split("-")[1])
    if name.startswith("fibres"):
        return coherent_budget(plan, [_fibre(k) for k in range(20)], amp, nli_model=name.split("-")[1])
    if name.startswith("lengths"):
        spans = [_fibre(0, 80.0 + 2.0 * (k % 5) - 4.0) for k in range(20)]
        return coherent_budget(plan, spans, amp, nli_model=name.split("-")[1])
    tilted = ChannelPlan(63, BAUD, SPACING, CENTER, tuple(np.linspace(-1.0, 2.0, 63)))
    amps = [Amplifier(None, 5.0), Amplifier(20.0, 5.5), Amplifier(None, 4.5, max_gain_db=25.0)]
    if name.startswith("mixed"):
        return coherent_budget(tilted, _mixed(), amps, nli_model=name.split("-")[1])
    trx = Transceiver.from_standard("400ZR")
    return coherent_budget(tilted, _mixed(), amp, nli_model=name.split("-")[1], transceiver=trx,
                           booster=Amplifier(None, 6.0), penalties=Penalties(pdl_db=0.5, other=(("x", 0.2),)),
                           latency_budget_rtt_s=1e-3)


CASES = ("identical-closed_form", "fibres-closed_form", "lengths-closed_form", "mixed-closed_form",
         "booster-closed_form", "identical-gn", "fibres-gn", "mixed-egn", "booster-egn")


def figures(name: str) -> tuple[float, ...]:
    r = _run(name)
    c = r.plan.center_index
    return tuple(float(x) for x in (
        r.gsnr_db[c], r.gsnr_db[0], r.gsnr_db[-1], r.snr_nli_db[c], r.snr_nli_db[-1], r.eta_db[c],
        r.osnr_ase_db[0], r.optimum_launch_power_dbm, r.gsnr_at_optimum_db, r.gsnr_sweep_db[17],
        r.accumulated_cd_ps_nm[0], r.level.total_power_dbm[-1], r.rx_power_dbm[-1],
        r.margin_db[c] if r.margin_db is not None else 0.0))


PINNED = {  # repr of figures(name) from the original code (commit 1c44aa4)
    'identical-closed_form': (
        15.50468317976669, 16.25657494554548, 15.982998605859171, 18.9306410028379, 20.145072732623085,
        39.069358997162105, 24.989187581891002, 0.2615618347339361, 15.636304786173401, 11.069333101811258,
        28464.9251888594, 18.993405494535814, 1.0, 0.0,
    ),
    'fibres-closed_form': (
        14.677208452354337, 15.254978405125525, 15.027569816773415, 19.2927539550066, 20.525194797897626,
        38.7072460449934, 23.371630248035235, 0.9214519300754251, 14.678637547659124, 10.11166586329698,
        28464.9251888594, 18.993405494535814, 1.0, 0.0,
    ),
    'lengths-closed_form': (
        15.485417735753277, 16.23362948314145, 15.960998760429199, 18.932494737077995, 20.146926466863178,
        39.067505262922005, 24.95241370711501, 0.27443770440596627, 15.612406781069437, 11.045435096707292,
        28464.9251888594, 18.993405494535814, 1.0, 0.0,
    ),
    'mixed-closed_form': (
        20.02105372307225, 22.31632844717815, 19.38978177055565, 20.912520494716333, 19.92017562530252,
        38.08747950528367, 32.68948877744542, -2.6445787331580566, 22.430465413835826, 17.863493729473678,
        3644.589087266208, 25.382174611720664, 8.8, 0.0,
    ),
    'booster-closed_form': (
        21.476388031712396, 22.33342642583691, 21.369386073672906, 24.079112642380338, 23.09248075596937,
        34.92088735761966, 30.412624135691143, -0.9342049221374908, 21.962472371032213, 17.5334243447838,
        3644.589087266208, 18.582174611720664, 2.0, 1.5774759014791855,
    ),
    'identical-gn': (
        15.453710291379213, 16.210676670710832, 15.940510424731835, 18.819236174309438, 20.03514838838976,
        39.18076382569056, 24.989187581891002, 0.22442689189111653, 15.599169843330582, 11.032198158968436,
        28464.9251888594, 18.993405494535814, 1.0, 0.0,
    ),
    'fibres-gn': (
        14.659843589166051, 15.238266424383749, 15.014673410445827, 19.24268269957098, 20.479633495588196,
        38.757317300429015, 23.371630248035235, 0.9047615115968859, 14.661947129180584, 10.09497544481844,
        28464.9251888594, 18.993405494535814, 1.0, 0.0,
    ),
    'mixed-egn': (
        19.93554103599013, 22.245296473548034, 19.33341770191538, 20.807756714268738, 19.856543346960297,
        38.192243285731266, 32.68948877744542, -2.679499993307256, 22.395544153686625, 17.82857246932448,
        3644.589087266208, 25.382174611720664, 8.8, 0.0,
    ),
    'booster-egn': (
        21.999717905427886, 22.58965734503134, 22.029244710988984, 25.084788732596287, 24.11403666581233,
        33.91521126740371, 30.412624135691143, -0.5989795587321733, 22.280985990220117, 17.862615072377245,
        3644.589087266208, 18.582174611720664, 2.0, 2.100805775194675,
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_budget_figures_unchanged(name):
    np.testing.assert_allclose(figures(name), PINNED[name], rtol=1e-12, atol=0.0)
