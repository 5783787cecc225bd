"""The options of ``uv run`` itself, with the releases that list them (the global options are
rows of ``options.OPTIONS``, which also apply after ``uv run``).

Measured, not read off documentation: every release in ``tests/_support/uv_binaries.MATRIX``
was asked for ``uv run --help`` (the options it lists, their short forms, whether they take
a value and their ``[env: …]`` twins) and, for each option, ``uv run --NAME=v --NAME=v
--help`` ("cannot be used multiple times" unless it repeats; where clap rejected the value
``v`` itself, the repetition is that of the same option in ``uv tool run``).
``tests/integration/test_option_drift.py`` compares this table with the help of each release.

Where a row starts or ends: options shared with ``uv tool run`` (the resolver and installer
arguments, one clap struct in ``crates/uv-cli/src/lib.rs``) change in the same release, so
they take the bisected bounds of ``options.OPTIONS``; every other bound is the first release
of the matrix that lists the change. That bound is conservative: on a release between two of
the matrix an option it already had may be reported unknown, and uv then runs unchanged.
Hidden options and aliases of ``uv run`` are not in the table (unknown: uv runs unchanged).
"""

from __future__ import annotations

from uvshim.uv.options import Level, UvOption

TYPE_CHECKING = False
if TYPE_CHECKING:
    from uvshim.uv.options import LevelName

_UV_RUN: frozenset[LevelName] = frozenset({Level.UV_RUN})

