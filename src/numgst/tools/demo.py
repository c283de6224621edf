"""``./run demo``: render test tones from audiotestsrc_py to a WAV file, plot them.

Three seconds of stereo tones, 440 Hz, then 660 Hz, then 880 Hz, made by the Python
element, encoded by GStreamer's wavenc and written by filesink. The file is then
read back and each second's pitch and level are printed, so the run shows both that
the pipeline works and what it produced. The same three tones, one channel each,
then go through audioplot and pngenc into two pictures: their waveforms and their
spectrum. Last, videotestsrc_py paints a sheet of its patterns, each compared byte
for byte with the C videotestsrc's frame, plus one beyond C (a Python callable with the
frame number burned in).
"""

from __future__ import annotations

import argparse
import sys
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np

import numgst
from numgst.base.gst import Gst
from numgst.testing import PipelineError, run_to_eos

RATE = 48000
TONES = (440.0, 660.0, 880.0)  # one second each


def render_wav(path: Path) -> None:
    spb = RATE // 10
    pipeline = Gst.parse_launch(
        f"audiotestsrc_py name=src samplesperbuffer={spb} volume=0.5 "
        f"num-buffers={len(TONES) * 10} "
        f"! audio/x-raw,rate={RATE},channels=2 "
        f"! audioconvert ! audio/x-raw,format=S16LE ! wavenc ! filesink location={path}"
    )
    src = pipeline.get_by_name("src")
    # Switch tones at whole seconds from the streaming thread, where the element
    # reads its properties; the oscillator keeps its phase across the change.
    count = {"n": 0}

    def on_buffer(_pad: Gst.Pad, _info: Gst.PadProbeInfo) -> Gst.PadProbeReturn:
        second = min(count["n"] // 10, len(TONES) - 1)
        src.set_property("freq", TONES[second])
        count["n"] += 1
        return Gst.PadProbeReturn.OK

    src.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, on_buffer)
    try:
        run_to_eos(pipeline)
    except PipelineError as exc:
        raise SystemExit(f"demo: {exc}") from exc


