"""The project's own programs, not the library: ``./run demo`` (:mod:`.demo`),
``./run bench`` (:mod:`.bench`, with the comparison elements of
:mod:`.bench_elements`)."""
