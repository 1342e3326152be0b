"""Functions swept by the fault tests (importable by subprocesses): slow points, flaky points, a Ctrl-C."""

import os
import pathlib
import signal
import time


def slow(x, delay=0.01):
    time.sleep(delay)
    return {"y": 3.0 * x}


def flaky(x, flag):
    """Fails on odd points until the file ``flag`` exists."""
    if int(x) % 2 and not pathlib.Path(flag).exists():
        raise RuntimeError(f"flaky point {x}")
    return {"y": float(x) + 0.5}


def interrupt_at(x, at=5, times=1):
    """Sends this process ``times`` SIGINTs (Ctrl-C) while computing point ``at``."""
    if int(x) == int(at):
        for _ in range(times):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.2)
        time.sleep(0.5)
    return {"y": float(x)}
