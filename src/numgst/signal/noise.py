"""Noise generators of the C ``audiotestsrc``, vectorised over numpy's Generator.

The algorithms are C's (white uniform, Box-Muller Gaussian, Voss-McCartney pink with
12 rows and C's integer arithmetic, a bounded random walk for red). The random numbers
are numpy's, not GLib's Mersenne Twister, so only the statistics match C, never the
samples. Every generator consumes its random stream in a fixed order per sample, so a
seeded stream gives the same samples however it is cut into buffers.

All functions write samples already multiplied by ``amp`` (volume times the sample
type's scale) into a float64 array; the caller casts.
"""

from __future__ import annotations

import math

import numpy as np

TWO_PI = 2.0 * math.pi

PINK_ROWS = 12
PINK_MASK = (1 << PINK_ROWS) - 1
# C: pmax = (rows + 1) * (1 << (PINK_RANDOM_BITS - 1)); scalar = 1.0f / pmax, a float
# division whose result is kept as a double.
PINK_SCALAR = float(np.float32(1.0) / np.float32((PINK_ROWS + 1) * (1 << 15)))
# Row updated at each counter value: count of trailing zeros (-1 for 0: no update),
# and the distance in samples to the previous update of that same row (2 << row).
_CTZ = np.full(PINK_MASK + 1, -1, dtype=np.int64)
for _r in range(PINK_ROWS):
    _CTZ[1 << _r :: 2 << _r] = _r
_SPACING = np.where(_CTZ >= 0, 2 << np.maximum(_CTZ, 0), 0).astype(np.int64)
del _r

RED_BOUND = 8.0
RED_WINDOW = 128  # draws examined per step of the walk; rejections come every ~32


