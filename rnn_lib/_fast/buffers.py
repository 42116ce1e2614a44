"""Where the fast paths get their work arrays: new ones, or ones reused between calls."""

import math
import threading

import numpy as np


class FreshArrays:
    """Where the fast paths' forward and backward get their work arrays: here, always new ones."""

    @staticmethod
    def empty(name, shape):
        """A new uninitialised float64 array of the given shape (name is ignored)."""
        return np.empty(shape)


class ScratchBuffers(threading.local):
    """Work arrays reused from one call to the next: one per name, per thread, grown as needed.

    A new array larger than ~128 kB costs a page fault per 4 kB page when it is first written
    (the memory allocator hands large blocks back to the operating system when they are freed).
    At mid sizes that is a quarter of a training step, so optimize, whose work arrays die with
    the call, reuses them; the public functions, whose results outlive it, use FreshArrays.
    """

    def __init__(self):
        self.arrays = {}

    def empty(self, name, shape):
        """An uninitialised float64 array of the given shape, in the memory last used for name."""
        size = math.prod(shape)
        array = self.arrays.get(name)
        if array is None or array.size < size:
            array = self.arrays[name] = np.empty(size)
        return array[:size].reshape(shape)
