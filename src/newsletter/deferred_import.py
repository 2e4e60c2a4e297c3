"""Defer importing a module until something uses one of its attributes."""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any


class _Deferred(types.ModuleType):
    """Stands in `sys.modules` for a module; the first attribute read imports the real one."""

    def __getattr__(self, attribute: str) -> Any:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = importlib.import_module(name)  # also replaces it on its parent package
        return getattr(real, attribute)


def defer_import(name: str) -> None:
    """Let `import name` succeed at once; the module loads on first real use.

    premailer and cssutils import modules they only need to fetch stylesheets over the
    network (`requests`, `urllib.request`, `importlib.metadata` for a User-Agent), about a
    tenth of a second with their dependencies; with network access off they never use them.
    Unlike importlib's LazyLoader, reading `__spec__` (which `import` does on Python 3.11)
    does not load the module.
    """
    if name in sys.modules:
        return
    placeholder = _Deferred(name)
    placeholder.__spec__ = None
    sys.modules[name] = placeholder
    parent, _, child = name.rpartition(".")
    if parent:  # `import urllib.request` then reads `urllib.request` off the package
        setattr(importlib.import_module(parent), child, placeholder)
