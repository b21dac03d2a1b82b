"""Names a package imports on first use (PEP 562), so that importing it stays light.

``emlkit`` and ``emlkit.api`` load the notebook API only when a notebook uses it, and
``emlkit`` and ``emlkit.parse`` load the parser only where messages are parsed: the main
process of an index run, which walks, compares and stores, never loads it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, MutableMapping

__all__ = ["lazy_names"]


def lazy_names(
    package: str, homes: Mapping[str, str], namespace: MutableMapping[str, object]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names in ``homes`` (name →
    module) are imported from their module on first use and then kept in ``namespace``
    (the package's ``globals()``)."""

    def __getattr__(name: str) -> object:
        module = homes.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(homes))

    return __getattr__, __dir__
