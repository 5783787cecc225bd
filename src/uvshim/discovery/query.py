"""What one interpreter discovery reads, built once by ``survey`` from the parsed command, the
environment, uv's working folder and release, and uv's configuration; the model of ``uvx``
(``search.choose_tool_run_interpreter``) and the model of ``uv run``
(``uv_run_interpreter.choose_uv_run_interpreter``) take it as it is, for the shim and for
``explain`` alike.
"""

from __future__ import annotations

from uvshim.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from uvshim.discovery.request import PythonRequest
    from uvshim.interpreter_identity import InterpreterIdentity
    from uvshim.uv.argv import UvInvocation
    from uvshim.versions import Version

    Identify = Callable[[str], InterpreterIdentity]


class DiscoveryQuery(Record):
    invocation: UvInvocation
    environ: Mapping[str, str]
    cwd: str  # uv's working folder (``uv.settings.working_folder``)
    uv_version: Version
    config_preference: str | None  # ``python-preference`` in uv's configuration files
    identify: Identify  # a stat-keyed cache (``identity_cache.identify``) or a fake in tests


class RequestedPython(Record):
    """The Python a command asks for, and where the request came from, for ``explain``:
    ``--python 3.12``, ``UV_PYTHON=3.12``, ``the .python-version at PATH``,
    ``requires-python >=3.11 of the project at PATH``…; empty when nothing asks (the default
    request)."""

    request: PythonRequest
    origin: str