UV_RUN_OPTIONS: tuple[UvOption, ...] = (
    UvOption("active", since="0.6.4", levels=_UV_RUN),
    UvOption("all-extras", levels=_UV_RUN),
    UvOption("all-groups", since="0.6.4", levels=_UV_RUN),
    UvOption("all-packages", levels=_UV_RUN),
    UvOption("compile-bytecode", env="UV_COMPILE_BYTECODE", levels=_UV_RUN),
    UvOption("config-setting", short="C", takes_value=True, repeatable=True, levels=_UV_RUN),
    UvOption(
        "config-settings-package", takes_value=True, repeatable=True, since="0.8.1", levels=_UV_RUN
    ),
    UvOption("default-index", takes_value=True, env="UV_DEFAULT_INDEX", levels=_UV_RUN),
    UvOption("env-file", takes_value=True, repeatable=True, env="UV_ENV_FILE", levels=_UV_RUN),
    UvOption("exact", since="0.6.4", levels=_UV_RUN),
    UvOption("exclude-newer", takes_value=True, env="UV_EXCLUDE_NEWER", levels=_UV_RUN),
    UvOption(
        "exclude-newer-package", takes_value=True, repeatable=True, since="0.8.5", levels=_UV_RUN
    ),
    UvOption("extra", takes_value=True, repeatable=True, levels=_UV_RUN),
    UvOption(
        "extra-index-url",
        takes_value=True,
        repeatable=True,
        env="UV_EXTRA_INDEX_URL",
        levels=_UV_RUN,
    ),
    UvOption(
        "find-links",
        short="f",
        takes_value=True,
        repeatable=True,
        env="UV_FIND_LINKS",
        levels=_UV_RUN,
    ),
    UvOption(
        "fork-strategy", takes_value=True, env="UV_FORK_STRATEGY", since="0.5.9", levels=_UV_RUN
    ),
    UvOption("frozen", env="UV_FROZEN", levels=_UV_RUN),
    UvOption("group", takes_value=True, repeatable=True, levels=_UV_RUN),
    UvOption("gui-script", since="0.6.4", levels=_UV_RUN),
    UvOption("index", takes_value=True, repeatable=True, env="UV_INDEX", levels=_UV_RUN),
    UvOption("index-strategy", takes_value=True, env="UV_INDEX_STRATEGY", levels=_UV_RUN),
    UvOption("index-url", short="i", takes_value=True, env="UV_INDEX_URL", levels=_UV_RUN),
    UvOption("isolated", until="0.8.14", levels=_UV_RUN),
    UvOption("isolated", env="UV_ISOLATED", since="0.8.14", levels=_UV_RUN),
    UvOption("keyring-provider", takes_value=True, env="UV_KEYRING_PROVIDER", levels=_UV_RUN),
    UvOption("link-mode", takes_value=True, env="UV_LINK_MODE", levels=_UV_RUN),
    UvOption("locked", env="UV_LOCKED", levels=_UV_RUN),
    UvOption("module", short="m", levels=_UV_RUN),
    UvOption("no-binary", until="0.5.31", levels=_UV_RUN),
    UvOption("no-binary", env="UV_NO_BINARY", since="0.5.31", levels=_UV_RUN),
    UvOption(
        "no-binary-package", takes_value=True, repeatable=True, until="0.5.31", levels=_UV_RUN
    ),
    UvOption(
        "no-binary-package",
        takes_value=True,
        repeatable=True,
        env="UV_NO_BINARY_PACKAGE",
        since="0.5.31",
        levels=_UV_RUN,
    ),
    UvOption("no-build", until="0.6.5", levels=_UV_RUN),
    UvOption("no-build", env="UV_NO_BUILD", since="0.6.5", levels=_UV_RUN),
    UvOption("no-build-isolation", env="UV_NO_BUILD_ISOLATION", levels=_UV_RUN),
    UvOption("no-build-isolation-package", takes_value=True, repeatable=True, levels=_UV_RUN),
    UvOption("no-build-package", takes_value=True, repeatable=True, until="0.6.5", levels=_UV_RUN),
    UvOption(
        "no-build-package",
        takes_value=True,
        repeatable=True,
        env="UV_NO_BUILD_PACKAGE",
        since="0.6.5",
        levels=_UV_RUN,
    ),
    UvOption("no-default-groups", since="0.6.4", until="0.9.30", levels=_UV_RUN),
    UvOption("no-default-groups", env="UV_NO_DEFAULT_GROUPS", since="0.9.30", levels=_UV_RUN),
    UvOption("no-dev", until="0.8.17", levels=_UV_RUN),
    UvOption("no-dev", env="UV_NO_DEV", since="0.8.17", levels=_UV_RUN),
    UvOption("no-editable", until="0.7.13", levels=_UV_RUN),
    UvOption("no-editable", env="UV_NO_EDITABLE", since="0.7.13", levels=_UV_RUN),
    UvOption(
        "no-editable-package", takes_value=True, repeatable=True, since="0.11.33", levels=_UV_RUN
    ),
    UvOption("no-env-file", env="UV_NO_ENV_FILE", levels=_UV_RUN),
    UvOption("no-extra", takes_value=True, repeatable=True, since="0.6.4", levels=_UV_RUN),
    UvOption("no-group", takes_value=True, repeatable=True, until="0.9.30", levels=_UV_RUN),
    UvOption(
        "no-group",
        takes_value=True,
        repeatable=True,
        env="UV_NO_GROUP",
        since="0.9.30",
        levels=_UV_RUN,
    ),
    UvOption("no-index", levels=_UV_RUN),
    UvOption("no-project", until="0.11.33", levels=_UV_RUN),
    UvOption("no-project", env="UV_NO_PROJECT", since="0.11.33", levels=_UV_RUN),
    UvOption("no-require-build-hashes", since="0.13.1", levels=_UV_RUN),
    UvOption("no-sources", until="0.9.8", levels=_UV_RUN),
    UvOption("no-sources", env="UV_NO_SOURCES", since="0.9.8", levels=_UV_RUN),
    UvOption(
        "no-sources-package",
        takes_value=True,
        repeatable=True,
        env="UV_NO_SOURCES_PACKAGE",
        since="0.9.26",
        levels=_UV_RUN,
    ),
    UvOption("no-sync", env="UV_NO_SYNC", levels=_UV_RUN),
    UvOption("only-dev", levels=_UV_RUN),
    UvOption("only-group", takes_value=True, repeatable=True, levels=_UV_RUN),
    UvOption("package", takes_value=True, levels=_UV_RUN),
    UvOption("prerelease", takes_value=True, env="UV_PRERELEASE", levels=_UV_RUN),
    UvOption(
        "prerelease-package", takes_value=True, repeatable=True, since="0.12.2", levels=_UV_RUN
    ),
    UvOption("python", short="p", takes_value=True, env="UV_PYTHON", levels=_UV_RUN),
    UvOption("python-platform", takes_value=True, since="0.8.15", levels=_UV_RUN),
    UvOption("refresh", levels=_UV_RUN),
    UvOption("refresh-package", takes_value=True, repeatable=True, levels=_UV_RUN),
    UvOption("reinstall", levels=_UV_RUN),
    UvOption("reinstall-package", takes_value=True, repeatable=True, levels=_UV_RUN),
    UvOption("require-build-hashes", since="0.13.1", levels=_UV_RUN),
    UvOption("resolution", takes_value=True, env="UV_RESOLUTION", levels=_UV_RUN),
    UvOption("script", short="s", levels=_UV_RUN),
    UvOption("upgrade", short="U", levels=_UV_RUN),
    UvOption("upgrade-group", takes_value=True, repeatable=True, since="0.11.5", levels=_UV_RUN),
    UvOption("upgrade-package", short="P", takes_value=True, repeatable=True, levels=_UV_RUN),
    UvOption("with", takes_value=True, repeatable=True, until="0.7.22", levels=_UV_RUN),
    UvOption("with", short="w", takes_value=True, repeatable=True, since="0.7.22", levels=_UV_RUN),
    UvOption("with-editable", takes_value=True, repeatable=True, levels=_UV_RUN),
    UvOption("with-requirements", takes_value=True, repeatable=True, levels=_UV_RUN),
)