def describe_wav(path: Path) -> str:
    with wave.open(str(path), "rb") as w:
        rate, channels, width, frames = (
            w.getframerate(),
            w.getnchannels(),
            w.getsampwidth(),
            w.getnframes(),
        )
        data = np.frombuffer(w.readframes(frames), "<i2").reshape(-1, channels)
    lines = [
        f"{path}: {frames / rate:.2f} s, {rate} Hz, {channels} channels, "
        f"{8 * width}-bit PCM, {path.stat().st_size} bytes"
    ]
    x = data[:, 0].astype(np.float64) / 32768.0
    for second in range(frames // rate):
        seg = x[second * rate : (second + 1) * rate]
        spectrum = np.abs(np.fft.rfft(seg * np.hanning(seg.size)))
        peak_hz = np.argmax(spectrum) * rate / seg.size
        rms_db = 20 * np.log10(np.sqrt(np.mean(seg**2)))
        lines.append(
            f"  second {second}: tone {peak_hz:6.1f} Hz, "
            f"peak {np.abs(seg).max():.3f} FS, RMS {rms_db:5.1f} dBFS"
        )
    return "\n".join(lines)


CELL_W, CELL_H, FRAME = 240, 180, 12
# (label, properties): each shown at frame FRAME, the moving ones mid-motion.
SHEET = (
    ("smpte", "pattern=smpte"),
    ("ball", "pattern=ball"),
    ("zone-plate, moving", "pattern=zone-plate kx2=20 ky2=20 kt=1"),
    ("chroma-zone-plate", "pattern=chroma-zone-plate kx2=20 ky2=20 kt=2"),
    ("colors", "pattern=colors"),
    ("pinwheel", "pattern=pinwheel"),
    ("circular", "pattern=circular"),
    ("gradient", "pattern=gradient"),
)


def _frame(
    element: str, props: str, configure: Callable[[Gst.Pipeline], None] | None = None
) -> np.ndarray:
    from numgst.testing import capture

    r = capture(
        f"{element} name=s {props} num-buffers={FRAME + 1} ! video/x-raw,format=RGB,"
        f"width={CELL_W},height={CELL_H},framerate=25/1 ! appsink name=sink",
        configure=configure,
    )
    if r.error is not None:
        raise SystemExit(f"demo: {element} {props}: {r.error}\n{r.error_debug}")
    stride = (CELL_W * 3 + 3) & ~3
    rows = np.frombuffer(r.buffers[-1].data, np.uint8).reshape(CELL_H, stride)
    return rows[:, : CELL_W * 3].reshape(CELL_H, CELL_W, 3)


def _custom(seconds: float, frame: int) -> np.ndarray:
    """A beyond-C picture: rings that move with time, as a user's callable makes them."""
    y, x = np.mgrid[0:CELL_H, 0:CELL_W]
    r = np.hypot(x - CELL_W / 2, y - CELL_H / 2)
    v = 0.5 + 0.5 * np.sin(r / 6.0 - 8.0 * seconds)
    return np.stack([v, v * v, 1.0 - v], axis=-1)


def video_sheet(path: Path) -> str:
    """The patterns as a 3x3 PNG sheet; the report says which matched C's bytes."""
    cells, lines = [], []
    for label, props in SHEET:
        py, c = _frame("videotestsrc_py", props), _frame("videotestsrc", props)
        same = "byte-identical to C's videotestsrc" if np.array_equal(py, c) else "DIFFERS from C"
        lines.append(f"  {label:<20} {props:<44} {same}")
        cells.append(py)

    def configure(p: Gst.Pipeline) -> None:
        p.get_by_name("s").set_property("generator", _custom)

    cells.append(_frame("videotestsrc_py", "pattern=custom overlay=frame-number", configure))
    lines.append(f"  {'custom':<20} {'pattern=custom overlay=frame-number':<44} beyond C")
    rows = [np.concatenate(cells[i : i + 3], axis=1) for i in range(0, 9, 3)]
    sheet = np.ascontiguousarray(np.concatenate(rows, axis=0))
    h, w = sheet.shape[:2]
    pipeline = Gst.parse_launch(
        f"appsrc name=a caps=video/x-raw,format=RGB,width={w},height={h},framerate=1/1 "
        f"! videoconvert ! pngenc ! filesink location={path}"
    )
    appsrc = pipeline.get_by_name("a")
    stride = (w * 3 + 3) & ~3
    padded = np.zeros((h, stride), np.uint8)
    padded[:, : w * 3] = sheet.reshape(h, w * 3)
    buf = Gst.Buffer.new_wrapped(padded.tobytes())
    buf.pts, buf.duration = 0, Gst.SECOND
    appsrc.emit("push-buffer", buf)
    appsrc.emit("end-of-stream")
    try:
        run_to_eos(pipeline)
    except PipelineError as exc:
        raise SystemExit(f"demo: {exc}") from exc
    head = (
        f"{path}: videotestsrc_py, frame {FRAME} of each pattern at {CELL_W}x{CELL_H} RGB, "
        f"a {w}x{h} PNG of {path.stat().st_size} bytes (rows as listed, three per row):"
    )
    return "\n".join([head, *lines])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    numgst.register()
    wav = args.out.resolve() / "demo-tones.wav"
    render_wav(wav)
    print(describe_wav(wav))

    for mode, extra in (("waveform", ""), ("spectrum", "layout=overlaid")):
        png = args.out.resolve() / f"demo-{mode}.png"
        render_png(str(png), mode=mode, width=800, height=500, freqs=TONES, extra=extra)
        print(
            f"{png}: audioplot {mode} of the {len(TONES)} tones, 800x500 PNG, "
            f"{png.stat().st_size} bytes"
        )
    print(video_sheet(args.out.resolve() / "demo-videotestsrc.png"))
    return 0


def render_png(
    path: str,
    mode: str = "waveform",
    width: int = 640,
    height: int = 480,
    freqs: tuple[float, ...] = (440.0,),
    rate: int = 48000,
    extra: str = "",
) -> None:
    """Render one frame of ``audiotestsrc_py`` tones through audioplot into a PNG.

    One sine per entry of ``freqs`` (one channel each, volume 0.8 / index), so the
    picture shows as many traces as tones. ``extra`` adds audioplot properties, e.g.
    ``"layout=overlaid"``. Needs the elements registered (:func:`numgst.register`).
    """
    period = rate // 25

    def tone(i: int, f: float) -> str:
        return (
            f"audiotestsrc_py freq={f} volume={0.8 / (i + 1):.3f} "
            f"samplesperbuffer={period} num-buffers=1 ! audio/x-raw,rate={rate},channels=1"
        )

    if len(freqs) == 1:
        src = tone(0, freqs[0])
    else:
        # interleave (gst-plugins-good) makes one channel per tone.
        src = " ".join(f"{tone(i, f)} ! i.sink_{i}" for i, f in enumerate(freqs))
        src += " interleave name=i"
    desc = (
        f"{src} ! audioplot mode={mode} {extra} ! video/x-raw,width={width},"
        f"height={height} ! pngenc snapshot=true ! filesink location={path}"
    )
    run_to_eos(Gst.parse_launch(desc))


if __name__ == "__main__":
    sys.exit(main())
