"""Pure drawing code for ``audioplot``: numpy and matplotlib's Agg, no GStreamer.

:mod:`.audio` holds the sample side (PCM unpacking, the history window, the spectrum)
and imports numpy only. :mod:`.figures` imports matplotlib; import it lazily, so a
missing matplotlib cannot break anything that merely imports this package.
"""
