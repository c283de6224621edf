"""Workarounds for what PyGObject and GStreamer do not offer to Python, through
ctypes. Not public API: :mod:`numgst.base` stands on them so that elements never
need to. Each module says which gap it fills:

* :mod:`.gobject`: the few C functions and struct offsets PyGObject does not reach
  (buffer mapping, metas, class structures, param specs);
* :mod:`.borrowed_vfuncs`: a C element's trivial per-buffer vfunc in place of a
  Python one (a Python call saved per buffer);
* :mod:`.floating_refs`: reference counts of Python elements created from C, made
  what GStreamer expects (PyGObject < 3.44 sinks them; ``ElementFactory.make``
  leaks them);
* :mod:`.thread_state`: a Python thread state kept for GStreamer's streaming
  threads (PyGObject makes a new one for every call);
* :mod:`.unwinders`: C++ extension modules imported after GStreamer without mixing
  libunwind's and libgcc_s's unwinders (a crash otherwise).
"""
