"""The phase accumulator against a pure-Python copy of the C loop, bit for bit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from numgst.signal.osc import (
    TWO_PI,
    PhaseMemo,
    accumulate_phase,
    phase_step,
    threshold_runs,
)


def reference(acc: float, step: float, n: int) -> tuple[list[float], float]:
    """The C element's loop, one IEEE addition at a time."""
    out = []
    for _ in range(n):
        acc += step
        if acc >= TWO_PI:
            acc -= TWO_PI
        out.append(acc)
    return out, acc


def check_blocks(
    step: float, lengths: list[int], acc: float = 0.0, memo: PhaseMemo | None = None
) -> None:
    # One memo for the whole stream, as an element keeps one: the steady-state path
    # (templates, resume) is what runs from the second block on.
    memo = PhaseMemo() if memo is None else memo
    ref_acc = acc
    for n in lengths:
        out = np.full(n, np.nan)
        acc = accumulate_phase(acc, step, out, memo)
        ref, ref_acc = reference(ref_acc, step, n)
        got = out.tolist()
        if got != ref:
            j = next(i for i, (a, b) in enumerate(zip(got, ref, strict=True)) if a != b)
            pytest.fail(f"step={step!r} n={n}: frame {j}: {got[j]!r} != {ref[j]!r}")
        assert acc == ref_acc


@pytest.mark.parametrize(
    "freq,rate",
    [
        (440.0, 44100),
        (1000.0, 48000),
        (10000.0, 44100),
        (22050.0, 44100),
        (24000.0, 48000),
        (1.0, 8000),
        (0.5, 192000),
        (12345.678, 96000),
        (7000.0, 22050),
        (19999.0, 44100),
        (44099.0, 88200),
        (3.0, 1),
    ],
)
def test_common_rates(freq, rate):
    check_blocks(phase_step(freq, rate), [1024, 1024, 1, 7, 1023, 4096, 333])


# Steps above MAX_STEP (13.1 kHz at 48 kHz) wrap past 8, where the row method's
# iteration mostly does not settle: it falls back on the C loop frame by frame, and
# goes there straight for the stream's next blocks. Long blocks are a buffer list's.
@pytest.mark.parametrize("freq", [13300.0, 15000.0, 16800.0, 18000.0, 19000.0, 21000.0, 23900.0])
def test_steps_wrapping_past_8_over_long_blocks(freq):
    check_blocks(phase_step(freq, 48000), [65536, 1024, 4096, 3, 65536])


