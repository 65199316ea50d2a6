"""Meeting pages, one module per subject.

Views stay thin: the rules live in ``services`` and the figures in ``accountability``.  Every page goes
through the scope filter; an id outside it answers 404.  Lists page by key, never by offset.
"""
