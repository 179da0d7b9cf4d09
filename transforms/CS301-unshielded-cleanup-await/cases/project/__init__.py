"""Siblings for `../project_callees.py`: a package of callees defined away from their caller."""

from ._compat import resync_tracer

__all__ = ["resync_tracer"]
