"""The options uv accepts for ``uvx`` / ``uv tool run``, with the releases that accept them.

Every row was measured, not read off documentation: each uv release from 0.5.0 to 0.13.9 in
``tests/_support/uv_binaries.MATRIX``, plus the releases found by bisecting between them
wherever the accepted options differed, was asked with clap's own errors:

- ``uv tool uvx --NAME --help``: "unexpected argument" (unknown), "a value is required for
  '--CANONICAL'" (takes a value; names the canonical option of an alias), or help (a flag);
- ``--NAME=v --NAME=v --help``: "cannot be used multiple times" unless the option repeats;
- ``uv --NAME tool uvx --help``: accepted before ``tool`` only if the option is global;
- ``uv tool uvx -X --help`` for every letter and digit, for the short forms;
- the same with ``uv tool run``.

Candidate names came from every ``long``/``alias`` in ``crates/uv-cli/src/lib.rs`` at the tags
0.5.0 … 0.12.5 (hidden options included), from each release's ``uv tool run --help``, and
their ``no-`` twins. The environment variable twins come from the ``[env: …]`` notes of
``uv tool run --help`` and, for hidden options, from ``env = EnvVars::…`` in that source.
``--preview-features`` is global (``global = true`` in that source); from 0.9.28 to 0.11.19 it
rejects unknown feature names, which hid it from the probe before ``tool``. The twin of
``--no-python-downloads`` is ``UV_PYTHON_DOWNLOADS=never``.
A row holds from ``since`` up to, not including, ``until``; a later change (a new short
form, ``-q`` starting to count) starts a new row. ``tests/integration/test_option_drift.py``
compares the table with the help of each release in the matrix.
"""

from __future__ import annotations

from uvshim.record import Record
from uvshim.uv.releases import NEWEST_KNOWN
from uvshim.versions import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Final, Literal

    LevelName = Literal["uv", "tool", "tool-run", "uvx", "uv-run"]
    ActionName = Literal["set", "help", "version"]
else:
    LevelName = ActionName = str

__all__ = [
    "OPTIONS",
    "Action",
    "Level",
    "OptionLookup",
    "UvOption",
    "options_for",
]



class Level:
    """Where on the command line an option stands (plain strings: ``enum`` is a dear import
    on the hot path)."""

    UV: Final = "uv"  # before `tool`
    TOOL: Final = "tool"  # between `tool` and `run`
    TOOL_RUN: Final = "tool-run"  # after `uv tool run`
    UVX: Final = "uvx"  # after `uvx` or `uv tool uvx`
    UV_RUN: Final = "uv-run"  # after `uv run` (its own options: ``uv/uv_run_options.py``)


class Action:
    SET: Final = "set"
    HELP: Final = "help"  # clap prints help and exits as soon as it sees it
    VERSION: Final = "version"


_GLOBAL: frozenset[LevelName] = frozenset(
    {Level.UV, Level.TOOL, Level.TOOL_RUN, Level.UVX, Level.UV_RUN})
_TOOL_RUN: frozenset[LevelName] = frozenset({Level.TOOL_RUN, Level.UVX})


class UvOption(Record):
    """One uv option, as accepted by the releases from ``since`` up to ``until``."""

    name: str  # canonical long name, without dashes
    short: str | None = None
    aliases: tuple[str, ...] = ()  # other long names (clap aliases, all hidden)
    # A value, when taken, is required: no option of `uvx` takes an optional one in any release
    # checked (`--color` alone is "a value is required" from 0.5.0 to 0.13.9).
    takes_value: bool = False
    repeatable: bool = False  # clap Append or Count; otherwise a second use is an error
    env: str | None = None
    since: str = "0.5.0"
    until: str | None = None
    levels: frozenset[LevelName] = _TOOL_RUN
    hidden: bool = False  # not listed by `uv tool run --help`
    conflicts: tuple[str, ...] = ()  # canonical names clap rejects at the same level
    action: ActionName = Action.SET

    def exists_in(self, version: Version) -> bool:
        if version < _release(self.since):
            return False
        return self.until is None or version < _release(self.until)


_RELEASES: dict[str, Version] = {}


