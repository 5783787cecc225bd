"""Version managers' shims on PATH: which interpreter one runs, worked out without running it.

uv queries every interpreter it finds by running it, and a shim answers for the interpreter it
execs: ``sys.executable`` is that interpreter's path, and uv keeps no memo of the answer, because
the shim is not the same file as ``sys.executable`` (``query_cached`` in ``interpreter.rs``,
0.5.0 to 0.12.5). So uv hashes the target's path for the bucket, and so must the shim: the
identity of a shim is the identity of the file it would exec, found from the same inputs the
version manager reads (``pyenv``, ``mise``), each one read through ``os``, ``open`` and
``environ`` so that the memo records it and stays valid exactly as long as the answer does.
What a model cannot tell with certainty is probed: the shim is run, as uv runs it, and a
dispatcher is never cached by its own stat (``identity_cache``).
"""

from __future__ import annotations

from uvshim.discovery.mise import resolve_mise
from uvshim.discovery.pyenv import pyenv_shim, resolve_pyenv
from uvshim.discovery.shim_resolution import CannotTellError, Resolution, mise_binary, read_head

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from uvshim.interpreter_identity import InterpreterIdentity


def resolve_shim(path: str, environ: Mapping[str, str], cwd: str) -> Resolution | None:
    """``None`` when ``path`` is no known shim; ``InterpreterError`` when the shim would fail."""
    shim = pyenv_shim(path, read_head(path))
    if shim is not None:
        try:
            return resolve_pyenv(shim, environ, cwd)
        except CannotTellError as exc:
            return Resolution(None, f"a pyenv shim, probed: {exc}")
    binary = mise_binary(path)
    if binary is not None:
        try:
            return resolve_mise(path, binary, environ, cwd)
        except CannotTellError as exc:
            return Resolution(None, f"a mise shim, probed: {exc}")
    return None


class ShimAware:
    """An ``identify`` that looks through version managers' shims, remembering how."""

    def __init__(self, identify: Callable[[str], InterpreterIdentity],
                 environ: Mapping[str, str], cwd: str) -> None:
        self._identify, self._environ, self._cwd = identify, environ, cwd
        self.how: dict[str, str] = {}

    def identify(self, path: str) -> InterpreterIdentity:
        resolution = resolve_shim(path, self._environ, self._cwd)
        if resolution is None:
            return self._identify(path)
        self.how[path] = resolution.how
        return self._identify(resolution.target or path)

    def describe(self, path: str, origin: str) -> str:
        how = self.how.get(path)
        return f"{origin}, {how}" if how else origin


__all__ = ["Resolution", "ShimAware", "resolve_shim"]
