"""Relations Timeline: a sourced, annotated timeline of events between two countries."""

__version__ = "0.1.0"
