from _numgst import factory

__gstelementfactory__ = factory("videotestsrc_py")
