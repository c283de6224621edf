"""``./run bench``: audiotestsrc_py against the C audiotestsrc, whole pipelines.

Every measurement runs in a fresh subprocess (``python -m numgst.bench --one ...``) so
that peak RSS and CPU time belong to one element alone. C and Python runs alternate in
pairs, C first then Python first (ABBA), and each pair gives one py/C ratio: on a
machine whose speed drifts (these VMs do, by up to 2x over seconds) a pair's two runs
see nearly the same machine, so the table gives the median of those paired ratios per
wave, format and samplesperbuffer, with the absolute medians beside; a "floor" row is a
Python BaseSrc whose fill only maps the buffer: the fixed cost of a Python vfunc.
Results go to ``out/bench-<timestamp>.json`` and ``out/bench-latest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

WAVES = ("sine", "square", "saw", "triangle", "silence", "white-noise", "pink-noise",
         "sine-table", "ticks", "gaussian-noise", "red-noise", "blue-noise", "violet-noise")
FORMATS = ("F32LE", "S16LE", "F64LE")
SPBS = (256, 1024, 8192)


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


# -- the child side: one pipeline, one measurement ----------------------------------


def _register_floor(Gst, GstBase) -> None:  # noqa: N803 - module objects
    import numpy as np
    from gi.repository import GObject

    from .base import mapped_array, vfunc

    class FloorSrc(GstBase.BaseSrc):
        """Does nothing per buffer but what any Python fill must: map and return."""

        __gtype_name__ = "NumgstBenchFloorSrc"
        __gsttemplates__ = (Gst.PadTemplate.new(
            "src", Gst.PadDirection.SRC, Gst.PadPresence.ALWAYS,
            Gst.Caps.from_string("audio/x-raw,format={F32LE,S16LE,F64LE},"
                                 "layout=interleaved,rate=44100,channels=2")),)
        __gstmetadata__ = ("floor", "Source/Audio", "bench floor", "numgst")
        __gproperties__ = {
            "samplesperbuffer": (int, "spb", "spb", 1, 1 << 30, 1024,
                                 GObject.ParamFlags.READWRITE),
        }

        def __init__(self) -> None:
            super().__init__()
            self.spb = 1024
            self.set_format(Gst.Format.TIME)

        def do_set_property(self, prop, value) -> None:
            self.spb = value

        def do_get_property(self, prop):
            return self.spb

        def do_set_caps(self, caps) -> bool:
            self.set_blocksize(8 * 2 * self.spb)  # F64 stereo: the largest
            return True

        @vfunc(Gst.FlowReturn.ERROR)  # as every numgst vfunc: the guard is part of the cost
        def do_fill(self, offset, length, buf):
            with mapped_array(buf, np.uint8, (length,)):
                pass
            return Gst.FlowReturn.OK

    Gst.Element.register(None, "numgst_bench_floor", Gst.Rank.NONE, FloorSrc)


def run_one(args: argparse.Namespace) -> dict:
    import numgst
    from numgst.base.gst import Gst, GstBase

    numgst.register()
    if args.element == "floor":
        _register_floor(Gst, GstBase)
        src = f"numgst_bench_floor samplesperbuffer={args.spb}"
    else:
        src = f"{args.element} wave={args.wave} samplesperbuffer={args.spb}"
    if args.live:
        src += " is-live=true"
    caps = f"audio/x-raw,format={args.format},channels=2,rate={args.rate}"
    if args.sources > 1:
        # N sources into audiomixer: with Python sources the streaming threads share
        # one GIL; with C ones they run in parallel on the cores.
        branches = " ".join(f"{src} freq={200 + 100 * i} num-buffers={args.buffers} "
                            f"! {caps} ! mix." for i in range(args.sources))
        desc = f"audiomixer name=mix ! {caps} ! fakesink sync=false {branches}"
    else:
        desc = (f"{src} num-buffers={args.buffers} ! {caps} ! "
                f"fakesink sync={'true' if args.live else 'false'}")
    pipeline = Gst.parse_launch(desc)
    bus = pipeline.get_bus()
    if not args.live:
        # Preroll first (one buffer): the clock starts once start-up and negotiation
        # are over, so short runs measure the steady state.
        pipeline.set_state(Gst.State.PAUSED)
        pipeline.get_state(10 * Gst.SECOND)
    t_cpu = os.times()
    t0 = time.perf_counter()
    pipeline.set_state(Gst.State.PLAYING)
    error = None
    mid_rss = None
    mid_at = time.perf_counter() + args.rss_after if args.rss_after else None
    while True:
        msg = bus.timed_pop_filtered(50 * Gst.MSECOND,
                                     Gst.MessageType.EOS | Gst.MessageType.ERROR)
        if mid_at is not None and mid_rss is None and time.perf_counter() >= mid_at:
            mid_rss = _rss_kib()
        if msg is None:
            continue
        if msg.type == Gst.MessageType.ERROR:
            err, debug = msg.parse_error()
            error = f"{err.message} ({(debug or '').strip().splitlines()[-1:]})"
        break
    wall = time.perf_counter() - t0
    t_cpu2 = os.times()
    end_rss = _rss_kib()
    pipeline.set_state(Gst.State.NULL)
    return {
        "wall_s": wall,
        "cpu_s": (t_cpu2.user - t_cpu.user) + (t_cpu2.system - t_cpu.system),
        "error": error,
        "rss_mid_kib": mid_rss,
        "rss_end_kib": end_rss,
    }


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


# -- the parent side ----------------------------------------------------------------


def child(element: str, wave: str, fmt: str, spb: int, buffers: int, *, live: bool = False,
          rate: int = 44100, rss_after: float = 0.0, timeout: float = 600.0,
          sources: int = 1) -> dict:
    cmd = [sys.executable, "-m", "numgst.bench", "--one", "--element", element,
           "--wave", wave, "--format", fmt, "--spb", str(spb), "--buffers", str(buffers),
           "--rate", str(rate), "--rss-after", str(rss_after), "--sources", str(sources)]
    if live:
        cmd.append("--live")
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("{")]
    if r.returncode != 0 or not lines:
        tail = (r.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {r.returncode}: {tail}"}
    res = json.loads(lines[-1])
    # The child's own VmHWM: RUSAGE_CHILDREN's ru_maxrss is the largest child so far.
    res["peak_rss_kib"] = res.get("vmhwm_kib")
    return res


def table(args: argparse.Namespace) -> list[dict]:
    rows = []
    combos = [(w, f, s) for w in args.waves for f in args.formats for s in args.spb]
    combos += [("floor", f, s) for f in args.formats[:1] for s in args.spb]
    for i, (wave, fmt, spb) in enumerate(combos):
        buffers = max(2, args.frames // spb)
        times: dict[str, list[float]] = {"c": [], "py": []}
        rss: dict[str, int] = {}
        error = None
        pair = (("c", "audiotestsrc"), ("py", "floor" if wave == "floor" else "audiotestsrc_py"))
        for rep in range(args.reps):
            for key, element in (pair if rep % 2 == 0 else pair[::-1]):
                w = "sine" if wave == "floor" else wave
                res = child(element, w, fmt, spb, buffers)
                if res.get("error"):
                    error = error or f"{key}: {res['error']}"
                    continue
                times[key].append(res["wall_s"])
                rss[key] = max(rss.get(key, 0), res.get("peak_rss_kib") or 0)
            if error:
                break
        row = {"wave": wave, "format": fmt, "spb": spb, "buffers": buffers}
        if error or not times["c"] or not times["py"]:
            row.update(status="n/a", error=error)
        else:
            c, py = statistics.median(times["c"]), statistics.median(times["py"])
            per = 1e6 / (buffers - 1)  # the prerolled buffer is outside the timing
            # Each repetition's two runs, back to back, give one ratio; their spread
            # shows how far the machine drifted during the row.
            paired = [p / q for p, q in zip(times["py"], times["c"], strict=False)]
            row.update(status="ok", c_s=c, py_s=py, ratio=statistics.median(paired),
                       ratio_of_medians=py / c, c_us_per_buffer=c * per,
                       py_us_per_buffer=py * per, c_peak_rss_kib=rss.get("c"),
                       py_peak_rss_kib=rss.get("py"), reps=len(times["py"]),
                       ratio_min=min(paired), ratio_max=max(paired))
        rows.append(row)
        log(f"[{i + 1}/{len(combos)}] {_fmt_row(row)}")
    return rows


def _fmt_row(r: dict) -> str:
    head = f"{r['wave']:<14} {r['format']:<6} {r['spb']:>5}"
    if r["status"] != "ok":
        return f"{head}  n/a  {r.get('error', '')[:90]}"
    return (f"{head} {r['ratio']:7.2f}x {_spread(r):>11}  py {r['py_us_per_buffer']:8.1f} us/buf  "
            f"C {r['c_us_per_buffer']:7.1f} us/buf  RSS py {_mib(r['py_peak_rss_kib'])} "
            f"C {_mib(r['c_peak_rss_kib'])}")


def _spread(r: dict) -> str:
    """Lowest and highest ratio of one repetition's pair of runs ('' before they existed)."""
    if "ratio_min" not in r:
        return ""
    return f"{r['ratio_min']:.2f}-{r['ratio_max']:.2f}"


