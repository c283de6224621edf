"""Where GStreamer finds numgst's elements, and the launcher that makes it find them.

GStreamer's Python plugin loader (gst-python) imports every ``*.py`` in the
``python/`` folder of each ``GST_PLUGIN_PATH`` entry (and of
``~/.gstreamer-1.0/plugins`` and the system plugin folder); there are no entry
points. This package's folder holds numgst's ``python/`` folder: put it on
``GST_PLUGIN_PATH`` (``python -m numgst path`` prints it), or run through the launcher
(``python -m numgst launch ...``), which also puts this Python first on PATH (the
loader embeds the first Python it finds) and keeps a GStreamer registry of its own.

GStreamer's registry remembers what the loader found, failed imports included, and
rescans a ``python/`` folder only when the folder itself changes, not when a file in
it is edited. The launcher's registry is named for the contents of every plugin
folder it uses (file names, sizes, times), so an edited file means a new scan; the
Python tracebacks of that scan are kept beside the registry and repeated on every
run until the files change, instead of an element that is silently missing.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

FOLDER = Path(__file__).resolve().parent
_TRACEBACK = re.compile(r"^Traceback \(most recent call last\):\n(?:[ \t].*\n)*\S.*$", re.M)


def plugin_path() -> str:
    """The folder to put on GST_PLUGIN_PATH (it holds ``python/``)."""
    return str(FOLDER)


def fingerprint(folders: list[str]) -> str:
    """A digest of the Python plugin files in each folder's ``python/``: their names,
    sizes and modification times."""
    h = hashlib.sha1()
    for folder in folders:
        python = Path(folder) / "python"
        try:
            files = sorted(python.glob("*.py"))
        except OSError:
            continue
        for f in files:
            try:
                st = f.stat()
            except OSError:
                continue
            h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def environment(
    extra: list[str] | None = None, base: dict[str, str] | None = None
) -> dict[str, str]:
    """``base`` (the current environment) with what gst-launch needs to find numgst's
    elements and the user's own plugin folders ``extra``: GST_PLUGIN_PATH, this
    Python's bin/ first on PATH, and a registry of this environment's own, named for
    the plugin files it scans (see the module docstring)."""
    env = dict(os.environ if base is None else base)
    # numgst's folder first: its files are imported first, and they keep a SIGINT
    # that arrives while the user's files are imported (see _numgst.py).
    paths = [plugin_path(), *(str(Path(p).resolve()) for p in (extra or []))]
    if env.get("GST_PLUGIN_PATH"):
        paths.append(env["GST_PLUGIN_PATH"])
    env["GST_PLUGIN_PATH"] = os.pathsep.join(paths)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([bindir, env.get("PATH", "")])
    if "GST_REGISTRY" not in env:
        key = hashlib.sha1("\0".join([sys.prefix, env["GST_PLUGIN_PATH"]]).encode()).hexdigest()
        cache = Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "numgst"
        cache.mkdir(parents=True, exist_ok=True)
        prefix = f"registry-{key[:12]}-"
        name = f"{prefix}{fingerprint(env['GST_PLUGIN_PATH'].split(os.pathsep))[:12]}.bin"
        for old in cache.glob(prefix + "*"):  # registries of files since changed
            if not old.name.startswith(name):
                old.unlink(missing_ok=True)
        env["GST_REGISTRY"] = str(cache / name)
    return env


def tracebacks(text: str) -> list[str]:
    """The Python tracebacks in a GStreamer tool's stderr (the plugin loader prints
    one for each file it could not import)."""
    return [m.group(0) for m in _TRACEBACK.finditer(text)]


def scan(env: dict[str, str]) -> tuple[bool, str]:
    """Let GStreamer (re)build the registry of ``env``: (whether its Python plugin
    loader is there, the tracebacks of the files it could not import)."""
    exe = shutil.which("gst-inspect-1.0", path=env.get("PATH"))
    if exe is None:
        return False, ""
    r = subprocess.run(
        [exe, "python"], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    return r.returncode == 0, "\n\n".join(tracebacks(r.stderr))


def failures_file(env: dict[str, str]) -> Path:
    return Path(env["GST_REGISTRY"] + ".failures")


def report_failures(env: dict[str, str]) -> None:
    """Scan once per registry; say on every run which plugin files failed to import."""
    kept = failures_file(env)
    if not kept.exists():
        # A registry made without us (gst-launch run by hand in `numgst env`'s
        # environment) holds its failures silently: scan again to hear them.
        Path(env["GST_REGISTRY"]).unlink(missing_ok=True)
        _, found = scan(env)
        kept.write_text(found)
    found = kept.read_text()
    if found:
        sys.stderr.write(
            "numgst: GStreamer's Python plugin loader could not import these files (their "
            "elements are missing until the files change):\n" + found + "\n"
        )


def run(tool: str, args: list[str], extra: list[str] | None = None) -> int:
    """Run a GStreamer tool (gst-launch-1.0, gst-inspect-1.0) in :func:`environment`."""
    exe = shutil.which(tool)
    if exe is None:
        sys.stderr.write(
            f"numgst: {tool} not found (Debian: sudo apt install gstreamer1.0-tools; "
            "numgst doctor checks the rest)\n"
        )
        return 127
    env = environment(extra)
    if env.get("GST_REGISTRY", "").startswith(str(_cache_dir(env))):
        report_failures(env)
    os.execve(exe, [tool, *args], env)
    return 0  # not reached


def _cache_dir(env: dict[str, str]) -> Path:
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "numgst"
