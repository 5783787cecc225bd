"""Everything the check finds before it decides: uv's cache, the interpreter, the verdicts.

One record (``Survey``), made the same way for the shim and for ``explain``, which prints it.
"""

from __future__ import annotations

from uvshim.discovery.identity_cache import identify
from uvshim.discovery.query import DiscoveryQuery
from uvshim.discovery.search import InterpreterChoice, choose_tool_run_interpreter
from uvshim.environments import scan_bucket
from uvshim.policy import Verdict, judge_all
from uvshim.record import Record
from uvshim.uv.cache_key import bucket_dir
from uvshim.uv.options import Level
from uvshim.uv.settings import load_uv_config, uv_cache_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    import os
    from collections.abc import Mapping

    from uvshim.uv.argv import UvInvocation
    from uvshim.versions import Version


class Survey(Record):
    uv_version: Version
    cache_dir: str | None
    choice: InterpreterChoice | None
    bucket: str | None
    verdicts: tuple[Verdict, ...] | None  # None when nothing was checked
    note: str  # why nothing was checked, when nothing was


def survey(inv: UvInvocation, uv_version: Version, environ: Mapping[str, str],
           cwd: str, state: str | os.PathLike[str]) -> Survey:
    """``cwd`` is uv's working folder (``uv.settings.working_folder``). ``inv`` was parsed for
    ``uv_version``, which refuses a release older than the oldest modelled one."""
    config = load_uv_config(inv.config_file, inv.no_config, environ, uv_version, cwd)
    cache_dir = uv_cache_dir(inv.cache_dir, inv.no_cache, config.cache_dir, environ, cwd,
                             uv_version=uv_version)
    if cache_dir is None:
        return Survey(uv_version, None, None, None, None, "a throw-away cache (--no-cache)")
    query = DiscoveryQuery(inv, environ, cwd, uv_version, config.python_preference,
                           lambda path: identify(path, state))
    if inv.level == Level.UV_RUN:
        # Off the uvx path: the model of `uv run` is imported only for it.
        from uvshim.discovery.uv_run_interpreter import (  # noqa: PLC0415
            NothingCachedError,
            choose_uv_run_interpreter,
        )

        try:
            choice = choose_uv_run_interpreter(query)
        except NothingCachedError as exc:
            return Survey(uv_version, cache_dir, None, None, None, str(exc))
    else:
        choice = choose_tool_run_interpreter(query)
    if choice is None:
        return Survey(uv_version, cache_dir, None, None, None,
                      "uv finds no interpreter here, so nothing cached can be reused")
    bucket = bucket_dir(cache_dir, choice.identity, uv_version, choice.environment)
    verdicts = judge_all(scan_bucket(bucket), choice.identity)
    return Survey(uv_version, cache_dir, choice, bucket, verdicts, "")
