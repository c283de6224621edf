"""Phase-accumulator oscillators matching GStreamer's C ``audiotestsrc`` sample for sample.

The C element keeps one double ``acc`` and, per frame, adds ``step`` and wraps at
2*pi (:mod:`.reference`, the specification). Float rounding in that sequential sum
decides the low bits of every sample, so for bit-exact output the phases here are the
results of the very same sequence of IEEE additions, computed without a sequential
loop:

* :mod:`.rows`: from any start, one row per period summed at once, the starts found
  by an exact fixed-point iteration;
* :mod:`.templates`: a period's phases from any start in an interval are the start
  plus one fixed array, and the walk from period start to period start is integer
  arithmetic;
* :mod:`.walk`: many periods walked at once and kept; a block of frames is a
  :class:`~.walk.Span` on the walk, whose phases are one gather and one add, and
  whose runs against a threshold (the square's) need no phase at all;
* :mod:`.phase`: picks the route for a block; :class:`~.memo.PhaseMemo` is what a
  stream keeps between blocks.
"""

from .memo import PhaseMemo
from .phase import accumulate_phase, block_span, finish, threshold_runs
from .reference import TWO_PI, accumulate_periods, phase_step

__all__ = [
    "TWO_PI",
    "PhaseMemo",
    "accumulate_periods",
    "accumulate_phase",
    "block_span",
    "finish",
    "phase_step",
    "threshold_runs",
]
