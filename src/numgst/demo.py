"""``./run demo``: render test tones from audiotestsrc_py to a WAV file, plot them.

Three seconds of stereo tones, 440 Hz, then 660 Hz, then 880 Hz, made by the Python
element, encoded by GStreamer's wavenc and written by filesink. The file is then
read back and each second's pitch and level are printed, so the run shows both that
the pipeline works and what it produced. The same three tones, one channel each,
then go through audioplot and pngenc into two pictures: their waveforms and their
spectrum.
"""

from __future__ import annotations

import argparse
import sys
import wave
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

    def on_buffer(_pad, _info):
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("out"))
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    numgst.register()
    wav = args.out.resolve() / "demo-tones.wav"
    render_wav(wav)
    print(describe_wav(wav))
    from numgst.elements.audioplot import render_png

    for mode, extra in (("waveform", ""), ("spectrum", "layout=overlaid")):
        png = args.out.resolve() / f"demo-{mode}.png"
        render_png(str(png), mode=mode, width=800, height=500, freqs=TONES, extra=extra)
        print(
            f"{png}: audioplot {mode} of the {len(TONES)} tones, 800x500 PNG, "
            f"{png.stat().st_size} bytes"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
