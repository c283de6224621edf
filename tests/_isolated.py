"""Run code in a fresh interpreter with a hard timeout: a hang fails the test instead
of holding CI, a crash is an exit status, and stderr is there to inspect."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

#: The checkout's root folder (the one with pyproject.toml).
ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").exists())


def run_python(
    code: str, *args: str, timeout: float = 60.0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``python -c code args...`` in this project's environment (plus ``env``)."""
    full = dict(os.environ, PYTHONFAULTHANDLER="1", **(env or {}))
    try:
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=full,
        )
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr
        pytest.fail(f"hung: killed after {timeout} s\n{(err or '')[-3000:]}")


def run_command(
    args: list[str], timeout: float = 60.0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    full = dict(os.environ, **(env or {}))
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=full)
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung: {' '.join(args)} killed after {timeout} s")


def leaked_objects(stderr: str) -> list[str]:
    """GStreamer objects the leaks tracer found alive at deinit, but for the ones that
    live as long as the process (element classes' factories and pad templates)."""
    alive = [
        ln
        for ln in stderr.splitlines()
        if "object-alive, type-name=(string)" in ln and "%s" not in ln
    ]
    return [ln for ln in alive if "GstPadTemplate" not in ln and "Factory" not in ln]


LEAKS_ENV = {"GST_TRACERS": "leaks", "GST_DEBUG": "GST_TRACER:7", "GST_DEBUG_NO_COLOR": "1"}

# What a leak check's code starts with: numgst registered, and play(desc), which runs
# a pipeline to its end and gives the type of the message that ended it.
_LEAK_PRELUDE = """
import gc
import numgst
from numgst.base.gst import Gst
numgst.register()

def play(desc):
    p = Gst.parse_launch(desc)
    p.set_state(Gst.State.PLAYING)
    ends = Gst.MessageType.EOS | Gst.MessageType.ERROR
    msg = p.get_bus().timed_pop_filtered(10 * Gst.SECOND, ends)
    p.set_state(Gst.State.NULL)
    return None if msg is None else msg.type
"""
_LEAK_END = """
gc.collect()
Gst.deinit()
print("done")
"""


def assert_nothing_leaked(code: str, timeout: float = 60.0) -> None:
    """Run ``code`` (after a prelude giving it ``Gst`` and ``play``) under the leaks
    tracer, then deinit: every GStreamer object it made must be gone."""
    r = run_python(_LEAK_PRELUDE + code + _LEAK_END, timeout=timeout, env=LEAKS_ENV)
    assert r.returncode == 0 and "done" in r.stdout, r.stderr[-3000:]
    leaked = leaked_objects(r.stderr)
    assert leaked == [], "\n".join(leaked[:20])


def run_script(
    name: str, *args: str, timeout: float = 60.0, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``tests/<name>`` as a script (see run_python)."""
    path = os.path.join(os.path.dirname(__file__), name)
    full = dict(os.environ, PYTHONFAULTHANDLER="1", **(env or {}))
    try:
        return subprocess.run(
            [sys.executable, path, *args], capture_output=True, text=True, timeout=timeout, env=full
        )
    except subprocess.TimeoutExpired as exc:
        err = exc.stderr.decode(errors="replace") if isinstance(exc.stderr, bytes) else exc.stderr
        pytest.fail(
            f"hung: {name} {' '.join(args)} killed after {timeout} s\n{(err or '')[-3000:]}"
        )


def run_in(
    args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess:
    """``args`` in ``cwd`` with exactly ``env`` (nothing of this process's own)."""
    try:
        return subprocess.run(
            args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung: {args}")
