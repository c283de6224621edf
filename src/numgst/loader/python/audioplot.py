from _numgst import factory

__gstelementfactory__ = factory("audioplot")
