"""The checked questions of each exercise, one module per lesson (``lesson01`` ...).

Expected answers are computed from the shipped data with the course's models when a check
runs, never typed in by hand.
"""

from ..checks import registry

__all__ = ["registry"]
