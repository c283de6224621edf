"""Testing GStreamer elements from Python: whole pipelines (:func:`capture`,
:func:`run_to_eos`) and one element at a time (:class:`Harness`, numpy in and out,
no main loop)."""

from .harness import Harness, HarnessError
from .pipelines import Capture, Out, PipelineError, capture, run_to_eos

__all__ = ["Capture", "Harness", "HarnessError", "Out", "PipelineError", "capture", "run_to_eos"]
