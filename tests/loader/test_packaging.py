"""numgst installed from a wheel, outside the checkout: gst-launch finds its elements
through the launcher, and a failed import in the plugin loader says what to do."""

from __future__ import annotations

from pathlib import Path

from _isolated import ROOT
from _isolated import run_in as _run


def test_wheel_holds_the_plugin_loader_files(wheel_venv):
    tmp, env = wheel_venv
    r = _run([str(tmp / "venv" / "bin" / "python"), "-m", "numgst", "path"], tmp, env)
    folder = Path(r.stdout.strip())
    assert r.returncode == 0 and (folder / "python" / "audiotestsrc_py.py").exists()
    assert ROOT not in folder.parents  # the installed copy, not the checkout


def test_launcher_runs_the_elements_outside_the_checkout(wheel_venv):
    tmp, env = wheel_venv
    numgst = str(tmp / "venv" / "bin" / "numgst")
    r = _run([numgst, "launch", "audiotestsrc_py", "num-buffers=3", "!", "fakesink"], tmp, env)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stdout + r.stderr
    r = _run([numgst, "inspect", "audiotestsrc_py"], tmp, env)
    assert r.returncode == 0 and "samplesperbuffer" in r.stdout, r.stdout + r.stderr


def test_a_failed_import_says_what_to_do(wheel_venv):
    tmp, env = wheel_venv
    r = _run([str(tmp / "venv" / "bin" / "python"), "-m", "numgst", "path"], tmp, env)
    bare = dict(env, GST_PLUGIN_PATH=r.stdout.strip(), GST_REGISTRY=str(tmp / "bare.bin"))
    # Debian's python3 first on PATH: it has no numgst, so the loader cannot import it.
    r = _run(["gst-launch-1.0", "audiotestsrc_py", "!", "fakesink"], tmp, bare)
    assert r.returncode != 0
    assert "python -m numgst launch" in r.stderr and "bare.bin" in r.stderr, r.stderr


def test_audioplot_without_matplotlib_names_the_extra(wheel_venv):
    tmp, env = wheel_venv
    numgst = str(tmp / "venv" / "bin" / "numgst")
    r = _run([numgst, "launch", "audiotestsrc_py", "num-buffers=3", "!", "audioplot", "!",
              "fakesink"], tmp, env)  # fmt: skip
    assert r.returncode != 0
    assert "numgst[plot]" in r.stdout + r.stderr, r.stdout + r.stderr
