"""What changed in which uv release, for the behaviour uvshim models: one name per change.

Each constant is the first release with the change; the comment says what changed and where
the evidence is (uv's pull request and the integration test that proves it with real
binaries). Code compares with these names, never with a number, so a
change that uv makes again or reverts is edited here once.
"""

from __future__ import annotations

from uvshim.versions import Version

# The range the option table and every rule below were measured on. Older releases are not
# modelled at all (the shim says so and runs uv unchanged); newer ones get the newest one's
# treatment (an option they added is reported as unknown).
OLDEST_KNOWN = Version("0.5.0")
NEWEST_KNOWN = Version("0.13.9")

# Cached tool environments moved from ``environments-v1`` to ``environments-v2`` (#11269).
ENVIRONMENTS_V2 = Version("0.6.0")
# The bucket's hash is of the interpreter's canonical path instead of ``sys_executable`` (#13954).
KEY_IS_CANONICAL_PATH = Version("0.7.14")
# For 0.7.19-0.7.22 the hash was of (canonical executable, canonical prefix) (#14403) ...
KEY_WITH_PREFIX = Version("0.7.19")
# ... and from 0.8.0 of the canonical executable alone again (#14447), unchanged to 0.13.9.
KEY_WITHOUT_PREFIX = Version("0.8.0")
# ``--no-cache`` dropped its temporary cache before spawning the tool ("Failed to spawn") in
# this release only; fixed in 0.8.20 (#15990). tests/integration/test_stale_env.py.
NO_CACHE_CANNOT_RUN_TOOLS = Version("0.8.19")
# An empty HOME counts as unset (the password database's home is used) from this release; up
# to 0.8.18 it was taken as it is, so uv's folders were relative (``.cache/uv``).
EMPTY_HOME_IS_UNSET = Version("0.8.19")
# ``--directory`` could also be given as ``UV_WORKING_DIRECTORY`` from 0.9.2, renamed
# ``UV_WORKING_DIR`` in 0.9.14 (the option table, tests/integration/test_option_drift.py).
WORKING_DIRECTORY_VARIABLE = Version("0.9.2")
WORKING_DIR_VARIABLE = Version("0.9.14")
# ``uvx`` honours the global ``.python-version`` (``<config>/uv/.python-version``), never a
# local one, even with --no-config (#14112; tests/integration/test_discovery_differential.py).
GLOBAL_PIN = Version("0.10.0")
# ``uv run`` reads the global ``.python-version`` after the local ones from the release that
# added it (``PythonVersionFile::discover``, #12115); before, that file means nothing to uv.
UV_RUN_GLOBAL_PIN = Version("0.6.7")
# With no Python requested, ``uvx`` reads the static ``requires-python`` of a source tree it
# runs from (a local directory or Git source; #19577; discovery/tool_source.py).
INFERS_REQUIRES_PYTHON = Version("0.11.17")


