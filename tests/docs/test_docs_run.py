"""The README's code runs as a reader runs it: every Python block alone, pasted into a
file of its own, with numgst's wheel in a fresh venv outside the checkout and no
GStreamer variables set; the "Write your own element" file also as a plugin of the
reader's own folder through ``numgst launch -p``; the ``numgst`` command lines in that
venv and the ``./run`` lines in the project's environment (audio and video sinks
swapped for fakesink, endless sources given num-buffers)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from _isolated import ROOT, run_command, run_in

README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, flags=re.S)
PYTHON = [body for lang, body in BLOCKS if lang == "python"]
REFERENCE = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "toolkit.md").read_text(), re.S)
HUM = next(b for b in PYTHON if "class Hum(AudioSource)" in b)


def _commands(prefixes: tuple[str, ...]) -> list[str]:
    lines = []
    for lang, body in BLOCKS:
        if lang:
            continue
        for line in body.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith(prefixes):
                lines.append(line)
    return lines


def _reader(wheel_venv) -> tuple[Path, dict[str, str], Path]:
    tmp, env = wheel_venv
    return tmp, env, tmp / "venv" / "bin"


def _runs_alone(wheel_venv, code: str, tmp_path: Path) -> None:
    _, env, bindir = _reader(wheel_venv)
    block = tmp_path / "block.py"
    block.write_text(code)
    r = run_in([str(bindir / "python"), str(block)], tmp_path, env, timeout=120)
    assert r.returncode == 0, f"{code}\n{r.stderr[-3000:]}"
    assert "Traceback" not in r.stderr, r.stderr


@pytest.mark.parametrize("index", range(len(PYTHON)))
def test_readme_python_block_runs_alone_from_the_wheel(wheel_venv, index, tmp_path):
    _runs_alone(wheel_venv, PYTHON[index], tmp_path)


@pytest.mark.parametrize("index", range(len(REFERENCE)))
def test_reference_python_block_runs_alone_from_the_wheel(wheel_venv, index, tmp_path):
    _runs_alone(wheel_venv, REFERENCE[index], tmp_path)


def test_readme_element_file_is_a_plugin_of_ones_own_folder(wheel_venv, tmp_path):
    _, env, bindir = _reader(wheel_venv)
    (tmp_path / "myplugins" / "python").mkdir(parents=True)
    (tmp_path / "myplugins" / "python" / "hum.py").write_text(HUM)
    line = next(c for c in _commands(("numgst launch -p myplugins",)))
    args = [str(bindir / "numgst"), *_sinks(shlex.split(line)[1:])]
    r = run_in(args, tmp_path, dict(env, HOME=str(tmp_path)), timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr, r.stderr


def _sinks(args: list[str]) -> list[str]:
    out = []
    for a in args:
        a = {"autoaudiosink": "fakesink", "autovideosink": "fakesink"}.get(a, a)
        out.append(a.replace("out/", "/tmp/numgst-readme-"))
    if any(a in ("gst-launch-1.0", "launch") for a in out[:1]) and not any(
        "num-buffers=" in a for a in out
    ):
        first = next(i for i, a in enumerate(out) if a.endswith(("_py", "src")) or a == "hum")
        out.insert(first + 1, "num-buffers=20")
    return out


@pytest.mark.parametrize("line", _commands(("numgst ", "~/numgst-venv/bin/numgst ")))
def test_readme_numgst_command_runs_from_the_wheel(wheel_venv, line, tmp_path):
    if " -p myplugins " in line:
        pytest.skip("run by test_readme_element_file_is_a_plugin_of_ones_own_folder")
    _, env, bindir = _reader(wheel_venv)
    args = shlex.split(line)
    args = [str(bindir / "numgst"), *_sinks(args[1:])]
    r = run_in(args, tmp_path, dict(env, HOME=str(tmp_path)), timeout=120)
    ok = r.returncode == 0 or (args[1] == "doctor" and "matplotlib is missing" in r.stdout)
    assert ok, f"{args}\n{r.stdout[-1500:]}{r.stderr[-1500:]}"
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("line", _commands(("./run gst-launch-1.0", "./run gst-inspect-1.0")))
def test_readme_run_command_runs(line):
    args = _sinks(shlex.split(line)[1:])
    r = run_command(args, timeout=120)
    assert r.returncode == 0, f"{args}\n{r.stdout[-1500:]}{r.stderr[-1500:]}"
    assert "Traceback" not in r.stderr
