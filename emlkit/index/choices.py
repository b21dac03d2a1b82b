"""The choices of the index layer's outputs, in a module that imports nothing, so that the
command line can offer them at start-up without loading what produces them."""

from __future__ import annotations

__all__ = ["FORMATS", "PERIODS"]

FORMATS = ("jsonl", "csv")
"""The export formats."""

PERIODS = ("day", "week", "month")
"""The period lengths a timeline can be counted by."""
