"""Smoke test of ./run bench with tiny sizes: it runs, writes its JSON, reports n/a."""

from __future__ import annotations

import json

from numgst import bench


def test_bench_quick(tmp_path, capsys):
    rc = bench.main(["--quick", "--spb", "256", "--formats", "F32LE,S16LE",
                     "--out", str(tmp_path)])
    assert rc == 0
    data = json.loads((tmp_path / "bench-latest.json").read_text())
    assert data["machine"]["cores"] >= 1 and data["machine"]["gstreamer"]
    rows = {(r["wave"], r["format"]): r for r in data["table"]}
    sine = rows[("sine", "F32LE")]
    assert sine["status"] == "ok", sine
    assert sine["c_s"] > 0 and sine["py_s"] > 0 and sine["py_peak_rss_kib"] > 0
    assert 0 < sine["ratio_min"] <= sine["ratio_max"]
    assert rows[("floor", "F32LE")]["status"] == "ok"
    # an unsupported combination is reported, not fatal
    s16 = rows[("sine", "S16LE")]
    assert s16["status"] in ("ok", "n/a")
    if s16["status"] == "n/a":
        assert s16["error"]
    assert data["memory"]["status"] == "ok" and data["memory"]["buffers"] == 2000
    assert data["live"]["py"]["cpu_s"] >= 0 and data["live"]["c"]["cpu_s"] >= 0
    assert "sine" in capsys.readouterr().out


def test_bench_bad_wave_is_na(tmp_path):
    bench.main(["--quick", "--table", "--waves", "no-such-wave", "--spb", "256",
                "--formats", "F32LE", "--out", str(tmp_path)])
    data = json.loads((tmp_path / "bench-latest.json").read_text())
    row = [r for r in data["table"] if r["wave"] == "no-such-wave"][0]
    assert row["status"] == "n/a" and row["error"]


def test_markdown_table_shows_the_spread():
    row = {"wave": "sine", "format": "F32LE", "spb": 1024, "status": "ok", "ratio": 2.0,
           "ratio_min": 1.5, "ratio_max": 2.5, "py_us_per_buffer": 50.0,
           "c_us_per_buffer": 25.0, "py_peak_rss_kib": 50000, "c_peak_rss_kib": 44000}
    md = bench.markdown({"machine": {"cpu": "x", "cores": 2}, "table": [row]})
    assert "| sine | F32LE | 1024 | 2.00 | 1.50-2.50 | 50.0 | 25.0 |" in md


def test_ratio_is_the_median_of_back_to_back_pairs(monkeypatch):
    # Pairs alternate which element runs first; the ratio is the median of each
    # pair's py/C, which a machine drifting between pairs does not skew.
    walls = {"audiotestsrc": [1.0, 3.0, 1.0, 4.0], "audiotestsrc_py": [2.0, 3.0, 3.0, 8.0]}
    calls = []

    def fake_child(element, wave, fmt, spb, buffers, **kw):
        calls.append(element)
        queue = walls.get(element, [1.0])
        return {"wall_s": queue.pop(0) if len(queue) > 1 else queue[0], "peak_rss_kib": 1}

    monkeypatch.setattr(bench, "child", fake_child)
    args = bench.parse(["--table", "--waves", "sine", "--formats", "F32LE", "--spb", "1024",
                        "--reps", "4"])
    sine = bench.table(args)[0]
    c, py = "audiotestsrc", "audiotestsrc_py"
    assert calls[:8] == [c, py, py, c, c, py, py, c]
    assert sine["ratio"] == 2.0  # median of 2, 1, 3, 2
    assert (sine["ratio_min"], sine["ratio_max"]) == (1.0, 3.0)
    assert sine["ratio_of_medians"] == 1.5  # 3 / 2: what the old statistic gave
