"""What Python a tool run asks for: ``--python``, ``UV_PYTHON``, a ``python@3.12`` target, the
global ``.python-version`` and a source tree's ``requires-python`` (``ToolPython`` and
``get_or_create_environment`` in ``crates/uv/src/commands/tool/``), as ``search`` takes it.
"""

from __future__ import annotations

import os

from uvshim.discovery.query import RequestedPython
from uvshim.discovery.request import (
    DEFAULT,
    DIRECTORY,
    FILE,
    VERSION,
    PythonRequest,
    parse_request,
    parse_tool_name,
    parse_version,
)
from uvshim.discovery.version_files import first_request
from uvshim.errors import UndecidableError
from uvshim.uv.releases import GLOBAL_PIN, INFERS_REQUIRES_PYTHON
from uvshim.uv.settings import user_config_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from uvshim.discovery.query import DiscoveryQuery


class UvFailsError(Exception):
    """uv stops with an error before it uses any interpreter."""


_PLAIN_REQUIREMENT = (r"^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?"
                      r"(\[[A-Za-z0-9._,\s-]*\])?"
                      r"(\s*(===|==|!=|~=|<=|>=|<|>)[^/\\@;]*)?$")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")


def tool_request(query: DiscoveryQuery) -> RequestedPython:
    """The request uvx discovers with, and where it came from (``run.rs``, ``common.rs``)."""
    inv = query.invocation
    explicit = explicit_request(query)
    target = inv.from_spec if inv.from_spec is not None else inv.command
    tool = parse_tool_name(target, query.uv_version) if target is not None else None
    if tool is not None and tool.kind != DEFAULT and explicit is not None:
        # "Received multiple Python version requests" (0.5.26+).
        raise UvFailsError
    if explicit is not None:
        text, origin = explicit
        return RequestedPython(parse_request(text, query.cwd), origin)
    if tool is not None and tool.kind != DEFAULT:
        return RequestedPython(tool, f"tool target {target}")
    return _implicit_request(target, tool is not None, query)


def explicit_request(query: DiscoveryQuery) -> tuple[str, str] | None:
    """``--python``, else ``UV_PYTHON``, and which one, for uvx and ``uv run`` alike:
    ``--python`` has ``env = UV_PYTHON`` (clap) in every version, read only when the option
    is absent; an empty value of either is no request (``uv/empty_values``)."""
    flag = query.invocation.python_request
    if flag is not None:
        return (flag, f"--python {flag}") if flag else None
    value = query.environ.get("UV_PYTHON", "")
    if value:
        return value, f"UV_PYTHON={value}"
    return None


def _implicit_request(target: str | None, is_python_target: bool,
                      query: DiscoveryQuery) -> RequestedPython:
    """Without a request: the global pin (0.10.0+), and from 0.11.17 the static
    ``requires-python`` of a source tree (``tool_source``), which the pin yields to when they
    do not intersect."""
    uv, cwd = query.uv_version, query.cwd
    inferred = None
    if uv >= INFERS_REQUIRES_PYTHON and target is not None and not is_python_target \
            and not is_plain_requirement(target):
        from uvshim.discovery.tool_source import requires_python, source_tree  # noqa: PLC0415

        folder = source_tree(target, cwd)
        inferred = requires_python(folder) if folder is not None else None
    pinned = _global_pin(query.environ) if uv >= GLOBAL_PIN else None
    if pinned is not None and inferred is not None:
        # ``intersects_requires_python``: a range intersection of release specifiers.
        raise UndecidableError(f"both a global Python pin and {target!r}'s requires-python "
                               f"({inferred}) apply, and their intersection is not modelled")
    if pinned is not None:
        return pinned
    if inferred is not None:
        version = parse_version(inferred)
        if version is None:
            raise UndecidableError(f"requires-python {inferred!r} of {target!r} is not modelled")
        return RequestedPython(PythonRequest(VERSION, version=version),
                               f"requires-python {inferred} of {target}")
    return RequestedPython(PythonRequest(DEFAULT), "")


def is_plain_requirement(target: str) -> bool:
    name, _, version = target.partition("@")
    if "/" in version:
        return False
    if name and set(name) <= _NAME_CHARS and name[0].isalnum() and name[-1].isalnum():
        return True  # a bare package name, the common case, without importing ``re``
    import re  # noqa: PLC0415

    return re.match(_PLAIN_REQUIREMENT, name) is not None


def _global_pin(environ: Mapping[str, str]) -> RequestedPython | None:
    """The global ``.python-version`` (0.10.0+, #14112; never a local one, even --no-config).

    ``PythonVersionFile::discover(.., with_no_local(true))``: ``<config>/uv/.python-version``,
    else ``.python-versions``; its first line that is neither blank nor a comment, untrimmed.
    """
    config = user_config_dir(environ)  # read only by 0.10.0+, which ignore an empty HOME
    if config is None:
        return None
    folder = os.path.join(config, "uv")
    for name in (".python-version", ".python-versions"):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return _read_pin(path)
    return None


def _read_pin(path: str) -> RequestedPython | None:
    line = first_request(path)
    if line is None:
        return None
    # uv resolves a relative path in the pin against its working directory, but a pin holding
    # a path is rare enough to leave to uv.
    request = parse_request(line, "/")
    if request.kind in (FILE, DIRECTORY):
        raise UndecidableError(f"the global pin {path} holds a path")
    return RequestedPython(request, f"global .python-version ({path})")
