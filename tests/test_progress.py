"""Progress bars: silent off a terminal (captured, piped), drawn on a pseudo-terminal, switched by the caller, the
ambient default the command line sets and the OPTOLINK_PROGRESS variable; the long jobs use them; and
``optolink --version``."""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import sys

import pytest

from optolink.core import progress as prog
from optolink.core.progress import ENV, Progress, bar_shown, progress_default, track

HERE = pathlib.Path(__file__).resolve().parent


@pytest.fixture(autouse=True)
def _no_env(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)


@contextlib.contextmanager
def pty_stream():
    """A text stream on the slave side of a pseudo-terminal (``isatty()`` is True) and a reader of what was
    written to it."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    stream = os.fdopen(slave, "w", encoding="utf-8", buffering=1)

    def read() -> str:
        stream.flush()
        os.set_blocking(master, False)
        chunks = []
        with contextlib.suppress(BlockingIOError, OSError):
            while chunk := os.read(master, 65536):
                chunks.append(chunk)
        return b"".join(chunks).decode("utf-8", "replace")

    try:
        assert stream.isatty()
        yield stream, read
    finally:
        stream.close()
        os.close(master)


def _run(bar: Progress, n: int):
    for _ in range(n):
        bar.step()
    bar.close()


def test_silent_when_stderr_is_captured(capsys):
    _run(Progress(5, enabled=True, min_interval=0.0), 5)  # stderr is pytest's capture: not a terminal
    for _ in track(range(3), label="x", enabled=True):
        pass
    assert capsys.readouterr().err == ""


def test_silent_on_a_pipe_or_a_string_buffer():
    buf = io.StringIO()
    _run(Progress(5, enabled=True, stream=buf, min_interval=0.0), 5)
    assert buf.getvalue() == ""
    r, w = os.pipe()
    with os.fdopen(w, "w") as stream:
        bar = Progress(3, enabled=True, stream=stream, min_interval=0.0)
        assert not bar.shown
        _run(bar, 3)
    with os.fdopen(r) as fh:
        assert fh.read() == ""


def test_shown_on_a_pseudo_terminal():
    with pty_stream() as (stream, read):
        bar = Progress(4, label="BER curve", unit="points", enabled=True, stream=stream, min_interval=0.0)
        assert bar.shown
        _run(bar, 4)
        out = read()
    assert "\r" in out and "BER curve [" in out and "4/4 points" in out
    assert "#" * prog.WIDTH in out  # the full bar at the end
    assert out.endswith("\n") and "4/4 points" in out.rsplit("\r", 2)[-2]  # the last draw ends its line


def test_switched_off_by_the_caller_and_by_the_ambient_default():
    with pty_stream() as (stream, read):
        _run(Progress(3, enabled=False, stream=stream, min_interval=0.0), 3)
        _run(Progress(3, enabled=None, stream=stream, min_interval=0.0), 3)  # the default: off
        assert read() == ""
        with progress_default(True):
            assert bar_shown(None, stream) and not bar_shown(False, stream)
            _run(Progress(3, enabled=None, stream=stream, min_interval=0.0), 3)
        assert not bar_shown(None, stream)  # reset after the block
        assert "3/3" in read()


def test_the_environment_variable_overrides(monkeypatch):
    with pty_stream() as (stream, read):
        monkeypatch.setenv(ENV, "0")
        _run(Progress(2, enabled=True, stream=stream, min_interval=0.0), 2)
        assert read() == ""
    buf = io.StringIO()
    monkeypatch.setenv(ENV, "always")
    _run(Progress(2, enabled=True, stream=buf, min_interval=0.0), 2)
    assert "2/2" in buf.getvalue()
    buf = io.StringIO()
    _run(Progress(2, enabled=False, stream=buf, min_interval=0.0), 2)  # "always" shows only wanted bars
    assert buf.getvalue() == ""


def test_text_counts_resumed_steps_estimates_the_rest_and_counts_failures():
    bar = Progress(10, done=4, label="sweep", unit="points", enabled=False)
    bar.t0 -= 10.0  # 10 s ago
    bar.step()
    bar.step(failed=True)
    text = bar.text(now=bar.t0 + 10.0)
    assert "6/10 points" in text and "#" * int(prog.WIDTH * 0.6) in text
    # 2 steps in 10 s (the 4 resumed ones do not count), 4 to go: ~20 s left
    assert "~20.0 s left" in text and "(1 failed)" in text
    assert Progress(1, label="x" * 100, enabled=False).label == "x" * 39 + "…"
    assert prog._clock(75) == "1:15" and prog._clock(3725) == "1:02:05"


def test_an_interrupted_bar_ends_its_line():
    with pty_stream() as (stream, read):
        bar = Progress(10, enabled=True, stream=stream, min_interval=0.0)
        bar.step()
        bar.close()
        out = read()
    assert "1/10" in out and out.endswith("\n")


def test_a_closed_stream_does_not_stop_the_job():
    buf = io.StringIO()
    bar = Progress(3, enabled=True, stream=buf, min_interval=0.0)
    bar.shown = True
    buf.close()
    _run(bar, 3)  # no exception
    assert not bar.shown


# ------------------------------------------------------------------------------------------------ the jobs
def test_a_sweep_draws_its_bar_on_a_terminal_and_nothing_when_captured(tmp_path, monkeypatch, capsys):
    from links.sweep import SweepSpec, run_sweep

    monkeypatch.syspath_prepend(str(HERE))  # the workloads module
    spec = SweepSpec(function="sweep_workloads:quadratic", grid={"x": [1.0, 2.0, 3.0]}, name="bar")
    run_sweep(spec, tmp_path / "a.h5", scheduler="sync", progress=True)
    assert capsys.readouterr().err == ""
    with pty_stream() as (stream, read):
        monkeypatch.setattr(sys, "stderr", stream)
        run_sweep(spec, tmp_path / "b.h5", scheduler="sync", progress=True)
        out = read()
    assert "sweep bar [" in out and "3/3 points" in out


def test_network_paths_and_ber_curves_draw_bars_under_the_ambient_default(monkeypatch):
    from links.network import build_native, example_metro
    from links.network.paths import all_pairs
    from links.simulate import LinkConfig, ber_vs_osnr

    net = build_native(example_metro(10, rng=1))
    with pty_stream() as (stream, read):
        monkeypatch.setattr(sys, "stderr", stream)
        all_pairs(net)
        assert read() == ""  # library calls: no bar unless asked
        with progress_default(True):
            paths = all_pairs(net)
            ber_vs_osnr("400ZR", (20.0,), config=LinkConfig(n_symbols=1024, ideal=True))
        out = read()
    n_trx = len(net.transceivers())
    assert len(paths) == n_trx * (n_trx - 1)
    assert "network paths [" in out and f"{n_trx}/{n_trx} sources" in out
    assert "BER curve 400ZR [" in out and "1/1 points" in out


def test_the_chip_build_steps_a_bar_per_device(monkeypatch):
    pytest.importorskip("gdsfactory")
    from layouts import chip
    from layouts.doe import plan

    seen = []

    def fake_track(iterable, **kwargs):
        seen.append(kwargs)
        return iter(())  # draw nothing: only the wiring is checked here

    monkeypatch.setattr(chip, "track", fake_track)
    assert chip.make_cells(plan(None)) == []
    assert seen == [{"label": "chip cells", "unit": "devices"}]


def test_the_command_line_turns_bars_on_for_its_commands(monkeypatch, capsys):
    from optolink import cli

    seen = {}

    def fake_devices(args):
        with pty_stream() as (stream, _):
            seen["shown"] = bar_shown(None, stream)
        return 0

    monkeypatch.setattr(cli, "_devices", fake_devices)
    assert cli.main(["devices"]) == 0
    assert seen == {"shown": True}
    with pty_stream() as (stream, _):
        assert not bar_shown(None, stream)  # only while the command runs


def test_version_prints_the_package_metadata_version(capsys):
    from importlib.metadata import version

    from optolink import cli

    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"optolink {version('optolink')}"
