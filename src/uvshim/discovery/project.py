"""The project ``uv run`` runs in, its environment, and the base interpreter of an environment.

A model of ``VirtualProject::discover`` and ``ProjectEnvironment::get_or_init``
(``crates/uv-workspace/src/workspace.rs``, ``crates/uv/src/commands/project/mod.rs``) and of
``CachedEnvironment::base_interpreter`` (``crates/uv/src/commands/project/environment.rs``),
read at the tags 0.5.0, 0.5.29, 0.5.31, 0.6.4 and 0.12.5 of the uv repository and checked
with real uv 0.5.0 to 0.13.9 by ``tests/integration/test_uv_run.py`` and
``tests/integration/test_discovery_differential.py``.

A project is a ``pyproject.toml`` with a ``[project]`` table, alone or in a workspace
(``workspace.py``: the root found from a member, and its members); its ``requires-python`` is
every member's together with that of the dependency groups the command enables
(``dependency_groups.py``); its environment is the workspace root's ``.venv`` or
``UV_PROJECT_ENVIRONMENT``. A project with
``tool.uv.managed = false`` is no project to ``uv run``. A ``pyproject.toml`` with neither a
``[project]`` table nor a workspace (one that only configures tools) is, from 0.8.18, the root
of a workspace without members (``ProjectDiscovery::Optional``, #14113): its environment is its
``.venv``, and no ``requires-python`` applies; before 0.8.18 ``uv run`` fails on it ("No
`project` table found") unless ``--no-project`` is given.
"""

from __future__ import annotations

import os