def test_random_rates_freqs_lengths():
    rng = np.random.default_rng(1234)
    for _ in range(60):
        rate = int(rng.integers(1, 192001))
        kind = rng.integers(0, 4)
        if kind == 0:
            freq = float(rng.uniform(0.0, rate / 2))
        elif kind == 1:
            freq = rate / 2  # Nyquist
        elif kind == 2:
            freq = float(rng.integers(1, max(rate // 2, 2)))
        else:
            freq = float(rng.uniform(0.0, rate))
        lengths = [int(x) for x in rng.integers(1, 10001, size=3)]
        check_blocks(phase_step(freq, rate), lengths)


@pytest.mark.parametrize(
    "step",
    [
        # dyadic fractions: sums exact, wraps land exactly on 2*pi's neighbours
        0.5,
        0.25,
        0.125,
        2.0**-10,
        0.75,
        1.5,
        3.0,
        # exact divisors of 2*pi: starts hover at 0 / step, where the period changes
        TWO_PI / 2,
        TWO_PI / 3,
        TWO_PI / 7,
        TWO_PI / 48,
        TWO_PI / 100,
        TWO_PI / 1024,
        # very small, just below pi, just below 2*pi
        1e-9,
        3e-5,
        math.pi,
        math.nextafter(math.pi, 0.0),
        math.nextafter(TWO_PI, 0.0),
        TWO_PI * 0.999,
        TWO_PI * 0.51,
        # last bit of step at half the grid of [4, 8): rounding ties in the top binade
        2.0 + 2.0**-51,
        1.0 + 3 * 2.0**-51,
        0.0625 + 2.0**-51,
    ],
)
def test_adversarial_steps(step):
    check_blocks(step, [1, 2, 3, 1024, 4097, 10000, 17])


@pytest.mark.parametrize("acc", [0.0, 1e-300, 1.0, math.pi, math.nextafter(TWO_PI, 0.0)])
def test_any_start(acc):
    for step in (phase_step(440.0, 44100), phase_step(10000.0, 44100), 0.1):
        check_blocks(step, [1000, 3000], acc=acc)


def test_zero_and_degenerate_steps():
    check_blocks(0.0, [5, 1024])
    check_blocks(TWO_PI, [50])  # freq == rate: forced caps only
    check_blocks(7.5, [50, 3])
    out = np.empty(0)
    assert accumulate_phase(1.25, 0.1, out) == 1.25


def test_many_consecutive_blocks():
    for freq in (440.0, 1000.0, 10000.0):
        step = phase_step(freq, 44100)
        check_blocks(step, [1024] * 200 + [8192] * 10 + [256] * 50)


@pytest.mark.parametrize(
    "freq,rate", [(440.0, 44100), (997.0, 48000), (261.63, 96000), (1500.0, 44100), (100.0, 8000)]
)
def test_steady_state_templates_over_a_long_run(freq, rate):
    # Long enough that the period start visits every template of the step, with
    # block sizes that change and a block of 1 frame in between.
    check_blocks(phase_step(freq, rate), [1024] * 300 + [1] + [777] * 50 + [2048] * 30)


def test_without_a_memo_results_are_the_same():
    step = phase_step(440.0, 44100)
    acc_a = acc_b = 0.0
    memo = PhaseMemo()
    for _ in range(50):
        a, b = np.empty(1024), np.empty(1024)
        acc_a = accumulate_phase(acc_a, step, a)
        acc_b = accumulate_phase(acc_b, step, b, memo)
        assert a.tobytes() == b.tobytes() and acc_a == acc_b
    assert memo.templates[step].items  # the memo did learn templates


@pytest.mark.parametrize("freq,rate", [(20.0, 44100), (30.0, 48000)])
def test_many_periods_of_a_low_tone(freq, rate):
    # Steps below 2**-7, long periods: the vectorised walk's values table and the
    # starts repeated over thousands of frames each.
    check_blocks(phase_step(freq, rate), [50000, 50000, 3, 50000])


def test_wrong_guesses_still_give_exact_phases(monkeypatch):
    # The walk's guesses only decide how fast it settles, never the values: with
    # every guess wrong it must correct itself or fall back, exactly.
    from numgst.signal.osc.templates import Templates

    init = Templates.__init__

    def bad_rotation(self, step):
        init(self, step)
        self._rotation = 0.37 * self.period_units

    monkeypatch.setattr(Templates, "__init__", bad_rotation)
    for freq in (440.0, 1000.0, 10000.0):
        check_blocks(phase_step(freq, 44100), [1024] * 20 + [8192] * 5)


def test_a_long_walk_that_does_not_settle_falls_back_to_the_block(monkeypatch):
    # The memo walks far ahead; if that walk cannot be settled, the block's own
    # periods are walked instead, and the values stay exact either way.
    from numgst.signal.osc.phase import WALK_AHEAD
    from numgst.signal.osc.templates import Templates

    walk = Templates.walk
    counts = []

    def short_only(self, m0, count, guess, m):
        counts.append(count)
        return None if count >= WALK_AHEAD else walk(self, m0, count, guess, m)

    monkeypatch.setattr(Templates, "walk", short_only)
    check_blocks(phase_step(440.0, 44100), [8192] * 6)
    assert any(c < WALK_AHEAD for c in counts)


def _above(acc, step, threshold, n, memo):
    """threshold_runs as one 0/1 per frame."""
    runs, acc = threshold_runs(acc, step, threshold, n, memo)
    assert runs.shape[0] % 2 == 0 and runs.sum() == n and (runs >= 0).all()
    levels = np.arange(runs.shape[0], dtype=np.uint8) & 1
    return np.repeat(levels, runs), acc


@pytest.mark.parametrize(
    "freq,rate",
    [
        (440.0, 44100),
        (1000.0, 48000),
        (10000.0, 44100),
        (997.0, 48000),
        (3.0, 8000),
        (22050.0, 44100),
        (100.0, 8000),
    ],
)
@pytest.mark.parametrize("threshold", [math.pi, math.pi / 2, 3 * math.pi / 2])
def test_above_threshold_matches_the_phases(freq, rate, threshold):
    step = phase_step(freq, rate)
    memo = PhaseMemo()
    acc = ref_acc = 0.0
    for n in [1024, 1024, 1, 7, 8192, 1023, 4096, 333] + [1024] * 40:
        out, acc = _above(acc, step, threshold, n, memo)
        ref, ref_acc = reference(ref_acc, step, n)
        expected = (np.array(ref) >= threshold).astype(np.uint8)
        assert out.tobytes() == expected.tobytes(), (n, np.flatnonzero(out != expected)[:5])
        assert acc == ref_acc


def test_above_threshold_and_phases_share_a_memo():
    step = phase_step(440.0, 44100)
    memo = PhaseMemo()
    acc = ref_acc = 0.0
    for k in range(60):
        n = 1024 if k % 3 else 8192
        if k % 2:
            out = np.empty(n)
            acc = accumulate_phase(acc, step, out, memo)
            ref, ref_acc = reference(ref_acc, step, n)
            assert out.tolist() == ref
        else:
            bits, acc = _above(acc, step, math.pi, n, memo)
            ref, ref_acc = reference(ref_acc, step, n)
            assert bits.tolist() == [int(v >= math.pi) for v in ref]
        assert acc == ref_acc


def test_the_kept_walk_follows_changes_of_step_and_position():
    # Steady blocks are spans of the walk the memo keeps; a new step, a jump of the
    # accumulator (a seek), or a block from elsewhere must not be served from it.
    rng = np.random.default_rng(99)
    memo = PhaseMemo()
    steps = [phase_step(f, 48000) for f in (440.0, 441.0, 1000.0)]
    acc, ref_acc, step = 0.0, 0.0, steps[0]
    for _ in range(300):
        event = rng.integers(0, 12)
        if event == 0:
            step = steps[int(rng.integers(0, 3))]
        elif event == 1:
            acc = ref_acc = float(rng.uniform(0.0, TWO_PI))
        elif event == 2:  # another stream's block through the same memo, then back
            accumulate_phase(1.0, steps[2], np.empty(100), memo)
        n = int(rng.choice([1, 64, 256, 1000, 1024, 3000]))
        out = np.empty(n)
        acc = accumulate_phase(acc, step, out, memo)
        ref, ref_acc = reference(ref_acc, step, n)
        assert out.tolist() == ref and acc == ref_acc
    assert memo.walk is not None  # the steady stretches were served from the walk


def test_blocks_ending_at_a_period_end_reuse_the_walk():
    # Long blocks take their periods from one walk kept in the memo; a block that
    # ends exactly where a period ends makes the next one start at the following
    # period. Cut the stream there, and elsewhere, and compare with C's loop.
    step = phase_step(441.0, 44100)
    ref, _ = reference(0.0, step, 60000)
    wraps = [i for i in range(1, len(ref)) if ref[i] < ref[i - 1]]
    cuts = [wraps[20], wraps[45], wraps[45] + 2000, wraps[120], wraps[200], 60000]
    lengths = [b - a for a, b in zip([0] + cuts[:-1], cuts, strict=True)]
    memo = PhaseMemo()
    check_blocks(step, lengths, memo=memo)
    assert memo.walk is not None  # the long blocks went through the kept walk


def test_runs_of_two_thresholds_from_one_kept_walk():
    # The runs of every period of a kept walk are made once per threshold: blocks
    # that alternate thresholds on one memo must each get their own.
    step = phase_step(440.0, 44100)
    memo = PhaseMemo()
    acc = ref_acc = 0.0
    for k in range(40):
        threshold = math.pi if k % 2 else math.pi / 2
        n = 8192 if k % 3 else 3000
        bits, acc = _above(acc, step, threshold, n, memo)
        ref, ref_acc = reference(ref_acc, step, n)
        assert bits.tolist() == [int(v >= threshold) for v in ref]
        assert acc == ref_acc
    assert len(memo.walk._runs) == 2


@pytest.mark.parametrize("threshold", [math.pi, math.pi / 2])
def test_runs_of_blocks_sliced_from_the_kept_walk(threshold, monkeypatch):
    # After a long block, the blocks that continue it are slices of the kept walk's
    # runs. Cut the stream at run edges, at period ends, one frame either side of
    # them and at random, and compare with C's loop.
    step = phase_step(441.0, 44100)
    total = 200_000
    ref, _ = reference(0.0, step, total)
    above = np.array(ref) >= threshold
    edges = np.flatnonzero(above[1:] != above[:-1]) + 1
    wraps = np.flatnonzero(np.diff(ref) < 0) + 1
    rng = np.random.default_rng(5)
    cuts = {8192, total}
    for pick in (edges, wraps):
        for e in rng.choice(pick[pick > 8192], 60, replace=False):
            cuts.update({int(e) + d for d in (-1, 0, 1)})
    cuts.update(int(c) for c in rng.integers(8193, total, 40))
    cuts = sorted(cuts)
    from numgst.signal.osc.walk import Walk

    sliced = []
    span = Walk.span

    def spy(self, *args):
        got = span(self, *args)
        sliced.append(got is not None)
        return got

    monkeypatch.setattr(Walk, "span", spy)
    memo = PhaseMemo()
    acc, at = 0.0, 0
    for end in cuts:
        n = end - at
        bits, acc = _above(acc, step, threshold, n, memo)
        assert bits.tolist() == above[at:end].astype(int).tolist(), (at, n)
        assert acc == ref[end - 1]
        at = end
    assert sum(sliced) > len(cuts) * 0.8  # most blocks were slices
    assert not all(sliced)  # and the walk's end was reached, then a new one made
