"""numgst installed from a wheel, outside the checkout: gst-launch finds its elements
through the launcher, and a failed import in the plugin loader says what to do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300):
    try:
        return subprocess.run(
            args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung: {args}")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh --system-site-packages venv on Debian's Python with numgst's wheel."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GST_PLUGIN_PATH", "GST_REGISTRY", "VIRTUAL_ENV", "PYTHONPATH")
    }
    env["PATH"] = "/usr/bin:/bin"
    r = _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp / "dist"),
            str(ROOT),
        ],
        tmp,
        env,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    wheel = next((tmp / "dist").glob("numgst-*.whl"))
    r = _run(
        ["/usr/bin/python3", "-m", "venv", "--system-site-packages", str(tmp / "venv")], tmp, env
    )
    assert r.returncode == 0, r.stderr
    pip = [
        str(tmp / "venv" / "bin" / "python"),
        "-m",
        "pip",
        "install",
        "-q",
        "--disable-pip-version-check",
    ]
    r = _run([*pip, str(wheel)], tmp, env, timeout=600)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    env["HOME"] = str(tmp)  # the launcher's registry cache, ~/.cache/numgst
    return tmp, env


def test_wheel_holds_the_plugin_loader_files(installed):
    tmp, env = installed
    r = _run([str(tmp / "venv" / "bin" / "python"), "-m", "numgst", "path"], tmp, env)
    folder = Path(r.stdout.strip())
    assert r.returncode == 0 and (folder / "python" / "audiotestsrc_py.py").exists()
    assert ROOT not in folder.parents  # the installed copy, not the checkout


def test_launcher_runs_the_elements_outside_the_checkout(installed):
    tmp, env = installed
    numgst = str(tmp / "venv" / "bin" / "numgst")
    r = _run([numgst, "launch", "audiotestsrc_py", "num-buffers=3", "!", "fakesink"], tmp, env)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stdout + r.stderr
    r = _run([numgst, "inspect", "audiotestsrc_py"], tmp, env)
    assert r.returncode == 0 and "samplesperbuffer" in r.stdout, r.stdout + r.stderr


def test_a_failed_import_says_what_to_do(installed):
    tmp, env = installed
    r = _run([str(tmp / "venv" / "bin" / "python"), "-m", "numgst", "path"], tmp, env)
    bare = dict(env, GST_PLUGIN_PATH=r.stdout.strip(), GST_REGISTRY=str(tmp / "bare.bin"))
    # Debian's python3 first on PATH: it has no numgst, so the loader cannot import it.
    r = _run(["gst-launch-1.0", "audiotestsrc_py", "!", "fakesink"], tmp, bare)
    assert r.returncode != 0
    assert "python -m numgst launch" in r.stderr and "bare.bin" in r.stderr, r.stderr
