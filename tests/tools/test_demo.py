"""``./run demo`` end to end, in a subprocess: what it reports and the files it writes."""

from __future__ import annotations

import sys
import wave

from _isolated import run_command


def test_demo_writes_its_files_and_reports_parity(tmp_path):
    r = run_command(
        [sys.executable, "-m", "numgst.tools.demo", "--out", str(tmp_path)], timeout=120
    )
    assert r.returncode == 0, r.stderr[-3000:]
    with wave.open(str(tmp_path / "demo-tones.wav")) as w:
        assert (w.getframerate(), w.getnchannels(), w.getnframes()) == (48000, 2, 3 * 48000)
    for tone in ("440.0 Hz", "660.0 Hz", "880.0 Hz"):
        assert f"tone  {tone}" in r.stdout
    for name in ("waveform", "spectrum", "videotestsrc"):
        assert (tmp_path / f"demo-{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert r.stdout.count("byte-identical to C's videotestsrc") == 8, r.stdout
    assert "DIFFERS" not in r.stdout