def _mib(kib: int | None) -> str:
    return f"{kib / 1024:6.1f} MiB" if kib else "   ? MiB"


def memory(args: argparse.Namespace) -> dict:
    log(f"memory: {args.memory_buffers} buffers of 64 frames through audiotestsrc_py")
    res = child("audiotestsrc_py", "sine", "F32LE", 64, args.memory_buffers,
                rss_after=args.memory_warmup, timeout=1800)
    if res.get("error"):
        return {"status": "n/a", "error": res["error"]}
    growth = res["rss_end_kib"] - (res["rss_mid_kib"] or res["rss_end_kib"])
    out = {"status": "ok", "buffers": args.memory_buffers, "wall_s": res["wall_s"],
           "rss_after_warmup_kib": res["rss_mid_kib"], "rss_end_kib": res["rss_end_kib"],
           "growth_kib": growth, "goal_kib": 1024, "pass": growth < 1024}
    log(f"memory: RSS {res['rss_mid_kib']} KiB after {args.memory_warmup}s, "
        f"{res['rss_end_kib']} KiB at the end: growth {growth} KiB "
        f"({'ok' if out['pass'] else 'OVER'} the 1 MiB goal)")
    return out


def live(args: argparse.Namespace) -> dict:
    rate, spb = 48000, 1024
    buffers = max(1, int(args.live_seconds * rate / spb))
    out = {"seconds": buffers * spb / rate, "rate": rate, "spb": spb}
    for key, element in (("c", "audiotestsrc"), ("py", "audiotestsrc_py")):
        log(f"live: {element} for {out['seconds']:.1f} s")
        res = child(element, "sine", "F32LE", spb, buffers, live=True, rate=rate,
                    timeout=args.live_seconds * 3 + 60)
        if res.get("error"):
            out[key] = {"error": res["error"]}
            continue
        out[key] = {"cpu_s": res["cpu_s"], "wall_s": res["wall_s"],
                    "cpu_percent": 100 * res["cpu_s"] / res["wall_s"]}
        log(f"live: {element}: {res['cpu_s']:.3f} s CPU in {res['wall_s']:.1f} s "
            f"({out[key]['cpu_percent']:.2f} %)")
    return out


