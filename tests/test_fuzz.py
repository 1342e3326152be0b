"""Fuzzing the public API, one hostile field at a time (hypothesis).

Each target builds a device / parameter set from its defaults with ONE argument replaced by a hostile value
(zero, denormals, ±1e308, NaN, ±inf, a bool, a string, None, a float for an integer, huge integers, a list)
and exercises it. A call passes when it returns finite results or raises ValueError/TypeError; it fails on
any other exception, on NaN output from finite input, and on a call over the time bound. CI runs a bounded,
seeded number of examples; ``make fuzz`` (``OPTOLINK_FUZZ_EXAMPLES=5000``) runs a long campaign.
"""

import math
import os
import signal
import time

import numpy as np
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

EXAMPLES = int(os.environ.get("OPTOLINK_FUZZ_EXAMPLES", "40"))
TIME_BOUND = float(os.environ.get("OPTOLINK_FUZZ_TIME_BOUND", "3.0"))  # s per call

HOSTILE = [0, 0.0, -0.0, -1, -1.0, 5e-324, 1e-310, 1e-30, 1e30, 1e308, -1e308, math.nan, math.inf, -math.inf,
           0.5, 1.0, True, False, "false", "1e-9", None, 2.9, 10**12, 2**63, [1.0, 2.0]]


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout


def _finite_input(value) -> bool:
    return not (isinstance(value, float) and not math.isfinite(value))


def _arrays(out):
    if isinstance(out, np.ndarray | float | complex | np.floating | np.complexfloating):
        yield np.asarray(out)
    elif isinstance(out, tuple | list):
        for o in out:
            yield from _arrays(o)
    elif hasattr(out, "__dataclass_fields__"):
        for k in out.__dataclass_fields__:
            v = getattr(out, k, None)
            if isinstance(v, np.ndarray | float | np.floating):
                yield np.asarray(v)


BOOL_FIELDS = {"ideal", "polarization_rotation", "noise"}


def _check_call(name, fn, field, value):
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_BOUND * 3)  # a hard stop well past the bound (Python code only)
    t0 = time.perf_counter()
    try:
        out = fn()
    except (ValueError, TypeError):
        return
    except _Timeout:
        pytest.fail(f"{name}({field}={value!r}) ran over {TIME_BOUND * 3:g} s (stopped)")
    except Exception as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{name}({field}={value!r}) raised {type(exc).__name__}: {exc}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    elapsed = time.perf_counter() - t0
    if field in BOOL_FIELDS and not isinstance(value, bool):
        pytest.fail(f"{name}({field}={value!r}) accepted a {type(value).__name__} for a boolean")
    if os.environ.get("OPTOLINK_FUZZ_VERBOSE"):
        print(f"{elapsed:8.3f} s  {name}({field}={value!r})")
    assert elapsed < TIME_BOUND, f"{name}({field}={value!r}) took {elapsed:.1f} s"
    if _finite_input(value):
        for a in _arrays(out):
            if a.dtype.kind in "fc":
                assert not np.isnan(a).any(), f"{name}({field}={value!r}) returned NaN silently"


def _field(rng_seed=0):
    rng = np.random.default_rng(rng_seed)
    x = (rng.normal(size=(2, 256)) + 1j * rng.normal(size=(2, 256))) * 1e-2
    return x


# --- targets: name → (arguments with defaults, call(**kwargs)) ---------------------------------------------------
def _ring(**kw):
    from photonics.rings import RingModulator

    r = RingModulator(**kw)
    return r.transmission(np.array([r.design_wavelength, r.design_wavelength + 1e-10])), r.q_loaded(), r.fsr()


def _pin(**kw):
    from photonics.detectors import PinPhotodiode

    d = PinPhotodiode(**kw)
    return d.photocurrent(np.array([1e-3, 2e-3])), d.snr(1e-3, 10e9)


def _mzm(**kw):
    from photonics.modulators import MachZehnderModulator

    m = MachZehnderModulator(**kw)
    return m.vpi, m.eo_bandwidth()


def _pn(**kw):
    from photonics.junction import PNJunction

    j = PNJunction(**{"na": 1e24, "nd": 1e24, **kw})
    return j.built_in_voltage, j.depletion_width(1.0), j.capacitance_per_length(1.0, 220e-9)