def _release(text: str) -> Version:
    """The table names a few releases in many places: parse each once per process."""
    parsed = _RELEASES.get(text)
    if parsed is None:
        parsed = _RELEASES[text] = Version(text)
    return parsed


class OptionLookup(Record):
    longs: Mapping[str, UvOption]
    shorts: Mapping[str, UvOption]
    version: Version | None  # the release the table is for; None: newer than any known


_LOOKUPS: dict[tuple[Version | None, LevelName], OptionLookup] = {}


def options_for(version: Version | None, level: LevelName,
                extra: tuple[UvOption, ...] = ()) -> OptionLookup:
    """The options uv ``version`` accepts at ``level``; None means the newest known table.

    ``extra`` rows join the table (``uv run``'s own, ``uv_run_options``, for ``Level.UV_RUN``).
    Before ``OLDEST_KNOWN`` nothing is known, and the lookup is empty.
    """
    cached = _LOOKUPS.get((version, level))
    if cached is None:
        cached = _LOOKUPS[version, level] = _build_lookup(version, level, OPTIONS + extra)
    return cached


def _build_lookup(version: Version | None, level: LevelName,
                  table: tuple[UvOption, ...]) -> OptionLookup:
    known = version is not None and version <= NEWEST_KNOWN
    effective = version if version is not None and known else NEWEST_KNOWN
    longs: dict[str, UvOption] = {}
    shorts: dict[str, UvOption] = {}
    for option in table:
        if level in option.levels and option.exists_in(effective):
            for name in (option.name, *option.aliases):
                longs[name] = option
            if option.short is not None:
                shorts[option.short] = option
    return OptionLookup(longs, shorts, effective if known else None)


