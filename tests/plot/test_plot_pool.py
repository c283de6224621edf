"""audioplot's idle figures: bounded by bytes, freed when no audioplot is left."""

from __future__ import annotations

from _isolated import run_python

from numgst.elements import audioplot
from numgst.plot.pool import FigurePool, figure_bytes

MB = 1 << 20


def _pool(budget: int) -> FigurePool:
    return FigurePool(make=lambda key: ["figure", key], size=lambda key: key * MB, budget=budget)


def test_idle_figures_stay_under_the_budget_oldest_first_out():
    pool = _pool(10 * MB)
    pool.joined()
    for key in (4, 3, 2, 4):
        pool.give_back(key, pool.take(key))
    assert pool.held <= 10 * MB and len(pool) == 3  # (4, 3, 2, 4) -> the first 4 went
    assert pool.take(2) == ["figure", 2] and len(pool) == 2
    pool.give_back(11, ["too big"])  # larger than the budget: never kept
    assert all(v != ["too big"] for v in pool._idle.values())


def test_everything_goes_when_the_last_user_leaves():
    pool = _pool(100 * MB)
    pool.joined()
    pool.joined()
    pool.give_back(5, "a")
    pool.left()
    assert len(pool) == 1
    pool.left()
    assert len(pool) == 0 and pool.held == 0
    pool.give_back(5, "b")  # nobody left to take it
    assert len(pool) == 0


def test_an_8k_figure_is_never_kept():
    assert figure_bytes(7680, 4320) > audioplot._POOL.budget


def test_audioplots_that_are_gone_leave_no_figure():
    # A fresh interpreter: no other test's audioplot alive.
    r = run_python(
        """
import gc
import numgst
from numgst.base.gst import Gst
from numgst.elements import audioplot
from numgst.testing import run_to_eos

numgst.register()
for width in (320, 640, 800):
    for lw in (1.0, 2.0):  # pipelines that differ only in line-width
        p = Gst.parse_launch(
            f"audiotestsrc num-buffers=3 ! audioplot line-width={lw} ! "
            f"video/x-raw,width={width},height=240 ! fakesink"
        )
        run_to_eos(p)
        assert len(audioplot._POOL) == 1, len(audioplot._POOL)
        del p
        gc.collect()  # the element's Python side may sit in a cycle until collected
gc.collect()
assert audioplot._POOL.users == 0, audioplot._POOL.users
assert len(audioplot._POOL) == 0, len(audioplot._POOL)
""",
        timeout=120,
    )
    assert r.returncode == 0, r.stderr[-3000:]
