"""``numgst doctor``: what stands between this Python and numgst's elements in
gst-launch, each missing piece named in plain words with the command that fixes it.

Checks, in the order a new machine needs them: GStreamer's tools, Debian's gi and
Gst bindings for this interpreter, the gst-python plugin loader, the libpython the
loader opens, the base and good plugin sets, the registry (a blacklisted loader), the
plugin files (each failed import with its traceback), every numgst element, and
matplotlib for audioplot.
"""

from __future__ import annotations

import ctypes
import dataclasses
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import FOLDER, environment, scan

APT = "sudo apt install"


@dataclasses.dataclass
class Finding:
    ok: bool
    what: str
    fix: str = ""
    detail: str = ""


def _tool(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str] | None:
    exe = shutil.which(args[0], path=env.get("PATH"))
    if exe is None:
        return None
    return subprocess.run(
        [exe, *args[1:]], env=env, capture_output=True, text=True, timeout=600, check=False
    )


def check_tools(env: dict[str, str]) -> Finding:
    missing = [t for t in ("gst-launch-1.0", "gst-inspect-1.0") if not shutil.which(t)]
    if missing:
        return Finding(False, f"GStreamer's tools are missing ({', '.join(missing)})",
                       f"{APT} gstreamer1.0-tools")  # fmt: skip
    return Finding(True, "GStreamer's tools (gst-launch-1.0, gst-inspect-1.0)")


def check_bindings() -> Finding:
    try:
        import gi

        gi.require_version("Gst", "1.0")
        gi.require_version("GstBase", "1.0")
        gi.require_version("GstAudio", "1.0")
        gi.require_version("GstVideo", "1.0")
        from gi.repository import Gst  # noqa: F401
    except (ImportError, ValueError) as exc:
        return Finding(
            False,
            f"this Python ({sys.executable}) cannot import GStreamer's bindings: {exc}",
            f"{APT} python3-gi python3-gst-1.0 gir1.2-gstreamer-1.0 "
            "gir1.2-gst-plugins-base-1.0, and make the venv from Debian's python3 with "
            "--system-site-packages (python3 -m venv --system-site-packages DIR)",
        )
    return Finding(True, "gi and the Gst bindings, from Debian's packages")


def loader_library() -> Path | None:
    """The gst-python plugin loader (libgstpython.so) in the system plugin folder."""
    for d in ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"):
        for p in Path(d).glob("gstreamer-1.0/libgstpython*.so"):
            return p
    return None


def wanted_libpython(loader: Path) -> str | None:
    """The libpython the loader needs, from its bytes: the versioned library it links
    against (Debian 12), or the unversioned libpython3.X.so it opens by name (Debian
    13), which only libpython3.X-dev provides."""
    found = re.findall(rb"(?<![/\w])libpython3\.\d+[a-z]*\.so(?:\.[\d.]+)?", loader.read_bytes())
    names = sorted({n.decode() for n in found}, key=len)
    linked = [n for n in names if not n.endswith(".so")]
    chosen = linked or names
    return chosen[0] if chosen else None


def check_loader() -> list[Finding]:
    loader = loader_library()
    if loader is None:
        return [
            Finding(
                False,
                "the gst-python plugin loader (libgstpython.so) is not installed: GStreamer "
                "cannot load any Python element",
                f"{APT} gstreamer1.0-python3-plugin-loader",
            )
        ]
    found = [Finding(True, f"the gst-python plugin loader ({loader})")]
    lib = wanted_libpython(loader)
    if lib is not None:
        try:
            ctypes.CDLL(lib)
            found.append(Finding(True, f"{lib}, which the loader opens"))
        except OSError:
            version = re.search(r"3\.\d+", lib)
            dev = f"libpython{version.group(0)}-dev" if version else "libpython3-dev"
            found.append(
                Finding(
                    False,
                    f"the loader opens {lib}, which is not installed: every Python element "
                    "is missing (gst-launch says 'no element')",
                    f"{APT} {dev}   (or: {APT} libpython3-dev)",
                )
            )
    return found


def check_plugin_sets(env: dict[str, str]) -> list[Finding]:
    found = []
    for element, package, why in (
        ("audioconvert", "gstreamer1.0-plugins-base", "audioconvert, videoconvert, ..."),
        ("autoaudiosink", "gstreamer1.0-plugins-good", "autoaudiosink, wavenc, ..."),
    ):
        r = _tool(env, "gst-inspect-1.0", "--exists", element)
        ok = r is not None and r.returncode == 0
        found.append(Finding(ok, f"{package} ({why})", "" if ok else f"{APT} {package}"))
    return found


def check_registry(env: dict[str, str]) -> list[Finding]:
    r = _tool(env, "gst-inspect-1.0", "-b")
    if r is None:
        return []
    black = [ln.strip() for ln in r.stdout.splitlines() if "python" in ln.lower()]
    if black:
        return [
            Finding(
                False,
                "GStreamer's registry blacklists the Python plugin loader: " + "; ".join(black),
                f"rm {env['GST_REGISTRY']}   (a new scan then tries it again)",
            )
        ]
    return []


def check_plugin_files(env: dict[str, str], factories: list[str]) -> list[Finding]:
    loaded, failed = scan(env)
    found = []
    if failed:
        found.append(
            Finding(
                False,
                "plugin files that the loader could not import (their elements are missing)",
                "fix each file; numgst launch rescans changed folders by itself",
                failed,
            )
        )
    elif loaded:
        found.append(Finding(True, "every plugin file imports"))
    for name in factories:
        r = _tool(env, "gst-inspect-1.0", "--exists", name)
        ok = r is not None and r.returncode == 0
        found.append(Finding(ok, f"element {name}", "" if ok else "see the findings above"))
    return found


def check_matplotlib() -> Finding:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return Finding(
            False,
            "matplotlib is missing: audioplot cannot draw (the other elements work)",
            f"{sys.executable} -m pip install 'numgst[plot]'",
        )
    return Finding(True, "matplotlib, for audioplot")


def diagnose(extra: list[str] | None = None) -> list[Finding]:
    env = environment(extra)
    tools = check_tools(env)
    findings = [tools, check_bindings(), *check_loader()]
    if tools.ok:
        findings += check_registry(env)
        # A registry of our own: a fresh scan, whose failures we hear.
        with tempfile.TemporaryDirectory() as tmp:
            fresh = dict(env, GST_REGISTRY=str(Path(tmp) / "registry.bin"))
            # The loader files are named for numgst's elements (no Gst import needed).
            names = sorted(p.stem for p in (FOLDER / "python").glob("[!_]*.py"))
            files = check_plugin_files(fresh, names)  # first: its scan makes the registry
            findings += check_plugin_sets(fresh) + files
    findings.append(check_matplotlib())
    return findings


def main(extra: list[str] | None = None) -> int:
    findings = diagnose(extra)
    for f in findings:
        print(f"{'ok  ' if f.ok else 'FAIL'}  {f.what}")
        if f.detail:
            print("      " + f.detail.replace("\n", "\n      "))
        if not f.ok and f.fix:
            print(f"      fix: {f.fix}")
    bad = sum(not f.ok for f in findings)
    print(f"\n{bad} problem(s)" if bad else "\nnumgst's elements are ready for gst-launch")
    return 1 if bad else 0


__all__ = ["Finding", "diagnose", "main"]