OPTIONS: tuple[UvOption, ...] = (
    # Global options: also accepted before `tool` and between `tool` and `run`.
    UvOption(
        "allow-insecure-host",
        aliases=("trusted-host",),
        takes_value=True,
        repeatable=True,
        env="UV_INSECURE_HOST",
        levels=_GLOBAL,
    ),
    UvOption("allow-python-downloads", levels=_GLOBAL, hidden=True),
    UvOption("cache-dir", takes_value=True, env="UV_CACHE_DIR", levels=_GLOBAL),
    UvOption("color", takes_value=True, levels=_GLOBAL, conflicts=("no-color",)),
    UvOption("config-file", takes_value=True, env="UV_CONFIG_FILE", levels=_GLOBAL),
    UvOption("directory", takes_value=True, until="0.9.2", levels=_GLOBAL),
    UvOption(
        "directory",
        takes_value=True,
        env="UV_WORKING_DIRECTORY",
        since="0.9.2",
        until="0.9.14",
        levels=_GLOBAL,
    ),
    UvOption("directory", takes_value=True, env="UV_WORKING_DIR", since="0.9.14", levels=_GLOBAL),
    UvOption("help", short="h", levels=_GLOBAL, action=Action.HELP),
    UvOption(
        "managed-python",
        env="UV_MANAGED_PYTHON",
        since="0.6.8",
        levels=_GLOBAL,
        conflicts=("python-preference",),
    ),
    UvOption("native-tls", env="UV_NATIVE_TLS", until="0.11.1", levels=_GLOBAL),
    UvOption("native-tls", env="UV_NATIVE_TLS", since="0.11.1", levels=_GLOBAL, hidden=True),
    UvOption("no-cache", short="n", aliases=("no-cache-dir",), env="UV_NO_CACHE", levels=_GLOBAL),
    UvOption("no-color", levels=_GLOBAL, hidden=True, conflicts=("color",)),
    UvOption("no-config", env="UV_NO_CONFIG", levels=_GLOBAL),
    UvOption(
        "no-installer-metadata",
        env="UV_NO_INSTALLER_METADATA",
        since="0.5.7",
        levels=_GLOBAL,
        hidden=True,
    ),
    UvOption(
        "no-managed-python",
        env="UV_NO_MANAGED_PYTHON",
        since="0.6.8",
        levels=_GLOBAL,
        conflicts=("python-preference",),
    ),
    UvOption("no-native-tls", levels=_GLOBAL, hidden=True),
    UvOption("no-offline", levels=_GLOBAL, hidden=True),
    UvOption("no-preview", levels=_GLOBAL, hidden=True),
    UvOption("no-progress", env="UV_NO_PROGRESS", levels=_GLOBAL),
    UvOption("no-python-downloads", env="UV_PYTHON_DOWNLOADS", levels=_GLOBAL),
    UvOption("no-system-certs", since="0.11.1", levels=_GLOBAL, hidden=True),
    UvOption("offline", until="0.5.9", levels=_GLOBAL),
    UvOption("offline", env="UV_OFFLINE", since="0.5.9", levels=_GLOBAL),
    UvOption("preview", env="UV_PREVIEW", levels=_GLOBAL, hidden=True),
    UvOption(
        "preview-features",
        aliases=("preview-feature",),
        takes_value=True,
        repeatable=True,
        env="UV_PREVIEW_FEATURES",
        since="0.8.5",
        levels=_GLOBAL,
        hidden=True,
    ),
    UvOption("project", takes_value=True, until="0.6.11", levels=_GLOBAL),
    UvOption("project", takes_value=True, env="UV_PROJECT", since="0.6.11", levels=_GLOBAL),
    UvOption("python-fetch", takes_value=True, levels=_GLOBAL, hidden=True),
    UvOption(
        "python-preference",
        takes_value=True,
        env="UV_PYTHON_PREFERENCE",
        until="0.6.8",
        levels=_GLOBAL,
        conflicts=(
            "managed-python",
            "no-managed-python",
        ),
    ),
    UvOption(
        "python-preference",
        takes_value=True,
        env="UV_PYTHON_PREFERENCE",
        since="0.6.8",
        levels=_GLOBAL,
        hidden=True,
        conflicts=(
            "managed-python",
            "no-managed-python",
        ),
    ),
    UvOption("quiet", short="q", until="0.6.11", levels=_GLOBAL, conflicts=("verbose",)),
    UvOption(
        "quiet", short="q", repeatable=True, since="0.6.11", levels=_GLOBAL, conflicts=("verbose",)
    ),
    UvOption("show-settings", levels=_GLOBAL, hidden=True),
    UvOption("system-certs", env="UV_SYSTEM_CERTS", since="0.11.1", levels=_GLOBAL),
    UvOption("verbose", short="v", repeatable=True, levels=_GLOBAL, conflicts=("quiet",)),
    UvOption("version", short="V", until="0.7.0", levels=_GLOBAL, action=Action.VERSION),
    # Options of `tool run` / `uvx` only (and `--version`, which `uv` itself takes too).
    UvOption("binary", hidden=True),
    UvOption("build", hidden=True),
    UvOption(
        "build-constraints",
        short="b",
        aliases=("build-constraint",),
        takes_value=True,
        repeatable=True,
        env="UV_BUILD_CONSTRAINT",
        since="0.6.15",
    ),
    UvOption("build-isolation", hidden=True),
    UvOption("compile-bytecode", aliases=("compile",), env="UV_COMPILE_BYTECODE"),
    UvOption(
        "config-setting", short="C", aliases=("config-settings",), takes_value=True, repeatable=True
    ),
    UvOption("config-settings-package", takes_value=True, repeatable=True, since="0.8.1"),
    UvOption(
        "constraints",
        short="c",
        aliases=("constraint",),
        takes_value=True,
        repeatable=True,
        env="UV_CONSTRAINT",
        since="0.6.5",
    ),
    UvOption("default-index", takes_value=True, env="UV_DEFAULT_INDEX"),
    UvOption("env-file", takes_value=True, repeatable=True, env="UV_ENV_FILE", since="0.6.10"),
    UvOption("exclude-newer", takes_value=True, env="UV_EXCLUDE_NEWER"),
    UvOption("exclude-newer-package", takes_value=True, repeatable=True, since="0.8.5"),
    UvOption("extra-index-url", takes_value=True, repeatable=True, env="UV_EXTRA_INDEX_URL"),
    UvOption("find-links", short="f", takes_value=True, repeatable=True, env="UV_FIND_LINKS"),
    UvOption("fork-strategy", takes_value=True, env="UV_FORK_STRATEGY", since="0.5.9"),
    UvOption("from", takes_value=True),
    UvOption("generate-shell-completion", takes_value=True, hidden=True),
    UvOption("index", takes_value=True, repeatable=True, env="UV_INDEX"),
    UvOption("index-strategy", takes_value=True, env="UV_INDEX_STRATEGY"),
    UvOption("index-url", short="i", takes_value=True, env="UV_INDEX_URL"),
    UvOption("isolated", until="0.8.14"),
    UvOption("isolated", env="UV_ISOLATED", since="0.8.14"),
    UvOption("keyring-provider", takes_value=True, env="UV_KEYRING_PROVIDER"),
    UvOption("lfs", env="UV_GIT_LFS", since="0.9.16", until="0.9.18"),
    UvOption("lfs", since="0.9.18"),
    UvOption("link-mode", takes_value=True, env="UV_LINK_MODE"),
    UvOption("no-binary", until="0.5.31"),
    UvOption("no-binary", env="UV_NO_BINARY", since="0.5.31"),
    UvOption("no-binary-package", takes_value=True, repeatable=True, until="0.5.31"),
    UvOption(
        "no-binary-package",
        takes_value=True,
        repeatable=True,
        env="UV_NO_BINARY_PACKAGE",
        since="0.5.31",
    ),
    UvOption("no-build", until="0.6.5"),
    UvOption("no-build", env="UV_NO_BUILD", since="0.6.5"),
    UvOption("no-build-isolation", env="UV_NO_BUILD_ISOLATION"),
    UvOption("no-build-isolation-package", takes_value=True, repeatable=True),
    UvOption("no-build-package", takes_value=True, repeatable=True, until="0.6.5"),
    UvOption(
        "no-build-package",
        takes_value=True,
        repeatable=True,
        env="UV_NO_BUILD_PACKAGE",
        since="0.6.5",
    ),
    UvOption("no-compile-bytecode", aliases=("no-compile",), hidden=True),
    UvOption("no-env-file", env="UV_NO_ENV_FILE", since="0.6.10"),
    UvOption("no-index"),
    UvOption("no-refresh", hidden=True),
    UvOption("no-reinstall", hidden=True),
    UvOption("no-require-build-hashes", since="0.13.1"),
    UvOption("no-sources", until="0.9.8"),
    UvOption("no-sources", env="UV_NO_SOURCES", since="0.9.8"),
    UvOption(
        "no-sources-package",
        takes_value=True,
        repeatable=True,
        env="UV_NO_SOURCES_PACKAGE",
        since="0.9.26",
    ),
    UvOption("no-upgrade", hidden=True),
    UvOption(
        "overrides",
        aliases=("override",),
        takes_value=True,
        repeatable=True,
        env="UV_OVERRIDE",
        since="0.6.5",
    ),
    UvOption("pre", hidden=True),
    UvOption("prerelease", takes_value=True, env="UV_PRERELEASE"),
    UvOption("prerelease-package", takes_value=True, repeatable=True, since="0.12.2"),
    UvOption("python", short="p", takes_value=True, env="UV_PYTHON"),
    UvOption("python-platform", takes_value=True, since="0.8.15"),
    UvOption("refresh"),
    UvOption("refresh-package", takes_value=True, repeatable=True),
    UvOption("reinstall", aliases=("force-reinstall",)),
    UvOption("reinstall-package", takes_value=True, repeatable=True),
    UvOption("require-build-hashes", since="0.13.1"),
    UvOption("resolution", takes_value=True, env="UV_RESOLUTION"),
    UvOption("show-resolution", hidden=True),
    UvOption("torch-backend", takes_value=True, env="UV_TORCH_BACKEND", since="0.9.20"),
    UvOption("upgrade", short="U"),
    UvOption("upgrade-group", takes_value=True, repeatable=True, since="0.11.5"),
    UvOption("upgrade-package", short="P", takes_value=True, repeatable=True),
    UvOption(
        "version",
        short="V",
        since="0.7.0",
        levels=frozenset({Level.UV, Level.UVX}),
        action=Action.VERSION,
    ),
    UvOption("with", takes_value=True, repeatable=True, until="0.7.22"),
    UvOption("with", short="w", takes_value=True, repeatable=True, since="0.7.22"),
    UvOption("with-editable", takes_value=True, repeatable=True),
    UvOption("with-requirements", takes_value=True, repeatable=True),
)
