"""Where GStreamer finds numgst's elements.

GStreamer's Python plugin loader (gst-python) imports every ``*.py`` in the
``python/`` folder of each ``GST_PLUGIN_PATH`` entry (and of
``~/.gstreamer-1.0/plugins`` and the system plugin folder); there are no entry
points. This package's folder holds numgst's ``python/`` folder: put it on
``GST_PLUGIN_PATH`` (``python -m numgst path`` prints it), or run through the launcher
(``python -m numgst launch ...``), which also puts this Python first on PATH (the
loader embeds the first Python it finds) and keeps a GStreamer registry of its own.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def plugin_path() -> str:
    """The folder to put on GST_PLUGIN_PATH (it holds ``python/``)."""
    return str(FOLDER)


def environment(
    extra: list[str] | None = None, base: dict[str, str] | None = None
) -> dict[str, str]:
    """``base`` (the current environment) with what gst-launch needs to find numgst's
    elements and the user's own plugin folders ``extra``: GST_PLUGIN_PATH, this
    Python's bin/ first on PATH, and a registry of this environment's own."""
    env = dict(os.environ if base is None else base)
    paths = [*(str(Path(p).resolve()) for p in (extra or [])), plugin_path()]
    if env.get("GST_PLUGIN_PATH"):
        paths.append(env["GST_PLUGIN_PATH"])
    env["GST_PLUGIN_PATH"] = os.pathsep.join(paths)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bindir, env.get("PATH", "")])
    if "GST_REGISTRY" not in env:
        key = hashlib.sha1("\0".join([sys.prefix, env["GST_PLUGIN_PATH"]]).encode()).hexdigest()
        cache = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "numgst"
        cache.mkdir(parents=True, exist_ok=True)
        env["GST_REGISTRY"] = str(cache / f"registry-{key[:12]}.bin")
    return env


def run(tool: str, args: list[str], extra: list[str] | None = None) -> int:
    """Run a GStreamer tool (gst-launch-1.0, gst-inspect-1.0) in :func:`environment`."""
    exe = shutil.which(tool)
    if exe is None:
        sys.stderr.write(f"numgst: {tool} not found (Debian: apt install gstreamer1.0-tools)\n")
        return 127
    os.execve(exe, [tool, *args], environment(extra))
    return 0  # not reached
