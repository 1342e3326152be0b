"""Functions swept by the sweep tests (importable by Dask workers and subprocesses)."""

import os
import signal
import time

import numpy as np


def quadratic(x, a=1.0, rng=None):
    noise = rng.normal() if rng is not None else 0.0
    return {"y": a * x**2, "noisy": a * x**2 + noise, "curve": np.linspace(0, x, 5)}


def counted(x, counter, delay=0.0):
    """Counts its computations in ``counter`` (one line per finished point).

    SIGKILLs its own process when x equals the environment variable SWEEP_TEST_KILL_AT (a kill mid-point).
    """
    if int(x) == int(os.environ.get("SWEEP_TEST_KILL_AT", "-1")):
        os.kill(os.getpid(), signal.SIGKILL)
    if delay:
        time.sleep(delay)
    with open(counter, "a") as fh:
        fh.write(f"{int(x)}\n")
        fh.flush()
        os.fsync(fh.fileno())
    return {"y": float(x) * 2}


def fails_on_odd(x):
    if int(x) % 2:
        raise RuntimeError(f"odd point {x}")
    return {"y": float(x)}


def trivial(x):
    return {"y": x}