def mixer(args: argparse.Namespace) -> dict:
    """8 sources into audiomixer against 1, py and C: what the GIL costs."""
    spb, buffers = 1024, 40 if args.quick else 400
    out: dict = {"spb": spb, "buffers_per_source": buffers}
    for n in (1, 8):
        for key, element in (("c", "audiotestsrc"), ("py", "audiotestsrc_py")):
            walls = []
            for _ in range(args.reps):
                res = child(element, "sine", "F32LE", spb, buffers, sources=n)
                if res.get("error"):
                    out[f"{key}{n}"] = {"error": res["error"]}
                    break
                walls.append(res["wall_s"])
            if walls:
                out[f"{key}{n}"] = {"wall_s": statistics.median(walls)}
    try:
        for key in ("c", "py"):
            # 1.0: eight sources cost eight times one; below: they ran in parallel.
            out[f"{key}_parallel_cost"] = out[f"{key}8"]["wall_s"] / (8 * out[f"{key}1"]["wall_s"])
        out["ratio_1"] = out["py1"]["wall_s"] / out["c1"]["wall_s"]
        out["ratio_8"] = out["py8"]["wall_s"] / out["c8"]["wall_s"]
        log(f"mixer: py/C {out['ratio_1']:.2f}x with 1 source, {out['ratio_8']:.2f}x with 8; "
            f"8 sources cost {out['c_parallel_cost']:.2f} x 8 single runs in C, "
            f"{out['py_parallel_cost']:.2f} in Python")
    except KeyError:
        pass
    return out


