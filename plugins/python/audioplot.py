from numgst.elements import audioplot

__gstelementfactory__ = audioplot.FACTORY