# ``uv run`` of a local PEP 723 script: up to 0.5.30 the script's requirements were a cached
# environment (``environments-v1/<interpreter>/<resolution>``, like ``uv run --with``); from
# 0.5.31 each local script has its own persistent environment (``environments-v*/s-<hash>``),
# which uv recreates itself when its interpreter changed (#11347). Scripts from stdin or a URL
# still use cached environments. Checked with real uv 0.5.0 and 0.5.31 to 0.13.9
# (tests/integration/test_uv_run.py).
LOCAL_SCRIPTS_PERSISTENT = Version("0.5.31")
# How ``uv run --with`` finds the base interpreter of a virtual environment for the cached
# environment's bucket: up to 0.5.28 ``sys._base_executable`` when it differs from the
# environment's own executable, else the environment's interpreter itself; from 0.5.29 uv's
# ``find_base_python``, which follows the executable's links until one sits in a folder with
# ``lib/pythonX.Y/os.py`` (#11254; ``crates/uv/src/commands/project/environment.rs``).
BASE_PYTHON_BY_LANDMARK = Version("0.5.29")
# ``UV_ISOLATED`` is the twin of ``uv run --isolated`` from this release, as for
# ``uv tool run --isolated`` (#15428; the option table, tests/integration/test_option_drift.py).
UV_RUN_ISOLATED_VARIABLE = Version("0.8.14")
# ``UV_NO_PROJECT`` is listed by ``uv run --help`` from this release of the matrix; before
# it, ``uv run`` is not verified to read it (tests/integration/test_option_drift.py).
UV_RUN_NO_PROJECT_VARIABLE = Version("0.11.33")
# In a project, a global ``.python-version`` whose version ``requires-python`` excludes is left
# unread ("Ignore global version files that are incompatible with requires-python",
# ``WorkspacePython::from_request`` in ``crates/uv/src/commands/project/mod.rs``; absent at
# 0.9.29).
GLOBAL_PIN_YIELDS_TO_REQUIRES_PYTHON = Version("0.9.30")
# A ``pyproject.toml`` with neither ``[project]`` nor ``[tool.uv.workspace]`` (one that only
# configures tools) is a workspace root without members for ``uv run`` from this release
# (``ProjectDiscovery::Optional``, #14113); before, ``uv run`` fails on it ("No `project` table
# found"). Checked with real uv 0.8.17 and 0.8.18, and the matrix
# (tests/integration/test_discovery_differential.py).
PROJECT_TABLE_OPTIONAL = Version("0.8.18")
# A workspace member folder without a ``pyproject.toml`` (and not hidden) makes uv fail
# ("MissingPyprojectTomlMember") up to 0.10.0; from 0.10.1 uv skips it when the walk with git's
# ignore rules yields no entry (#17901), from 0.10.4 no file (#18051)
# (``has_only_gitignored_files`` in ``crates/uv-workspace/src/workspace.rs``).
MEMBER_WITHOUT_ENTRIES_SKIPPED = Version("0.10.1")
MEMBER_WITHOUT_FILES_SKIPPED = Version("0.10.4")
# A dependency group may have its own ``requires-python`` (``tool.uv.dependency-groups``,
# #13735): the enabled groups' count with the members' (``discovery/dependency_groups.py``);
# before, uv ignores the table.
GROUP_REQUIRES_PYTHON = Version("0.7.14")
# The groups of a virtual workspace root (no ``[project]``) count too, with the same selection:
# measured with real uv 0.12.21 and 0.12.22, from a member's folder and from the root's
# (tests/integration/test_discovery_differential.py, groups-of-a-virtual-root).
ROOT_GROUPS_COUNT = Version("0.12.22")
# ``uv run`` reads ``UV_DEV``/``UV_NO_DEV`` (#15010), ``UV_NO_GROUP`` (#16529) and
# ``UV_NO_DEFAULT_GROUPS`` (#16645) for their flags.
DEV_VARIABLES = Version("0.8.7")
NO_GROUP_VARIABLE = Version("0.9.8")
NO_DEFAULT_GROUPS_VARIABLE = Version("0.9.9")
# uv run remakes a project environment whose pyvenv.cfg records another version than its
# interpreter reports (``get_pyvenv_version_conflict``, #13027) ...
PYVENV_VERSION_CHECKED = Version("0.7.0")
# ... and keeps any valid one, compatible or not, with ``--no-sync`` (#13287). Both
# in ``discovery/kept_environment.py``, checked by tests/integration/test_discovery_differential.py.
NO_SYNC_KEEPS_ENVIRONMENT = Version("0.7.3")
# ``--python <folder>`` is satisfied by an environment whose executable is the folder's, not only
# by the environment at that folder (#11290; ``discovery/kept_environment.py``).
DIRECTORY_SAME_EXECUTABLE = Version("0.5.31")
# A project environment ``.venv`` may be a file naming the environment's folder (#20022): not
# modelled.
ENVIRONMENT_PATH_FILE = Version("0.11.31")


