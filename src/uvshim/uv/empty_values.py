"""What uv makes of an option given an empty value (``--with ''``, ``--python=``, ``-p ''``).

Measured with every release in ``tests/_support/uv_binaries.MATRIX`` (``uv tool uvx --NAME=
--help``: clap's "a value is required" or "invalid value ''" is a refusal;
``tests/integration/test_empty_values.py`` holds the table to the binaries) and read in
``crates/uv-cli/src/lib.rs`` at the tags 0.5.0 … 0.12.5:

- ``UNSET``: as if the option were not given, its variable twin included (clap reads the
  variable only when the option is absent). ``--python`` is a ``Maybe<String>``
  (``parse_maybe_string``) in every release; ``--with`` and ``--with-editable`` split into
  ``CommaSeparatedRequirements``, which drops empty parts, from 0.5.1
  (``crates/uv-cli/src/comma.rs``, #8946); the requirement files are ``Maybe<PathBuf>``
  (``parse_maybe_file_path``).
- ``REFUSED``: uv stops with a usage error before it reads its cache. clap refuses an empty
  path (``--cache-dir``, ``--directory``, …) or enumeration (``--python-preference``, …),
  and from 0.11.15 an empty package name ("Reject empty string as an invalid package name",
  #19435, ``crates/uv-normalize``); uv's requirement parser refuses ``--from ''``, and
  ``--with ''`` in 0.5.0, where it is a ``Vec<String>`` ("Empty field is not allowed for
  PEP508").
- anything else is a value uv keeps as it is; none of those is read by uvshim's model.
"""

from __future__ import annotations

from uvshim.versions import Version

UNSET = "unset"
REFUSED = "refused"
KEPT = "kept"

# Package names: accepted empty until 0.11.15, refused from it.
_PACKAGE_NAME = (("0.11.15", None, REFUSED),)
_ALWAYS_REFUSED = (("0.5.0", None, REFUSED),)
_REQUIREMENTS = (("0.5.0", "0.5.1", REFUSED), ("0.5.1", None, UNSET))
_MAYBE = (("0.5.0", None, UNSET),)

# name -> ((since, until or None, meaning), ...); a release no row covers keeps the value.
EMPTY_VALUES: dict[str, tuple[tuple[str, str | None, str], ...]] = {
    "python": _MAYBE,
    "with": _REQUIREMENTS,
    "with-editable": _REQUIREMENTS,
    "with-requirements": _MAYBE,
    "constraints": _MAYBE,
    "overrides": _MAYBE,
    "build-constraints": _MAYBE,
    **dict.fromkeys(("no-binary-package", "no-build-isolation-package", "no-build-package",
                     "no-sources-package", "refresh-package", "reinstall-package",
                     "upgrade-group"), _PACKAGE_NAME),
    **dict.fromkeys(("cache-dir", "color", "config-file", "config-setting",
                     "config-settings-package", "directory", "env-file", "exclude-newer",
                     "exclude-newer-package", "fork-strategy", "from",
                     "generate-shell-completion", "index-strategy", "keyring-provider",
                     "link-mode", "prerelease", "prerelease-package", "preview-features",
                     "project", "python-fetch", "python-platform", "python-preference",
                     "resolution", "torch-backend", "upgrade-package"), _ALWAYS_REFUSED),
}


def empty_value_meaning(name: str, uv_version: Version | None) -> str:
    """UNSET, REFUSED or KEPT for ``--name ''`` with this uv (None: newer than any known,
    read as the newest)."""
    for since, until, meaning in EMPTY_VALUES.get(name, ()):
        if uv_version is None:
            if until is None:
                return meaning
            continue
        if Version(since) <= uv_version and (until is None or uv_version < Version(until)):
            return meaning
    return KEPT
