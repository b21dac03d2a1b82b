"""Presentation: records and reports turned into terminal, Markdown, HTML or JSON output.

Renderers take records and return rich renderables or strings; they never parse or store.
Every string that comes from mail is shown as data (``rich.text.Text``), never as markup.
"""

from __future__ import annotations

from emlkit.render.records import message_json, message_view

__all__ = ["message_json", "message_view"]
