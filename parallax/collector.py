"""Python's cyclic garbage collector around Parallax's heavy steps.

- `paused`: the cross-check makes and drops hundreds of thousands of small records,
  freed by reference counting (checking a block of 883 reports leaves a few hundred
  objects in cycles); the collector's passes over them (a fifth of a large block's time)
  wait until it is done.
- `frozen_for_children`: worker processes forked from this one inherit its objects (a
  loaded gazetteer, a long run's caches). A collection in a worker would walk all of them
  and, by marking them, copy every page they live on; frozen, they are left out of every
  collection, the worker's and this process's, until the workers are done."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextlib.contextmanager
def frozen_for_children() -> Iterator[None]:
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
