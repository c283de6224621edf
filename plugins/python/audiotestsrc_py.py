from numgst.elements import audiotestsrc

__gstelementfactory__ = audiotestsrc.FACTORY