def plot(args: argparse.Namespace) -> list[dict]:
    """audioplot frames per second, running free, at two sizes in both modes."""
    rows = []
    seconds = 0.5 if args.quick else 3.0
    sizes = ((640, 480),) if args.quick else ((640, 480), (1280, 720))
    for mode in ("waveform", "spectrum"):
        for width, height in sizes:
            code = ("import numgst; numgst.register(); "
                    "from numgst.elements.audioplot import bench_fps; "
                    f"print(bench_fps({mode!r}, {width}, {height}, {seconds}))")
            r = subprocess.run([sys.executable, "-c", code], capture_output=True,
                               text=True, timeout=seconds * 10 + 120)
            try:
                fps = float(r.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                rows.append({"mode": mode, "size": f"{width}x{height}", "status": "n/a",
                             "error": (r.stderr.strip().splitlines() or ["?"])[-1]})
                continue
            rows.append({"mode": mode, "size": f"{width}x{height}", "status": "ok",
                         "fps": fps})
            log(f"audioplot {mode} {width}x{height}: {fps:.0f} fps")
    return rows


def markdown(result: dict) -> str:
    """A bench result as the Markdown that BENCH.md holds."""
    m = result["machine"]
    lines = ["# ./run bench: latest results", "",
             f"Machine: {m.get('cpu')}, {m.get('cores')} cores, Debian {m.get('debian')}, "
             + ", ".join(f"{k} {v}" for k, v in m.items()
                         if k not in ("cpu", "cores", "debian")), "",
             "Wall time of whole pipelines, Python element / C element (lower is better; "
             "below 1 the Python element is faster). Each run is a fresh process. Each "
             "repetition is a C run and a Python run back to back (C first, then Python "
             "first, alternately); py/C is the median of the repetitions' ratios, and "
             "\"per repetition\" their lowest and highest, which shows how much the "
             "machine drifted during the row. The microseconds are medians over the "
             "repetitions.", "",
             "| wave | format | samplesperbuffer | py/C | py/C per repetition | "
             "py us/buffer | C us/buffer | peak RSS py / C |",
             "|---|---|---|---|---|---|---|---|"]
    for r in result.get("table", []):
        if r["status"] != "ok":
            lines.append(f"| {r['wave']} | {r['format']} | {r['spb']} | n/a | | | | |")
            continue
        lines.append(f"| {r['wave']} | {r['format']} | {r['spb']} | {r['ratio']:.2f} | "
                     f"{_spread(r)} | "
                     f"{r['py_us_per_buffer']:.1f} | {r['c_us_per_buffer']:.1f} | "
                     f"{_mib(r['py_peak_rss_kib']).strip()} / "
                     f"{_mib(r['c_peak_rss_kib']).strip()} |")
    lines.append("")
    lines.append("`floor`: a Python BaseSrc whose fill only maps the buffer (the fixed cost "
                 "of a Python vfunc), against the C sine at the same size.")
    for note in result.get("notes", []):
        lines += ["", note]
    mem = result.get("memory")
    if mem and mem.get("status") == "ok":
        lines += ["", f"Memory: {mem['buffers']:,} buffers of 64 frames in one process: RSS "
                      f"{mem['rss_after_warmup_kib']} KiB after warm-up, {mem['rss_end_kib']} "
                      f"KiB at the end, growth {mem['growth_kib']} KiB (goal: under 1024)."]
    lv = result.get("live")
    if lv and "cpu_s" in lv.get("py", {}) and "cpu_s" in lv.get("c", {}):
        lines += ["", f"Live, {lv['rate']} Hz stereo F32 for {lv['seconds']:.1f} s: CPU "
                      f"{lv['py']['cpu_s']:.2f} s (Python) vs {lv['c']['cpu_s']:.2f} s (C), "
                      f"{lv['py']['cpu_percent']:.1f} % vs {lv['c']['cpu_percent']:.1f} % of "
                      "one core."]
    mx = result.get("mixer")
    if mx and "ratio_8" in mx:
        lines += ["", f"Eight sources into audiomixer: py/C {mx['ratio_1']:.2f} with one "
                      f"source, {mx['ratio_8']:.2f} with eight. Eight sources cost "
                      f"{mx['c_parallel_cost']:.2f} (C) and {mx['py_parallel_cost']:.2f} "
                      "(Python) times eight single runs: below 1 means they ran in "
                      "parallel on the two cores; the Python sources share one GIL."]
    rows = result.get("plot")
    if rows:
        lines += ["", "audioplot, frames per second running free (stereo input):", "",
                  "| mode | size | fps |", "|---|---|---|"]
        lines += [f"| {r['mode']} | {r['size']} | "
                  + (f"{r['fps']:.0f}" if r["status"] == "ok" else "n/a") + " |"
                  for r in rows]
    return "\n".join(lines) + "\n"


def machine() -> dict:
    import numpy as np

    from .base.gst import Gst

    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        debian = Path("/etc/debian_version").read_text().strip()
    except OSError:
        debian = "?"
    return {"cpu": cpu, "cores": os.cpu_count(), "debian": debian,
            "gstreamer": Gst.version_string(), "python": platform.python_version(),
            "numpy": np.__version__}


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="./run bench", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="few reps and frames (smoke test)")
    p.add_argument("--waves", type=lambda s: s.split(","), default=list(WAVES))
    p.add_argument("--formats", type=lambda s: s.split(","), default=list(FORMATS))
    p.add_argument("--spb", type=lambda s: [int(x) for x in s.split(",")], default=list(SPBS))
    p.add_argument("--frames", type=int, default=2_000_000, help="frames per run")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--memory", action="store_true", help="only the memory check")
    p.add_argument("--memory-buffers", type=int, default=1_000_000)
    p.add_argument("--memory-warmup", type=float, default=5.0, help="seconds")
    p.add_argument("--live", action="store_true", help="only the live CPU check")
    p.add_argument("--live-seconds", type=float, default=10.0)
    p.add_argument("--table", action="store_true", help="only the table")
    p.add_argument("--mixer", action="store_true", help="only the 8-sources mixer check")
    p.add_argument("--plot", action="store_true", help="only audioplot's frames per second")
    p.add_argument("--markdown", type=Path,
                   help="print a result JSON (e.g. out/bench-latest.json) as Markdown")
    p.add_argument("--out", type=Path, default=Path("out"))
    # child mode
    p.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--element", help=argparse.SUPPRESS)
    p.add_argument("--wave", default="sine", help=argparse.SUPPRESS)
    p.add_argument("--format", default="F32LE", help=argparse.SUPPRESS)
    p.add_argument("--buffers", type=int, default=1, help=argparse.SUPPRESS)
    p.add_argument("--rate", type=int, default=44100, help=argparse.SUPPRESS)
    p.add_argument("--rss-after", type=float, default=0.0, help=argparse.SUPPRESS)
    p.add_argument("--sources", type=int, default=1, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.quick:
        if a.waves == list(WAVES):
            a.waves = ["sine"]
        a.reps = min(a.reps, 1)
        a.frames = min(a.frames, 20_000)
        a.memory_buffers = min(a.memory_buffers, 2000)
        a.memory_warmup = min(a.memory_warmup, 0.2)
        a.live_seconds = min(a.live_seconds, 0.5)
    return a


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.markdown:
        print(markdown(json.loads(args.markdown.read_text())), end="")
        return 0
    if args.one:
        if isinstance(args.spb, list):
            args.spb = args.spb[0]
        res = run_one(args)
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    res["vmhwm_kib"] = int(line.split()[1])
        print(json.dumps(res), flush=True)
        return 0
    only = args.memory or args.live or args.table or args.mixer or args.plot
    result: dict = {"machine": machine(), "args": {
        "waves": args.waves, "formats": args.formats, "spb": args.spb,
        "frames": args.frames, "reps": args.reps, "quick": args.quick}}
    if args.table or not only:
        result["table"] = table(args)
    if args.memory or not only:
        result["memory"] = memory(args)
    if args.live or not only:
        result["live"] = live(args)
    if args.mixer or not only:
        result["mixer"] = mixer(args)
    if args.plot or not only:
        result["plot"] = plot(args)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    text = json.dumps(result, indent=1)
    (args.out / f"bench-{stamp}.json").write_text(text)
    (args.out / "bench-latest.json").write_text(text)
    if "table" in result:
        print(f"{'wave':<14} {'format':<6} {'spb':>5}   py/C")
        for r in result["table"]:
            print(_fmt_row(r))
    if "memory" in result:
        m = result["memory"]
        print("memory:", f"growth {m['growth_kib']} KiB over {m['buffers']} buffers"
              if m["status"] == "ok" else f"n/a {m['error']}")
    if "live" in result:
        lv = result["live"]
        for key in ("c", "py"):
            v = lv.get(key, {})
            print(f"live {key}: " + (f"{v['cpu_s']:.3f} s CPU in {v['wall_s']:.1f} s"
                                     if "cpu_s" in v else f"n/a {v.get('error')}"))
    if "mixer" in result and "ratio_8" in result["mixer"]:
        mx = result["mixer"]
        print(f"mixer: py/C {mx['ratio_1']:.2f}x with 1 source, {mx['ratio_8']:.2f}x with 8 "
              f"into audiomixer; 8 sources cost {mx['c_parallel_cost']:.2f} (C) and "
              f"{mx['py_parallel_cost']:.2f} (py) times 8 single runs")
    for r in result.get("plot", []):
        print(f"audioplot {r['mode']:<8} {r['size']:>9}: " +
              (f"{r['fps']:.0f} fps" if r["status"] == "ok" else f"n/a {r['error']}"))
    print(f"written: {args.out / f'bench-{stamp}.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
