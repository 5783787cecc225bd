"""uvshim: a drop-in ``uvx``/``uv`` shim that keeps uv from reusing a tool environment
built for another interpreter."""

from __future__ import annotations

__version__ = "0.1.0"