# --- discovery (uv-python) ------------------------------------------------------------------
# A ``.venv`` found from the working folder (``DiscoveredEnvironment``, no explicit source) is
# judged by its base interpreter under ``only-managed``/``only-system`` from this release
# (``satisfies_python_preference``, #7934); before, every preference took it.
NEARBY_ENVIRONMENT_JUDGED = Version("0.8.0")
# ``uvx python`` and ``python@X`` targets run the interpreter itself (#11076); before, ``python``
# was a package name.
PYTHON_TOOL_TARGETS = Version("0.5.26")
# ``python3.12``, ``python312``, ``cpython3.12``, ``pypy@3.10`` targets (#13583).
PYTHON_TOOL_NAMES = Version("0.7.9")
# ``--managed-python`` / ``--no-managed-python`` and ``UV_(NO_)MANAGED_PYTHON``.
MANAGED_PYTHON_FLAGS = Version("0.6.8")
# Managed installations of the default variant sort before the free-threaded and debug ones;
# before, the other variants came first (seen with real 0.5.0 and 0.6.4).
DEFAULT_VARIANT_FIRST = Version("0.6.13")
# Minor-version links (``cpython-3.12-…`` -> the newest patch install) are followed (#13954).
MINOR_VERSION_LINKS = Version("0.7.14")
# Managed installations carry a BUILD file, and ``UV_PYTHON_CPYTHON_BUILD`` pins it (#15314).
MANAGED_BUILD_FILE = Version("0.8.14")
# A managed debug build is only a last resort for a default request; and conda's base
# environment is told by ``_CONDA_ROOT`` and name heuristics instead of its folder's name.
DEBUG_BUILDS_LAST = Version("0.8.18")
CONDA_BASE_HEURISTICS = Version("0.8.18")
# A ``conda-meta/pixi`` file marks a named (pixi) environment.
PIXI_ENVIRONMENTS = Version("0.9.9")
# The ``base``/``root`` name rule for conda's base can be turned off by a preview feature
# (``special-conda-env-names``) from 0.9.29, and is gone from 0.12.0.
CONDA_NAME_RULE_PREVIEW = Version("0.9.29")
CONDA_NAME_RULE_REMOVED = Version("0.12.0")
# Executable names are tried in a sorted order for a request (``python3.12`` before
# ``python3``…).
SORTED_EXECUTABLE_NAMES = Version("0.5.2")
# With ``--python-preference system`` a managed interpreter found on PATH comes after the
# system ones.
SYSTEM_PREFERS_PATH = Version("0.8.5")
# A free-threaded 3.14 (final) is taken for a default request.
FREE_THREADED_314_DEFAULT = Version("0.9.0")
# ``python3.6`` files are scanned by name (the floor was 3.7); and an interpreter found on PATH
# is judged by the preference too (``PythonPreference::allows_interpreter``).
MINOR_NAMES_FROM_3_6 = Version("0.10.12")
PREFERENCE_JUDGES_PATH = Version("0.10.12")
# ``UV_PYTHON_SEARCH_PATH`` replaces PATH for discovery, even when empty (#19034).
PYTHON_SEARCH_PATH = Version("0.11.8")
# Several files of one folder that are the same interpreter are queried as one group.
SAME_FILE_GROUPS = Version("0.12.5")
# A directory request takes ``bin/python`` before ``bin/python3`` (observed in 0.12.24 and
# 0.13.9; 0.12.5 took ``python3`` first; releases between are not known).
DIRECTORY_PYTHON_FIRST = Version("0.12.24")
LAST_DIRECTORY_PYTHON3_FIRST = Version("0.12.5")

def no_cache_works(uv_version: Version) -> bool:
    """Whether ``--no-cache`` runs a tool in a throw-away cache on this release."""
    return uv_version != NO_CACHE_CANNOT_RUN_TOOLS
