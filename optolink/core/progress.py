"""Progress bars for the long jobs (chip builds, BER curves, yields, sweeps, network paths), on stderr.

A bar shows only when it is wanted *and* stderr is a terminal: piped, redirected, captured (a test, a CI log,
a notebook's stderr) it stays silent, so logs never fill with carriage returns. ``enabled``: True (show on a
terminal), False (never), None (the ambient default: ``progress_default``; False unless set — the
``optolink`` command line sets it to True around every command). The environment variable
``OPTOLINK_PROGRESS`` overrides both: ``0``/``never`` silences every bar, ``1``/``always`` shows the wanted
ones even off a terminal.

    with Progress(len(points), label="BER curve", unit="points") as bar:
        for p in points:
            ...
            bar.step()

    for p in track(points, label="BER curve"):   # the same, around an iterable
        ...
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
import time

ENV = "OPTOLINK_PROGRESS"
_NEVER = {"0", "never", "off", "false", "no"}
_ALWAYS = {"1", "always", "on", "true", "yes", "force"}
_DEFAULT: contextvars.ContextVar[bool] = contextvars.ContextVar("optolink_progress_default", default=False)
WIDTH = 30  # characters of the bar itself


@contextlib.contextmanager
def progress_default(enabled: bool):
    """Within the block, ``enabled=None`` means ``enabled`` (the command line wraps each command in it)."""
    token = _DEFAULT.set(bool(enabled))
    try:
        yield
    finally:
        _DEFAULT.reset(token)


def bar_shown(enabled: bool | None, stream=None) -> bool:
    """Whether a bar wanted as ``enabled`` shows on ``stream`` (default ``sys.stderr``); see the module
    docstring."""
    env = os.environ.get(ENV, "").strip().lower()
    if env in _NEVER:
        return False
    if not (_DEFAULT.get() if enabled is None else enabled):
        return False
    if env in _ALWAYS:
        return True
    stream = sys.stderr if stream is None else stream
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


def _clock(seconds: float) -> str:
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:4.1f} s"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


class Progress:
    """A one-line progress bar: ``label [#####     ] done/total unit  elapsed  ~remaining``.

    ``total``: the number of steps; ``done``: steps already done before this run (a resumed sweep) — they
    count in the bar but not in the time estimate; ``enabled`` and ``stream``: as ``bar_shown``. Redraws at
    most every ``min_interval`` seconds and at the last step, which ends the line. ``done``, ``failed`` and
    ``shown`` are readable attributes."""

    def __init__(self, total: int, *, label: str = "", unit: str = "", done: int = 0, enabled: bool | None = None,
                 stream=None, min_interval: float = 0.2):
        self.total, self.done, self.failed = max(int(total), 0), int(done), 0
        label = str(label)
        self.label = label if len(label) <= 40 else label[:39] + "…"
        self.unit, self.min_interval = str(unit), float(min_interval)
        self.stream = sys.stderr if stream is None else stream
        self.shown = bar_shown(enabled, self.stream)
        self.t0 = time.perf_counter()
        self._start = self.done
        self._last = -1e9
        self._open = False  # a line is drawn and not yet ended

    def step(self, failed: bool = False, n: int = 1) -> None:
        """``n`` more steps done (``failed``: they failed; the bar counts them)."""
        self.done += int(n)
        self.failed += int(n) if failed else 0
        now = time.perf_counter()
        if self.shown and (now - self._last >= self.min_interval or self.done >= self.total):
            self._last = now
            self._draw(now)

    def text(self, now: float | None = None) -> str:
        """The bar's line as it would be drawn now."""
        now = time.perf_counter() if now is None else now
        frac = min(self.done / self.total, 1.0) if self.total else 1.0
        bar = "#" * int(WIDTH * frac)
        elapsed = now - self.t0
        parts = [f"{self.label} " if self.label else "", f"[{bar:<{WIDTH}}] {self.done}/{self.total}",
                 f" {self.unit}" if self.unit else "", f"  {_clock(elapsed)}"]
        ran = self.done - self._start
        if 0 < ran and self.done < self.total:
            parts.append(f"  ~{_clock(elapsed / ran * (self.total - self.done)).strip()} left")
        if self.failed:
            parts.append(f"  ({self.failed} failed)")
        return "".join(parts)

    def _draw(self, now: float) -> None:
        try:
            self.stream.write("\r" + self.text(now) + "\033[K")
            if self.done >= self.total:
                self.stream.write("\n")
                self._open = False
            else:
                self._open = True
            self.stream.flush()
        except (ValueError, OSError):  # a closed or broken stream: the job goes on without its bar
            self.shown = False

    def close(self) -> None:
        """End the bar's line (when it was drawn and did not reach the total, e.g. on an interrupt)."""
        if self.shown and self._open:
            try:
                self.stream.write("\n")
                self.stream.flush()
            except (ValueError, OSError):
                pass
            self._open = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def track(iterable, total: int | None = None, **kwargs):
    """Yield the items of ``iterable``, stepping a ``Progress`` (keywords as ``Progress``) after each."""
    if total is None:
        total = len(iterable)
    with Progress(total, **kwargs) as bar:
        for item in iterable:
            yield item
            bar.step()


__all__ = ["ENV", "Progress", "bar_shown", "progress_default", "track"]