from uvshim.discovery.dependency_groups import (
    NAMED_NONE,
    EnabledGroups,
    GroupSelection,
    enabled_groups,
    groups_requires_python,
    has_group_settings,
    normalized,
)
from uvshim.discovery.shim_resolution import ancestors
from uvshim.discovery.workspace import (
    PYPROJECT,
    project_requires_python,
    uv_table,
    workspace_members,
    workspace_root_above,
)
from uvshim.errors import UndecidableError, UvRefusesError
from uvshim.record import Record
from uvshim.uv.releases import (
    BASE_PYTHON_BY_LANDMARK,
    GROUP_REQUIRES_PYTHON,
    PROJECT_TABLE_OPTIONAL,
    ROOT_GROUPS_COUNT,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from uvshim.versions import Version

class Project(Record):
    root: str  # the workspace root: the project's own folder when it stands alone
    requires_python: str | None  # of every member and enabled group together
    environment: str  # the project environment's folder (it may not exist yet)


def find_project(start: str, environ: Mapping[str, str], uv_version: Version,
                 groups: GroupSelection = NAMED_NONE, package: str | None = None
                 ) -> Project | None:
    """The project uv finds from ``start`` (the nearest ``pyproject.toml`` above it), as its
    workspace, or None when uv runs outside any project. ``groups`` are the dependency groups
    the command names, ``package`` the member ``--package`` names."""
    for folder in ancestors(start):
        path = os.path.join(folder, PYPROJECT)
        if os.path.isfile(path):
            found = _workspace_of(folder, _read_toml(path), uv_version)
            if found is None:
                return None
            root, members, here = found
            owners = _group_owners(root, members, uv_version)
            requires = _requires_python(members, owners, here, groups, package)
            return Project(root[0], requires, project_environment(root[0], environ))
    return None


_Member = tuple[str, dict[str, object]]  # a member's folder and parsed pyproject.toml


def _workspace_of(folder: str, data: dict[str, object], uv_version: Version
                  ) -> tuple[_Member, list[_Member], _Member] | None:
    """The workspace root, its members, and the project uv runs for, from the
    ``pyproject.toml`` in ``folder``; None when it is no project to ``uv run``."""
    path = os.path.join(folder, PYPROJECT)
    uv = uv_table(data, path)
    here = (folder, data)
    if "project" not in data:
        if "workspace" not in uv:
            if uv_version < PROJECT_TABLE_OPTIONAL:
                raise UvRefusesError(f"{path} has no [project] table, which uv {uv_version} "
                                     "refuses")
            data = {**data, "tool": {"uv": {**uv, "workspace": {}}}}
        return here, workspace_members(folder, data, _read_toml, uv_version), here
    if uv.get("managed") is False:
        return None  # ``NonWorkspace``: uv run goes on as outside a project (0.5.0-0.12.5)
    if "workspace" in uv:
        return here, workspace_members(folder, data, _read_toml, uv_version), here
    above = workspace_root_above(folder, _read_toml)
    if above is not None:
        return above, workspace_members(*above, _read_toml, uv_version), here
    return here, [here], here


def _named_member(members: list[_Member], package: str) -> _Member:
    for member in members:
        name = member[1].get("project", {})
        if isinstance(name, dict) and normalized(str(name.get("name", ""))) == normalized(package):
            return member
    raise UndecidableError(f"the workspace has no member named {package}")


def _group_owners(root: _Member, members: list[_Member], uv_version: Version) -> list[_Member]:
    """Whose dependency groups' ``requires-python`` counts: none before 0.7.14, then every
    member's, and from 0.12.22 a virtual root's too (``dependency_groups.py``)."""
    if uv_version < GROUP_REQUIRES_PYTHON:
        return []
    virtual = "project" not in root[1]
    if virtual and uv_version >= ROOT_GROUPS_COUNT:
        return [*members, root]
    return members


def _requires_python(members: list[_Member], owners: list[_Member], here: _Member,
                     groups: GroupSelection, package: str | None) -> str | None:
    """Every member's ``requires-python`` and that of every enabled group, joined (their
    intersection); None when there is none. The default groups are those of the project run
    for: ``package``, else the one found ``here``."""
    found = [project_requires_python(data, os.path.join(folder, PYPROJECT))
             for folder, data in members]
    enabled: list[EnabledGroups] = []  # worked out once, when a group needs it
    for folder, data in owners:
        path = os.path.join(folder, PYPROJECT)
        if has_group_settings(data, path):
            if not enabled:
                current = here if package is None else _named_member(members, package)
                enabled.append(enabled_groups(groups, current[1],
                                              os.path.join(current[0], PYPROJECT)))
            found += groups_requires_python(data, path, enabled[0])
    specifiers = [text for text in found if text is not None]
    return ", ".join(specifiers) if specifiers else None


def project_environment(root: str, environ: Mapping[str, str]) -> str:
    """``UV_PROJECT_ENVIRONMENT`` (relative to the project root), else ``<root>/.venv``."""
    chosen = environ.get("UV_PROJECT_ENVIRONMENT")
    if chosen:
        if chosen.startswith("~"):
            raise UndecidableError("UV_PROJECT_ENVIRONMENT starts with '~'; not modelled")
        return os.path.normpath(os.path.join(root, chosen))
    return os.path.join(root, ".venv")


def _read_toml(path: str) -> dict[str, object]:
    from uvshim.uv.settings import parse_toml  # noqa: PLC0415  -- tomllib only in a project

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UndecidableError(f"cannot read {path}: {exc}") from None
    return parse_toml(path, text)


# --- the base interpreter of a virtual environment -------------------------------------------


def environment_python(root: str) -> str | None:
    """The executable uv queries in a virtual environment: ``bin/python3``, else ``bin/python``
    (``virtualenv_python_executable``, unchanged 0.5.0-0.12.5); None when the environment is
    missing or its executable leads nowhere (then uv creates or recreates it)."""
    if not os.path.isfile(os.path.join(root, "pyvenv.cfg")):
        return None
    for name in ("python3", "python"):
        path = os.path.join(root, "bin", name)
        if os.path.lexists(path):
            return path if os.path.isfile(path) else None
    return None


def base_python(executable: str, minor: tuple[int, int], uv_version: Version) -> str:
    """The executable whose bucket holds the cached environments ``uv run --with`` layers on
    a virtual environment whose interpreter is ``executable`` (CPython ``minor``).

    ``sys._base_executable`` of a virtual environment's CPython is the target of its
    executable's links from 3.11 (getpath.py), and the executable itself up to 3.10: checked
    with pyenv's CPython 3.10 to 3.13 in both layouts. Up to 0.5.28 uv uses that; from 0.5.29
    it follows links from there until a folder above holds ``lib/pythonX.Y/os.py``
    (``find_base_python``, ``releases.BASE_PYTHON_BY_LANDMARK``).
    """
    start = os.path.realpath(executable) if minor >= (3, 11) else executable
    if uv_version < BASE_PYTHON_BY_LANDMARK:
        return start
    return follow_to_landmark(start, minor)


def follow_to_landmark(path: str, minor: tuple[int, int]) -> str:
    landmark = os.path.join("lib", f"python{minor[0]}.{minor[1]}", "os.py")
    for _ in range(40):  # uv follows without a bound; a loop makes it fail, and us give up
        if _has_landmark(path, landmark):
            return path
        try:
            target = os.readlink(path)
        except OSError:
            return os.path.realpath(path)  # uv: "Failed to find base Python", then canonical
        path = os.path.normpath(os.path.join(os.path.dirname(path), target))
    raise UndecidableError(f"{path}: too many levels of links")


def _has_landmark(path: str, landmark: str) -> bool:
    # Every ancestor but the root, as uv.
    return any(os.path.isfile(os.path.join(folder, landmark))
               for folder in ancestors(os.path.dirname(path))[:-1])
