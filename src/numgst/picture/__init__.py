"""Pictures for video sources, pure numpy (nothing here imports GStreamer).

:mod:`.colors` the colours and their codings, :mod:`.patterns` C videotestsrc's
patterns, :mod:`.noise` its random generator, :mod:`.pack` the packing of painted
pictures into raw video formats, :mod:`.frames` the choice of work per caps and
properties (render once or per frame).
"""
