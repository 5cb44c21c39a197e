"""Parallax: many news reports of one crisis turned into one sourced, cross-checked record.

    import parallax
    result = parallax.analyze([text_a, text_b, text_c])
    for event in result.record.events: ...

`parallax.analyze(reports, db=None, ...)` is `parallax.api.analyze`, which returns the
typed record; `parallax.schema` is the JSON Schema of the export.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

__version__ = "0.1.0"

from parallax.api import Analysis  # noqa: E402

__all__ = ["Analysis", "__version__", "analyze"]


class _AnalyzeModule(types.ModuleType):
    """The module `parallax.analyze` (the command line's run), callable as the Python
    API: `parallax.analyze(reports)` is `parallax.api.analyze(reports)`, and
    `parallax.analyze.run_analysis` stays what it is. (The package attribute `analyze` is
    the submodule once it is imported, so the function cannot simply be put there.)"""

    def __call__(self, *args: Any, **kwargs: Any) -> Analysis:
        from parallax.api import analyze

        return analyze(*args, **kwargs)


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name == "analyze" and isinstance(value, types.ModuleType):
            value.__class__ = _AnalyzeModule  # the import system binding the submodule
        super().__setattr__(name, value)


def __getattr__(name: str) -> Any:
    if name == "analyze":  # imported on first use: it loads the whole pipeline
        return importlib.import_module("parallax.analyze")
    raise AttributeError(f"module 'parallax' has no attribute {name!r}")


sys.modules[__name__].__class__ = _Package
