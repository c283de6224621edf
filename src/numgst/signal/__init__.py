"""Signal generation in pure numpy: no GStreamer here, every function testable alone."""
