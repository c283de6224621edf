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
