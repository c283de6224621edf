"""The README's code runs: its Python blocks (in order, as one script) and its
gst-launch and numgst command lines (audio and video sinks swapped for fakesink,
endless sources given num-buffers), so the README cannot go stale."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from _isolated import run_command, run_python

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```(\w*)\n(.*?)```", README, flags=re.S)


def _commands() -> list[str]:
    lines = []
    for lang, body in BLOCKS:
        if lang:
            continue
        for line in body.splitlines():
            line = line.split("  #")[0].strip()
            if line.startswith(("./run gst-launch-1.0", "./run gst-inspect-1.0", "numgst ")):
                lines.append(line)
    return lines


def test_readme_python_blocks_run_in_order():
    code = "\n\n".join(body for lang, body in BLOCKS if lang == "python")
    assert "class Hum(AudioSource)" in code
    r = run_python(code, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]


def _runnable(line: str) -> list[str]:
    args = shlex.split(line)
    if args[0] == "./run":
        args = args[1:]
    elif args[0] == "numgst":
        args = ["python", "-m", "numgst", *args[1:]]
    out = []
    for a in args:
        a = {"autoaudiosink": "fakesink", "autovideosink": "fakesink"}.get(a, a)
        out.append(a.replace("out/", "/tmp/numgst-readme-"))
    if "gst-launch-1.0" in " ".join(out) and not any("num-buffers=" in a for a in out):
        first = next(i for i, a in enumerate(out) if a.endswith(("_py", "src")) or a == "hum")
        out.insert(first + 1, "num-buffers=20")
    return out


@pytest.mark.parametrize("line", _commands())
def test_readme_command_runs(line):
    if " -p myplugins " in line:
        pytest.skip("needs the reader's own folder")
    args = _runnable(line)
    r = run_command(args, timeout=120)
    assert r.returncode == 0, f"{args}\n{r.stdout[-1500:]}{r.stderr[-1500:]}"
    assert "Traceback" not in r.stderr