def _fiber(length=10e3, alpha_db_per_km=0.2, dispersion_ps_nm_km=17.0, gamma_per_w_km=1.3, step=1000.0,
           sample_rate=64e9):
    # 10 km: a hostile step of 1 m is then 10^4 steps; at 80 km it is 8·10^4, within the cap (links.fiber.MAX_STEPS,
    # 10^5) but seconds of legitimate work on a loaded machine, which the time bound would count as a hang
    from links.fiber import Fiber

    f = Fiber(length=length, alpha_db_per_km=alpha_db_per_km, dispersion_ps_nm_km=dispersion_ps_nm_km,
              gamma_per_w_km=gamma_per_w_km)
    return f.propagate(_field()[0], sample_rate, step=step)


def _laser(n_samples=256, sample_rate=1e12, current=30e-3, substeps=1, noise=False):
    from photonics.lasers import LaserParams, RateEquationLaser

    return RateEquationLaser(LaserParams()).simulate(current, sample_rate, n_samples=n_samples, substeps=substeps,
                                                     noise=noise, rng=0)


def _mimo(step_size=1e-3, n_taps=15, sps=2, algorithm="cma"):
    from links.dsp import mimo_equalizer

    rng = np.random.default_rng(1)
    qpsk = (rng.choice([-1, 1], (2, 2000)) + 1j * rng.choice([-1, 1], (2, 2000))) / np.sqrt(2)
    return mimo_equalizer(np.repeat(qpsk, 2, axis=1), sps=sps, n_taps=n_taps, algorithm=algorithm,
                          step_size=step_size, modulation="QPSK")


def _bps(scale=1.0, n_test_phases=64, window=35):
    from links.dsp import blind_phase_search

    rng = np.random.default_rng(2)
    with np.errstate(over="ignore", invalid="ignore"):  # a hostile scale may overflow the input: the call refuses it
        x = (rng.choice([-3, -1, 1, 3], 512) + 1j * rng.choice([-3, -1, 1, 3], 512)) * scale
    return blind_phase_search(x, "16QAM", n_test_phases=n_test_phases, window=window)


def _link_config(**kw):
    from links.simulate import LinkConfig

    return LinkConfig(**{"n_symbols": 2**10, **kw})


TARGETS = {
    "RingModulator": (_ring, ["radius", "gap", "junction_fraction", "bias_voltage", "heater_power"]),
    "PinPhotodiode": (_pin, ["wavelength", "quantum_efficiency", "dark_current", "capacitance"]),
    "MachZehnderModulator": (_mzm, ["length", "bias_voltage", "phase_bias"]),
    "PNJunction": (_pn, ["na", "nd", "temperature"]),
    "Fiber.propagate": (_fiber, ["length", "alpha_db_per_km", "dispersion_ps_nm_km", "gamma_per_w_km", "step",
                                 "sample_rate"]),
    "RateEquationLaser.simulate": (_laser, ["n_samples", "sample_rate", "current", "substeps", "noise"]),
    "mimo_equalizer": (_mimo, ["step_size", "n_taps", "sps"]),
    "blind_phase_search": (_bps, ["scale", "n_test_phases", "window"]),
    "LinkConfig": (_link_config, ["ideal", "polarization_rotation", "n_symbols", "roll_off", "linewidth"]),
}


def _known_fields(name, fields):
    """The fields of ``fields`` the target accepts (a renamed field drops out here, and the assertion on the
    count below catches a target left with none)."""
    import dataclasses
    import inspect

    fn = TARGETS[name][0]
    params = inspect.signature(fn).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        cls = {"RingModulator": ("photonics.rings", "RingModulator"),
               "PinPhotodiode": ("photonics.detectors", "PinPhotodiode"),
               "MachZehnderModulator": ("photonics.modulators", "MachZehnderModulator"),
               "PNJunction": ("photonics.junction", "PNJunction"),
               "LinkConfig": ("links.simulate", "LinkConfig")}[name]
        import importlib

        names = {f.name for f in dataclasses.fields(getattr(importlib.import_module(cls[0]), cls[1]))}
        return [f for f in fields if f in names]
    return [f for f in fields if f in params]


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_one_hostile_field_at_a_time(name):
    fn, fields = TARGETS[name]
    fields = _known_fields(name, fields)
    assert fields
    fn()  # the defaults work (and any JIT compile happens outside the time bound)

    @seed(20240518)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=EXAMPLES <= 100,
              suppress_health_check=list(HealthCheck))
    @given(field=st.sampled_from(fields), value=st.sampled_from(HOSTILE))
    def run(field, value):
        _check_call(name, lambda: fn(**{field: value}), field, value)

    run()
