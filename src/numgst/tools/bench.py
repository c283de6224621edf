"""``./run bench``: numgst's elements against GStreamer's C elements, as users run them.

Every timing is a whole ``gst-launch-1.0`` process: what users run (the plugin loader,
Debian's shared libpython), not an in-process harness. Start-up is subtracted by
differencing: a run of N buffers and a run of 1, per buffer = (t_N - t_1) / (N - 1),
with N chosen so that the stream lasts about a second. Each repetition times the C
element and ours back to back, alternating which goes first (ABBA), and gives one
py/C ratio; a row reports the median ratio, its lowest and highest (how much the
machine drifted), and the median microseconds per buffer of each element. Peak RSS
and CPU time come from ``wait4`` on the child.

Sections: ``audio`` (audiotestsrc_py per wave, format and buffer size), ``toolkit``
(each base class's fixed cost per buffer against the equivalent C element and a
plain PyGObject subclass), ``video`` (videotestsrc_py per pattern, format and size),
``video-live`` (CPU share of a live 1080p30 stream), ``memory`` (RSS over a
million buffers), ``live`` (CPU share of a live source), ``mixer`` (eight sources into
audiomixer), ``plot`` (audioplot's frames per second). Results go to
``out/bench-<time>.json`` and ``out/bench-latest.json``; ``--markdown FILE`` writes
the tables (BENCH.md).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

AUDIO_CAPS = "audio/x-raw,format={fmt},channels=2,rate=48000"
GOAL_WAVES = (
    "sine",
    "square",
    "saw",
    "triangle",
    "white-noise",
    "pink-noise",
    "gaussian-noise",
    "red-noise",
    "violet-noise",
    "ticks",
)

#: Issue 23's goals, py/C per buffer at most: (wave, samplesperbuffer) -> goal. The
#: cheap waves at 1024 frames (square, saw, triangle) at or under C.
AUDIO_GOALS: dict[tuple[str, int], float] = {
    ("sine", 1024): 1.0,
    ("sine", 8192): 0.75,
    ("square", 1024): 1.0,
    ("square", 8192): 0.6,
    ("saw", 1024): 1.0,
    ("saw", 8192): 1.5,
    ("triangle", 1024): 1.0,
    ("triangle", 8192): 1.5,
    ("ticks", 1024): 3.0,
    ("pink-noise", 1024): 1.2,
    ("white-noise", 1024): 0.9,
    ("red-noise", 1024): 3.0,
    ("violet-noise", 1024): 3.0,
}
#: Static patterns at 320x240: at or under C.
VIDEO_GOALS: dict[tuple[str, str], float] = {
    (pattern, "320x240"): 1.0 for pattern in ("smpte", "checkers-8", "colors", "solid-color")
}
#: Each toolkit base's fixed cost at most this many times the ctypes floor.
TOOLKIT_GOAL = 2.0
#: Eight Python sources into audiomixer: CPU at most this many times eight C ones'.
MIXER_GOAL = 1.5


def goal_columns(ratio: float | None, goal: float | None) -> dict[str, Any]:
    """The goal beside a measured ratio, and whether it was met."""
    if goal is None:
        return {"goal": None, "met": None}
    return {"goal": goal, "met": ratio is not None and ratio <= goal}


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


# -- one child process ---------------------------------------------------------------


def launch(pipeline: str, timeout: float = 600.0) -> dict[str, Any]:
    """Run ``gst-launch-1.0 -q PIPELINE``; wall seconds, CPU seconds, peak RSS (KiB)."""
    args = ["gst-launch-1.0", "-q", *shlex.split(pipeline)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.002)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    ok = os.waitstatus_to_exitcode(status) == 0
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_kib": usage.ru_maxrss,
        "ok": ok,
        "error": None if ok else (err.strip().splitlines() or ["failed"])[-1],
    }


def per_buffer(make: Callable[[int], str], n: int) -> dict[str, Any]:
    """Per-buffer seconds of ``make(buffers)`` by differencing N buffers and 1."""
    one, many = launch(make(1)), launch(make(n))
    if not (one["ok"] and many["ok"]):
        return {"ok": False, "error": one["error"] or many["error"]}
    return {
        "ok": True,
        "s": max(many["wall_s"] - one["wall_s"], 0.0) / (n - 1),
        "peak_rss_kib": many["peak_rss_kib"],
    }


def _measured(make: Callable[[int], str], n: int) -> dict[str, Any]:
    """:func:`per_buffer`, run again with four times the buffers (up to three times)
    while the difference is lost in start-up jitter (a busy machine), so that no
    repetition reports 0 us."""
    got = per_buffer(make, n)
    for _ in range(3):
        if not got["ok"] or got["s"] > 0:
            break
        n *= 4
        got = per_buffer(make, n)
    return got


def calibrate(make: Callable[[int], str], seconds: float) -> int:
    """Buffers for about ``seconds`` of streaming (at least 200).

    The probe grows tenfold until its streaming stands out of the start-up's jitter
    (tens of ms): a cheap buffer times 1000 can be less than that, and the difference
    of the two runs is then noise, or nothing."""
    n = 1000
    while True:
        probe = per_buffer(make, n)
        if not probe["ok"]:
            return 2000
        if probe["s"] * (n - 1) >= 0.1 or n >= 1_000_000:
            break
        n *= 10
    if probe["s"] <= 0:
        return 2_000_000
    return int(min(max(seconds / probe["s"], 200), 2_000_000))


def paired(
    c: Callable[[int], str], py: Callable[[int], str], reps: int, seconds: float
) -> dict[str, Any]:
    """C and Python per-buffer times, paired and alternated (see the module docstring)."""
    n_c, n_py = calibrate(c, seconds), calibrate(py, seconds)
    ratios, c_s, py_s, rss = [], [], [], []
    for rep in range(reps):
        order = [("c", c, n_c), ("py", py, n_py)]
        if rep % 2:
            order.reverse()
        got = {name: _measured(make, n) for name, make, n in order}
        if not (got["c"]["ok"] and got["py"]["ok"]):
            return {"status": "n/a", "error": got["c"].get("error") or got["py"].get("error")}
        c_s.append(got["c"]["s"])
        py_s.append(got["py"]["s"])
        rss.append((got["py"]["peak_rss_kib"], got["c"]["peak_rss_kib"]))
        ratios.append(got["py"]["s"] / got["c"]["s"] if got["c"]["s"] > 0 else float("inf"))
    return {
        "status": "ok",
        "ratio": statistics.median(ratios),
        "ratio_min": min(ratios),
        "ratio_max": max(ratios),
        "py_us": 1e6 * statistics.median(py_s),
        "c_us": 1e6 * statistics.median(c_s),
        "buffers": [n_c, n_py],
        "py_peak_rss_kib": max(r[0] for r in rss),
        "c_peak_rss_kib": max(r[1] for r in rss),
    }


# -- sections ----------------------------------------------------------------------------


def _audio_pipeline(element: str, wave: str, fmt: str, spb: int) -> Callable[[int], str]:
    caps = AUDIO_CAPS.format(fmt=fmt)
    return lambda n: (
        f"{element} wave={wave} samplesperbuffer={spb} num-buffers={n} ! "
        f"{caps} ! fakesink sync=false"
    )


def audio(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    for wave in args.waves:
        for fmt in args.formats:
            for spb in args.spb:
                got = paired(
                    _audio_pipeline("audiotestsrc", wave, fmt, spb),
                    _audio_pipeline("audiotestsrc_py", wave, fmt, spb),
                    args.reps,
                    args.seconds,
                )
                row = {"wave": wave, "format": fmt, "spb": spb, **got}
                row.update(goal_columns(got.get("ratio"), AUDIO_GOALS.get((wave, spb))))
                rows.append(row)
                log(_audio_line(row))
    return rows


def _audio_line(r: dict[str, Any]) -> str:
    head = f"{r['wave']:>15} {r['format']:>6} {r['spb']:>5}"
    if r["status"] != "ok":
        return f"{head}  n/a ({r.get('error')})"
    return (
        f"{head}  py/C {r['ratio']:5.2f} ({r['ratio_min']:.2f}-{r['ratio_max']:.2f})  "
        f"py {r['py_us']:8.1f} us  C {r['c_us']:8.1f} us"
    )


# -- toolkit: the fixed cost of each base class ------------------------------------

IN_PROCESS = """
import sys, time
import numgst
from numgst.base.gst import Gst
from numgst.tools import bench_elements
numgst.register()
bench_elements.register()
p = Gst.parse_launch(sys.argv[1])
n = int(sys.argv[2])
p.set_state(Gst.State.PAUSED)
p.get_state(10 * Gst.SECOND)
t = time.perf_counter()
p.set_state(Gst.State.PLAYING)
m = p.get_bus().timed_pop_filtered(600 * Gst.SECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
dt = time.perf_counter() - t
p.set_state(Gst.State.NULL)
print(dt / n if m is not None and m.type == Gst.MessageType.EOS else -1)
"""

AUDIO_SRC = (
    "audiotestsrc wave=silence samplesperbuffer=1024 num-buffers={n} ! "
    + AUDIO_CAPS.format(fmt="F32LE")
)
# Mixers skip GAP buffers (silence is flagged so): a sine makes every one mix.
MIX_SRC = AUDIO_SRC.replace("wave=silence", "wave=sine")
VIDEO_CAPS = "video/x-raw,format=RGBA,width=320,height=240,framerate=30/1"
VIDEO_SRC = "videotestsrc pattern=black num-buffers={n} ! " + VIDEO_CAPS
# kind: (pipeline with {x} for the element and {n} for buffers, baseline element,
#        C element, toolkit element, plain PyGObject element)
TOOLKIT_ROWS = {
    "AudioSource": (
        "{x} num-buffers={n} ! " + AUDIO_CAPS.format(fmt="F32LE") + " ! fakesink sync=false",
        None,
        "audiotestsrc wave=silence samplesperbuffer=1024",
        "numgst_bench_toolkit_silence",
        "numgst_bench_plain_silence",
    ),
    "AudioFilter": (
        AUDIO_SRC + " ! {x} ! fakesink sync=false",
        "identity",
        "volume volume=0.5",
        "numgst_bench_toolkit_half",
        "numgst_bench_plain_half",
    ),
    "VideoSource": (
        "{x} num-buffers={n} ! " + VIDEO_CAPS + " ! fakesink sync=false",
        None,
        "videotestsrc pattern=black",
        "numgst_bench_toolkit_black",
        "numgst_bench_plain_black",
    ),
    "VideoFilter": (
        VIDEO_SRC + " ! {x} ! fakesink sync=false",
        "identity",
        "videoconvert",
        "numgst_bench_toolkit_video",
        "numgst_bench_plain_video",
    ),
    "ArraySink": (
        AUDIO_SRC + " ! {x}",
        None,
        "fakesink sync=false",
        "numgst_bench_toolkit_look sync=false",
        "numgst_bench_plain_look sync=false",
    ),
    "AudioTransform": (
        AUDIO_SRC + " ! {x} ! audio/x-raw,channels=1 ! fakesink sync=false",
        None,
        "audioconvert",
        "numgst_bench_toolkit_downmix",
        "numgst_bench_plain_downmix",
    ),
    "VideoTransform": (
        VIDEO_SRC + " ! {x} ! video/x-raw,width=160,height=120 ! fakesink sync=false",
        None,
        "videoscale method=nearest-neighbour",
        "numgst_bench_toolkit_halfsize",
        "numgst_bench_plain_halfsize",
    ),
    "AudioVisualizer": (  # per 1024-sample input buffer; no plain one: see the note
        AUDIO_SRC
        + " ! audioconvert ! {x} ! video/x-raw,format=BGRx,width=256,height=128,framerate=25/1"
        " ! fakesink sync=false",
        None,
        "monoscope",
        "numgst_bench_toolkit_scope",
        None,
    ),
    "AudioMixer": (
        "{x} name=m ! fakesink sync=false " + MIX_SRC + " ! m. " + MIX_SRC + " ! m.",
        None,
        "audiomixer",
        "numgst_bench_toolkit_sum",
        "numgst_bench_plain_sum",
    ),
    "VideoMixer": (
        "{x} name=m ! fakesink sync=false " + VIDEO_SRC + " ! m. " + VIDEO_SRC + " ! m.",
        None,
        "compositor",
        "numgst_bench_toolkit_stack",
        "numgst_bench_plain_stack",
    ),
}
# AudioVisualizer has no plain-PyGObject row: GstPbutils.AudioVisualizer hands Python
# a frame whose buffer reads None (PyGObject 3.42), so a plain one is a hand-written
# element with pad functions, the base class itself.


def _in_process(desc: str, n: int) -> float:
    r = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, desc, str(n)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        got = float(r.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        got = -1.0
    if got < 0:  # said, not hidden in a negative figure
        log(f"failed: {desc}\n{r.stderr[-2000:]}")
    return got


FLOOR_PIPELINE = "{x} blocksize=8192 num-buffers={n} ! fakesink sync=false"
FLOORS = {
    "C audiotestsrc wave=silence": "audiotestsrc wave=silence samplesperbuffer=2048",
    "PyGObject vfunc": "numgst_bench_floor_pygobject",
    "ctypes vfunc": "numgst_bench_floor_ctypes",
}


@functools.cache
def floors(n: int, reps: int) -> dict[str, float]:
    """Microseconds per buffer of an empty fill, called by PyGObject and by ctypes,
    beside C's cheapest source (medians of ``reps``). Measured once per run: the
    toolkit section and the floor section share it."""
    got: dict[str, list[float]] = {name: [] for name in FLOORS}
    for _ in range(reps):
        for name, element in FLOORS.items():
            got[name].append(_in_process(FLOOR_PIPELINE.format(x=element, n=n), n))
    med = {name: 1e6 * statistics.median(v) for name, v in got.items()}
    log("floors: " + ", ".join(f"{k} {v:.2f} us" for k, v in med.items()))
    return med


def toolkit(args: argparse.Namespace) -> list[dict[str, Any]]:
    """Per-buffer cost of each base class doing a trivial job, in-process (after
    preroll), against the C element doing it, a plain PyGObject subclass and the
    ctypes floor (measured in the same run)."""
    n = _toolkit_buffers(args)
    floor = floors(n, args.reps)["ctypes vfunc"]
    rows = []
    for kind, (template, base, c, ours, plain) in TOOLKIT_ROWS.items():
        got: dict[str, list[float]] = {"base": [], "c": [], "toolkit": [], "plain": []}
        for _ in range(args.reps):
            for name, element in (("base", base), ("c", c), ("toolkit", ours), ("plain", plain)):
                if element is not None:
                    got[name].append(_in_process(template.format(x=element, n=n), n))
        med = {k: statistics.median(v) for k, v in got.items() if v}
        rows.append(_toolkit_row(kind, c, med, floor))
    return rows


def floor_section(args: argparse.Namespace) -> dict[str, float]:
    return floors(_toolkit_buffers(args), args.reps)


def _toolkit_buffers(args: argparse.Namespace) -> int:
    return 200 if args.quick else 20000


def _toolkit_row(kind: str, c: str, med: dict[str, float], floor: float) -> dict[str, Any]:
    """One row from the median seconds per buffer (``base`` is the pipeline without
    the element where there is one); ``floor``: the ctypes floor in us."""
    us = {k: 1e6 * (v - med.get("base", 0.0)) for k, v in med.items()}
    over_floor = us["toolkit"] / floor if floor > 0 else float("nan")
    row: dict[str, Any] = {
        "base class": kind,
        "C element": c.split()[0],
        "C us": us["c"],
        "toolkit us": us["toolkit"],
        "plain PyGObject us": us.get("plain"),  # None: no plain row (see TOOLKIT_ROWS)
        "toolkit / C": us["toolkit"] / us["c"] if us["c"] > 0 else float("nan"),
        "toolkit / ctypes floor": over_floor,
        **goal_columns(over_floor, TOOLKIT_GOAL),
    }
    log(
        f"toolkit {kind}: C {us['c']:.1f} us, toolkit {us['toolkit']:.1f} us, "
        f"plain PyGObject {us.get('plain', float('nan')):.1f} us per buffer, "
        f"{over_floor:.1f} x the ctypes floor"
    )
    return row


def memory(args: argparse.Namespace) -> dict[str, Any]:
    """Peak RSS of a long run minus a short one: what a million buffers leave behind."""

    def run(n: int) -> dict[str, Any]:
        return launch(
            f"audiotestsrc_py samplesperbuffer=256 num-buffers={n} ! "
            f"{AUDIO_CAPS.format(fmt='F32LE')} ! fakesink sync=false"
        )

    short, long = run(args.memory_buffers // 10), run(args.memory_buffers)
    if not (short["ok"] and long["ok"]):
        return {"status": "n/a", "error": short["error"] or long["error"]}
    grown = long["peak_rss_kib"] - short["peak_rss_kib"]
    log(
        f"memory: {args.memory_buffers} buffers, peak RSS grew {grown} KiB over "
        f"{args.memory_buffers // 10}"
    )
    return {
        "status": "ok",
        "buffers": args.memory_buffers,
        "grown_kib": grown,
        "peak_rss_kib": long["peak_rss_kib"],
    }


def live(args: argparse.Namespace) -> dict[str, Any]:
    """CPU share of a live 48 kHz stereo source playing in real time."""
    buffers = int(args.live_seconds * 48000 / 480)
    out = {}
    for name in ("audiotestsrc", "audiotestsrc_py"):
        r = launch(
            f"{name} is-live=true samplesperbuffer=480 num-buffers={buffers} ! "
            f"{AUDIO_CAPS.format(fmt='F32LE')} ! fakesink sync=true"
        )
        out["py" if name.endswith("_py") else "c"] = {
            "cpu_s": r["cpu_s"],
            "wall_s": r["wall_s"],
            "share": r["cpu_s"] / r["wall_s"],
        }
    log(f"live: CPU {100 * out['py']['share']:.1f} % of a core, C {100 * out['c']['share']:.1f} %")
    return out


# (pattern, properties): static patterns C renders once and copies, then animated ones.
VIDEO_CASES = (
    ("smpte", ""),
    ("checkers-8", ""),
    ("colors", ""),
    ("solid-color", ""),
    ("ball", ""),
    ("zone-plate", "kt=1"),
    ("snow", ""),
)
VIDEO_SIZES = ((320, 240), (1280, 720), (1920, 1080))
VIDEO_FORMATS = ("RGBA", "I420")


def _video_pipeline(
    element: str, pattern: str, extra: str, fmt: str, size: tuple[int, int], live: bool = False
) -> Callable[[int], str]:
    w, h = size
    return lambda n: (
        f"{element} pattern={pattern} {extra} is-live={str(live).lower()} num-buffers={n} ! "
        f"video/x-raw,format={fmt},width={w},height={h},framerate=30/1 ! "
        f"fakesink sync={str(live).lower()}"
    )


def video(args: argparse.Namespace) -> list[dict[str, Any]]:
    """videotestsrc_py against videotestsrc per pattern, format and size."""
    rows = []
    for pattern, extra in args.video_cases:
        for fmt in VIDEO_FORMATS:
            for size in VIDEO_SIZES:
                got = paired(
                    _video_pipeline("videotestsrc", pattern, extra, fmt, size),
                    _video_pipeline("videotestsrc_py", pattern, extra, fmt, size),
                    args.reps,
                    args.seconds,
                )
                row = {
                    "pattern": f"{pattern} {extra}".strip(),
                    "format": fmt,
                    "size": f"{size[0]}x{size[1]}",
                    **got,
                }
                row.pop("py_peak_rss_kib", None)
                row.pop("c_peak_rss_kib", None)
                row.update(goal_columns(got.get("ratio"), VIDEO_GOALS.get((pattern, row["size"]))))
                rows.append(row)
                if got["status"] == "ok":
                    log(
                        f"{row['pattern']:>16} {fmt:>5} {row['size']:>9}  py/C {got['ratio']:5.2f} "
                        f"({got['ratio_min']:.2f}-{got['ratio_max']:.2f})  "
                        f"py {got['py_us']:8.1f} us  C {got['c_us']:8.1f} us"
                    )
                else:
                    log(f"{row['pattern']:>16} {fmt:>5} {row['size']:>9}  n/a ({got.get('error')})")
    return rows


def video_live(args: argparse.Namespace) -> dict[str, Any]:
    """CPU share of a live 1080p30 I420 smpte stream (the default pattern) in real time."""
    frames = int(args.live_seconds * 30)
    out = {}
    for name in ("videotestsrc", "videotestsrc_py"):
        r = launch(_video_pipeline(name, "smpte", "", "I420", (1920, 1080), live=True)(frames))
        out["py" if name.endswith("_py") else "c"] = {
            "cpu_s": r["cpu_s"],
            "wall_s": r["wall_s"],
            "share": r["cpu_s"] / r["wall_s"] if r["wall_s"] else None,
        }
    log(
        f"video live 1080p30: CPU {100 * (out['py']['share'] or 0):.1f} % of a core, "
        f"C {100 * (out['c']['share'] or 0):.1f} %"
    )
    return out


MIXER_BUFFERS = 2000


def mixer(args: argparse.Namespace) -> dict[str, Any]:
    """Eight sources into audiomixer: the CPU time of streaming (a run of
    MIXER_BUFFERS buffers per source minus a run of one: start-up, Python's imports
    included, taken off) with Python sources against C ones (the goal), and each
    against eight runs of one source (the GIL's cost). Medians of the repetitions."""

    def run(element: str, sources: int, buffers: int) -> dict[str, float]:
        caps = AUDIO_CAPS.format(fmt="F32LE")
        branches = " ".join(
            f"{element} freq={200 + 100 * i} num-buffers={buffers} ! {caps} ! mix."
            for i in range(sources)
        )
        r = launch(f"audiomixer name=mix ! {caps} ! fakesink sync=false {branches}")
        nan = float("nan")
        return {"wall": r["wall_s"] if r["ok"] else nan, "cpu": r["cpu_s"] if r["ok"] else nan}

    def streaming(element: str, sources: int) -> dict[str, float]:
        many, one = run(element, sources, MIXER_BUFFERS), run(element, sources, 1)
        return {k: many[k] - one[k] for k in many}

    got: dict[str, list[dict[str, float]]] = {}
    for _ in range(max(1, args.reps)):
        for name in ("audiotestsrc", "audiotestsrc_py"):
            key = "py" if name.endswith("_py") else "c"
            got.setdefault(key + "8", []).append(streaming(name, 8))
            got.setdefault(key + "1", []).append(streaming(name, 1))

    def med(key: str, field: str) -> float:
        return statistics.median(r[field] for r in got[key])

    out: dict[str, Any] = {}
    for key in ("c", "py"):
        out[key] = {
            "eight_cpu_s": med(key + "8", "cpu"),
            "one_cpu_s": med(key + "1", "cpu"),
            "eight_wall_s": med(key + "8", "wall"),
            "eight_cpu_over_eight_ones": med(key + "8", "cpu") / (8 * med(key + "1", "cpu")),
        }
    cpu_ratio = out["py"]["eight_cpu_s"] / out["c"]["eight_cpu_s"]
    out["cpu py/C"] = cpu_ratio
    out.update(goal_columns(cpu_ratio, MIXER_GOAL))
    log(f"mixer: 8 sources streaming, CPU py/C {cpu_ratio:.2f} (goal <= {MIXER_GOAL})")
    return out


def plot(args: argparse.Namespace) -> list[dict[str, Any]]:
    """audioplot's frames per second, running free."""
    rows = []
    for mode in ("waveform", "spectrum"):
        for w, h in ((640, 480), (1280, 720)):

            def make(n: int, mode: str = mode, w: int = w, h: int = h) -> str:
                return (
                    f"audiotestsrc samplesperbuffer=1920 num-buffers={n} ! "
                    f"{AUDIO_CAPS.format(fmt='F32LE')} ! audioplot mode={mode} ! "
                    f"video/x-raw,width={w},height={h},framerate=25/1 ! "
                    "fakesink sync=false"
                )

            r = per_buffer(make, 300)
            fps = 1.0 / r["s"] if r["ok"] and r["s"] > 0 else 0.0
            rows.append({"mode": mode, "size": f"{w}x{h}", "fps": fps})
            log(f"plot: {mode} {w}x{h}: {fps:.0f} frames/s")
    return rows


SECTIONS: dict[str, Callable[[argparse.Namespace], Any]] = {
    "audio": audio,
    "video": video,
    "video-live": video_live,
    "toolkit": toolkit,
    "floor": floor_section,
    "memory": memory,
    "live": live,
    "mixer": mixer,
    "plot": plot,
}


# -- report ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import numpy as np

    from ..base.gst import Gst

    debian = Path("/etc/debian_version")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "gstreamer": Gst.version_string(),
        "debian": debian.read_text().strip() if debian.exists() else None,
    }


def markdown(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = [
        "# ./run bench: latest results",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, Debian {m.get('debian')}, "
        f"{m.get('gstreamer')}, Python {m.get('python')}, numpy {m.get('numpy')}.",
        "",
        "Per-buffer time of whole `gst-launch-1.0` processes, start-up subtracted "
        "(a run of N buffers minus a run of 1), audio stereo 48 kHz, video 30 fps, "
        "into fakesink. Each repetition times C and Python back to back, alternating "
        "which goes first; py/C is the median of the repetitions' ratios (below 1 "
        "the Python element is faster), with their lowest and highest.",
        "",
    ]
    if result.get("floor"):
        lines += _floor_table(result["floor"])
    if result.get("audio"):
        lines += _audio_table(result["audio"])
    for key, title in (
        ("toolkit", "Toolkit base classes: fixed cost per buffer"),
        ("video", "videotestsrc_py / videotestsrc"),
    ):
        if result.get(key):
            lines += _table(title, result[key])
    for key in ("memory", "live", "video-live", "mixer", "plot"):
        if result.get(key):
            lines += [f"## {key}", "", "```", json.dumps(result[key], indent=1), "```", ""]
    return "\n".join(lines)


def _audio_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## audiotestsrc_py / audiotestsrc",
        "",
        "| wave | format | samplesperbuffer | py/C | per repetition | goal | met "
        "| py us/buffer | C us/buffer |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        goal = "" if r.get("goal") is None else f"<= {r['goal']:g}"
        met = {True: "yes", False: "**no**", None: ""}[r.get("met")]
        if r["status"] == "ok":
            lines.append(
                f"| {r['wave']} | {r['format']} | {r['spb']} | {r['ratio']:.2f} "
                f"| {r['ratio_min']:.2f}-{r['ratio_max']:.2f} | {goal} | {met} | "
                f"{r['py_us']:.1f} | {r['c_us']:.1f} |"
            )
        else:
            lines.append(f"| {r['wave']} | {r['format']} | {r['spb']} | n/a | | {goal} | | | |")
    return [*lines, ""]


def _floor_table(floor: dict[str, float]) -> list[str]:
    lines = [
        "## The floor: one call into Python per buffer",
        "",
        "An empty `fill` in a bare GstBaseSrc subclass, in-process, against C's cheapest "
        "source (us per buffer, median of the repetitions).",
        "",
        "| what | us per buffer |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v:.2f} |" for k, v in floor.items()]
    return [*lines, ""]


def _table(title: str, rows: list[dict[str, Any]]) -> list[str]:
    cols = [k for k in rows[0] if k not in ("status", "error", "buffers")]
    lines = [f"## {title}", "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(_cell(r.get(k)) for k in cols) + " |" for r in rows]
    return [*lines, ""]


def _cell(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "**no**"
    if v is None:
        return ""
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="./run bench", description=__doc__.splitlines()[0])
    p.add_argument(
        "sections", nargs="*", default=[], help=f"any of {', '.join(SECTIONS)} (default: all)"
    )
    p.add_argument("--quick", action="store_true", help="one repetition, short runs")
    p.add_argument("--waves", type=lambda s: s.split(","), default=list(GOAL_WAVES))
    p.add_argument("--formats", type=lambda s: s.split(","), default=["F32LE", "S16LE"])
    p.add_argument("--spb", type=lambda s: [int(x) for x in s.split(",")], default=[1024, 8192])
    p.add_argument(
        "--video-cases",
        type=lambda s: [tuple((c.split(":", 1) + [""])[:2]) for c in s.split(",")],
        default=list(VIDEO_CASES),
        help="pattern[:properties],... e.g. ball,zone-plate:kt=1",
    )
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--seconds", type=float, default=1.0, help="streaming time per run")
    p.add_argument("--memory-buffers", type=int, default=1_000_000)
    p.add_argument("--live-seconds", type=float, default=10.0)
    p.add_argument("--markdown", type=Path, help="also write the tables there (BENCH.md)")
    p.add_argument("--out", type=Path, default=Path("out"))
    args = p.parse_args(argv)
    if args.quick:
        args.reps, args.seconds = 1, 0.05
        args.memory_buffers, args.live_seconds = 2000, 0.5
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sections = args.sections or list(SECTIONS)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        log(f"unknown sections: {', '.join(sorted(unknown))}")
        return 2
    result: dict[str, Any] = {"machine": machine(), "argv": sys.argv[1:]}
    for name in sections:
        result[name] = SECTIONS[name](args)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    text = json.dumps(result, indent=1)
    (args.out / f"bench-{stamp}.json").write_text(text)
    (args.out / "bench-latest.json").write_text(text)
    md = markdown(result)
    if args.markdown:
        args.markdown.write_text(md + "\n")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