class NoiseState:
    """Random stream and the per-generator memory that C keeps in its instance."""

    def __init__(self, seed: int | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        self.pink_index = 0
        self.pink_rows = np.zeros(PINK_ROWS, dtype=np.int64)
        self.pink_sum = 0
        self.red_state = 0.0
        # Red candidates drawn but not yet consumed: draws stay in stream order
        # whatever the buffer sizes.
        self._red_draws = np.empty(0)
        self._red_pos = 0

    def reset_pink(self) -> None:
        self.pink_index = 0
        self.pink_rows[:] = 0
        self.pink_sum = 0

    def reset_red(self) -> None:
        self.red_state = 0.0


def white(state: NoiseState, amp: float, out: np.ndarray) -> None:
    """Uniform noise in [-amp, amp), an independent draw per sample and channel.

    ``out``: float64, any shape, C-contiguous.
    """
    flat = out.reshape(-1)
    state.rng.random(out=flat)
    flat *= 2.0
    flat -= 1.0  # C: g_rand_double_range(-1, 1) = -1 + 2u
    flat *= amp


def gaussian(state: NoiseState, amp: float, out: np.ndarray) -> None:
    """Gaussian noise, standard deviation ``amp``, by Box-Muller as C does it.

    Each pair of channels of a frame shares one (modulus, angle) draw: cos for the
    first, sin for the second; an odd last channel gets the cos and the sin is lost.

    ``out``: float64, shape (frames, channels), C-contiguous.
    """
    n, ch = out.shape
    pairs = (ch + 1) // 2
    u = state.rng.random((n, pairs, 2))
    mag = u[..., 0]
    np.subtract(1.0, mag, out=mag)
    np.log(mag, out=mag)
    mag *= -2.0
    np.sqrt(mag, out=mag)
    mag *= amp
    phs = u[..., 1]
    phs *= TWO_PI
    out[:, 0::2] = np.cos(phs[:, : (ch + 1) // 2])
    out[:, 0::2] *= mag[:, : (ch + 1) // 2]
    if ch > 1:
        out[:, 1::2] = np.sin(phs[:, : ch // 2])
        out[:, 1::2] *= mag[:, : ch // 2]


def pink(state: NoiseState, amp: float, out: np.ndarray) -> None:
    """Voss-McCartney pink noise with 12 rows, one generator shared by all channels.

    C draws each sample's value in channel order from one generator, so the samples
    are one stream over the interleaved frames. Per sample, the counter's trailing
    zeros pick the row that takes a fresh random value; the running sum of the rows
    is a cumulative sum of per-row changes, and a row's previous value is the one drawn
    exactly ``2 << row`` samples earlier (or the stored row, before this block).

    ``out``: float64, any shape, C-contiguous. Values are in [-1, 1] * amp.
    """
    flat = out.reshape(-1)
    m = flat.shape[0]
    if m == 0:
        return
    i0 = state.pink_index
    idx = np.arange(i0 + 1, i0 + 1 + m, dtype=np.int64)
    idx &= PINK_MASK
    raw = state.rng.bit_generator.random_raw(m)
    # Two 32-bit draws per sample: one for the row, one for the extra white term.
    row_new = _c_pink_random(raw & np.uint64(0xFFFFFFFF))
    white_new = _c_pink_random(raw >> np.uint64(32))

    rows = _CTZ[idx]
    updates = rows >= 0
    prev = np.arange(m, dtype=np.int64)
    prev -= _SPACING[idx]
    inside = updates & (prev >= 0)
    before = updates & (prev < 0)
    old = np.zeros(m, dtype=np.int64)
    old[inside] = row_new[prev[inside]]
    old[before] = state.pink_rows[rows[before]]
    delta = row_new - old
    delta[~updates] = 0
    np.cumsum(delta, out=delta)
    delta += state.pink_sum
    state.pink_sum = int(delta[-1])
    delta += white_new

    # Last update of each row within this block: the latest p < m whose counter is
    # congruent to 2**r modulo 2**(r+1).
    r = np.arange(PINK_ROWS, dtype=np.int64)
    last = (m - 1) - ((i0 + m - (1 << r)) % (2 << r))
    ok = last >= 0
    state.pink_rows[ok] = row_new[last[ok]]
    state.pink_index = (i0 + m) & PINK_MASK

    np.multiply(delta, PINK_SCALAR, out=flat)
    flat *= amp


def _c_pink_random(u: np.ndarray) -> np.ndarray:
    """C: (glong)(32768.0 - 65536.0 * u / (G_MAXUINT32 + 1.0)) for 32-bit ``u``.

    Every step is exact in double; the cast truncates toward zero, so the result is
    in [-32767, 32768] with 0 twice as likely as any other value.
    """
    x = u.astype(np.float64)
    x *= -1.0 / 65536.0
    x += 32768.0
    return x.astype(np.int64)


def _red_draws(state: NoiseState, need: int) -> np.ndarray:
    """The next ``need`` unconsumed red candidates, uniform in [-1, 1)."""
    have = state._red_draws.shape[0] - state._red_pos
    if have < need:
        grown = np.empty(max(need, 4096))
        grown[:have] = state._red_draws[state._red_pos :]
        fresh = grown[have:]
        state.rng.random(out=fresh)
        fresh *= 2.0
        fresh -= 1.0
        state._red_draws = grown
        state._red_pos = 0
    return state._red_draws[state._red_pos : state._red_pos + need]


def red(state: NoiseState, amp: float, out: np.ndarray) -> None:
    """Brownian noise: a random walk in [-8, 8] by uniform [-1, 1) steps, / 16.

    A step that would leave the bounds is undone (``state -= r``, as C does, keeping
    its rounding) and a new step is drawn. Between rejections the walk is a plain
    sequential cumulative sum; the loop runs once per rejection (about 3% of steps),
    never per sample. One walk is shared by all channels, in interleaved order.

    ``out``: float64, any shape, C-contiguous.
    """
    flat = out.reshape(-1)
    m = flat.shape[0]
    s = state.red_state
    pos = 0
    while pos < m:
        span = min(m - pos, RED_WINDOW)
        r = _red_draws(state, span)
        seg = flat[pos : pos + span]
        seg[:] = r
        seg[0] += s
        np.cumsum(seg, out=seg)
        over = np.abs(seg) > RED_BOUND
        k = int(over.argmax())
        if not over[k]:
            state._red_pos += span
            s = float(seg[-1])
            pos += span
            continue
        # seg[:k] are accepted samples; draw k is rejected and consumed.
        s = float(seg[k]) - float(r[k])
        state._red_pos += k + 1
        pos += k
    state.red_state = s
    # C: amp * state * 0.0625f, evaluated left to right.
    flat *= amp
    flat *= 0.0625
