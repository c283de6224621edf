"""./run bench: it runs whole gst-launch processes, pairs and alternates C and Python,
and reports what it cannot measure instead of failing."""

from __future__ import annotations

import json

from numgst.tools import bench


def test_bench_quick_audio_row(tmp_path, capsys):
    rc = bench.main(
        [
            "audio",
            "--quick",
            "--waves",
            "sine,no-such-wave",
            "--formats",
            "F32LE",
            "--spb",
            "256",
            "--out",
            str(tmp_path),
        ]
    )
    assert rc == 0
    data = json.loads((tmp_path / "bench-latest.json").read_text())
    assert data["machine"]["cores"] >= 1 and data["machine"]["gstreamer"]
    rows = {r["wave"]: r for r in data["audio"]}
    sine = rows["sine"]
    assert sine["status"] == "ok", sine
    assert sine["c_us"] > 0 and sine["py_us"] > 0 and sine["py_peak_rss_kib"] > 0
    assert 0 < sine["ratio_min"] <= sine["ratio"] <= sine["ratio_max"]
    bad = rows["no-such-wave"]
    assert bad["status"] == "n/a" and bad["error"]  # reported, not fatal
    assert "| sine | F32LE | 256 |" in capsys.readouterr().out


def test_ratio_is_the_median_of_alternating_pairs(monkeypatch):
    # Each repetition runs C and Python back to back, alternating which goes first;
    # the ratio is the median of the repetitions' ratios.
    c_times, py_times = [1.0, 3.0, 1.0, 4.0], [2.0, 3.0, 3.0, 8.0]
    calls = []

    def fake_per_buffer(make, n):
        element = make(7).split()[0]
        calls.append(element)
        times = py_times if element.endswith("_py") else c_times
        return {"ok": True, "s": times.pop(0), "peak_rss_kib": 1}

    monkeypatch.setattr(bench, "calibrate", lambda make, seconds: 100)
    monkeypatch.setattr(bench, "per_buffer", fake_per_buffer)
    got = bench.paired(
        lambda n: f"audiotestsrc n={n}", lambda n: f"audiotestsrc_py n={n}", reps=4, seconds=1.0
    )
    c, py = "audiotestsrc", "audiotestsrc_py"
    assert calls == [c, py, py, c, c, py, py, c]
    assert got["ratio"] == 2.0  # median of 2, 1, 3, 2
    assert (got["ratio_min"], got["ratio_max"]) == (1.0, 3.0)


def test_differencing_subtracts_start_up(monkeypatch):
    walls = {1: 0.5, 1001: 1.5}
    monkeypatch.setattr(
        bench,
        "launch",
        lambda p, timeout=600.0: {
            "ok": True,
            "wall_s": walls[int(p.split("num-buffers=")[1].split()[0])],
            "peak_rss_kib": 1,
            "error": None,
            "cpu_s": 0.0,
        },
    )
    got = bench.per_buffer(lambda n: f"x num-buffers={n} ! fakesink", 1001)
    assert got["ok"] and abs(got["s"] - 1e-3) < 1e-12
