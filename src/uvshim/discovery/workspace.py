"""The uv workspace a project belongs to: its root and its members.

A model of ``ProjectWorkspace::from_project``, ``find_workspace``, ``is_included_in_workspace``,
``WorkspaceExclusions`` and ``Workspace::collect_members`` (``crates/uv-workspace/src/
workspace.rs``, read at 0.5.0, 0.6.4, 0.8.0 and 0.12.5; the same rules in each), checked with
real uv by ``tests/integration/test_discovery_differential.py`` and
``tests/integration/test_uv_run_layouts.py``:

- a project whose ``pyproject.toml`` has ``[tool.uv.workspace]`` is a workspace root itself;
- otherwise uv reads the first ``pyproject.toml`` above the project's folder, and only that
  one: when it declares a workspace whose ``members`` globs match the project's folder and
  whose ``exclude`` globs do not, that is the root; anything else leaves the project alone;
- the members are the root when it has a ``[project]`` table, and every folder the ``members``
  globs match and ``exclude`` does not, holding a ``pyproject.toml`` that is not
  ``tool.uv.managed = false`` (their ``requires-python`` together: ``project.py``).

Globs are matched and walked as uv's ``glob`` crate does (``workspace_globs.py``). A member
folder without a ``pyproject.toml`` is skipped or refused per release
(``_refuse_member_without_pyproject``; which files git ignores there, git says).
"""

from __future__ import annotations

import os

from uvshim.discovery.git_ignore import git_ignored
from uvshim.discovery.shim_resolution import ancestors
from uvshim.discovery.workspace_globs import expand, full_match
from uvshim.errors import UndecidableError, UvRefusesError
from uvshim.uv.releases import MEMBER_WITHOUT_ENTRIES_SKIPPED, MEMBER_WITHOUT_FILES_SKIPPED

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from uvshim.versions import Version

    Table = dict[str, object]
    ReadToml = Callable[[str], Table]

PYPROJECT = "pyproject.toml"


def uv_table(data: Table, path: str) -> Table:
    """``[tool.uv]`` of a parsed ``pyproject.toml`` (empty when absent)."""
    return table(table(data, "tool", path), "uv", path)


def table(data: Table, key: str, path: str) -> Table:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise UndecidableError(f"{key} in {path} is not a table")
    return value


def workspace_root_above(project_root: str, read: ReadToml) -> tuple[str, Table] | None:
    """The workspace root whose member the project at ``project_root`` is, with its parsed
    ``pyproject.toml``; None when the project stands alone."""
    # As find_workspace in crates/uv-workspace/src/workspace.rs (0.12.5): the project's
    # ancestors, the project's own folder skipped.
    for folder in ancestors(project_root)[1:]:
        path = os.path.join(folder, PYPROJECT)
        if not os.path.isfile(path):
            continue
        data = read(path)
        workspace = uv_table(data, path).get("workspace")
        if workspace is None:
            return None  # another project or a plain pyproject.toml: uv stops there
        definition = _definition(workspace, path)
        if _included(project_root, folder, definition) \
                and not _excluded(project_root, folder, definition):
            return folder, data
        return None
    return None


def workspace_members(root: str, data: Table, read: ReadToml, uv_version: Version
                      ) -> list[tuple[str, Table]]:
    """Every member's folder and parsed ``pyproject.toml``, the root's first when it is a
    project itself."""
    path = os.path.join(root, PYPROJECT)
    definition = _definition(uv_table(data, path).get("workspace"), path)
    found = [(root, data)] if "project" in data else []
    seen = {root}
    for member in _member_folders(root, definition):
        if member in seen or _excluded(member, root, definition):
            continue
        seen.add(member)
        member_data = _member_pyproject(member, read, uv_version)
        if member_data is not None:
            found.append((member, member_data))
    return found


def _definition(workspace: object, path: str) -> Table:
    if not isinstance(workspace, dict):
        raise UndecidableError(f"tool.uv.workspace in {path} is not a table")
    for key in ("members", "exclude"):
        globs = workspace.get(key, [])
        if not isinstance(globs, list) or not all(isinstance(glob, str) for glob in globs):
            raise UndecidableError(f"tool.uv.workspace.{key} in {path} is not a list of globs")
    return workspace


def _globs(definition: Table, key: str) -> list[str]:
    globs = definition.get(key, [])
    return [os.path.normpath(str(glob)) for glob in globs] if isinstance(globs, list) else []


def _included(project: str, root: str, definition: Table) -> bool:
    # The root is escaped, the glob joined to it (an absolute glob stands alone): the root
    # matches only itself.
    return any(full_match(glob, project) if os.path.isabs(glob)
               else project.startswith(root + os.sep)
               and full_match(glob, project[len(root) + 1:])
               for glob in _globs(definition, "members"))


def _excluded(project: str, root: str, definition: Table) -> bool:
    relative = os.path.relpath(project, root)
    return any(full_match(glob, project) if os.path.isabs(glob) else full_match(glob, relative)
               for glob in _globs(definition, "exclude"))


def _member_folders(root: str, definition: Table) -> Iterator[str]:
    for glob in _globs(definition, "members"):
        # An absolute glob stands alone, as when uv joins it to the root.
        yield from expand(os.sep, glob[1:]) if os.path.isabs(glob) else expand(root, glob)


def _member_pyproject(member: str, read: ReadToml, uv_version: Version) -> Table | None:
    """The member's parsed ``pyproject.toml``; None for what uv leaves out (not a folder, a
    folder without one that is hidden or holds nothing, ``managed = false``)."""
    path = os.path.join(member, PYPROJECT)
    if not os.path.isdir(member):
        return None
    if not os.path.isfile(path):
        if os.path.basename(member).startswith("."):
            return None
        _refuse_member_without_pyproject(member, uv_version)
        return None
    data = read(path)
    uv = uv_table(data, path)
    if uv.get("managed") is False:
        return None
    if "project" not in data:
        raise UndecidableError(f"the workspace member {path} has no [project] table")
    return data


def _refuse_member_without_pyproject(member: str, uv_version: Version) -> None:
    """Return when uv skips the member folder ``member``, which has no ``pyproject.toml``;
    raise when uv fails on it (``MissingPyprojectTomlMember``) or it cannot be told.

    Up to 0.10.0 uv fails. From 0.10.1 it skips a folder whose walk with ``.gitignore`` and
    ``.ignore`` rules yields no entry (#17901), from 0.10.4 no file (#18051)
    (``has_only_gitignored_files``: the ``ignore`` crate's walk, git's rules applying inside a
    git repository only). Which of the entries git's rules hide, git itself says
    (``git_ignored``); an ``.ignore`` file (the crate's own rules) is not modelled.
    """
    if uv_version < MEMBER_WITHOUT_ENTRIES_SKIPPED:
        raise UvRefusesError(f"the workspace member {member} has no {PYPROJECT}, which uv "
                             f"{uv_version} refuses")
    entries = _entries_below(member, folders=uv_version < MEMBER_WITHOUT_FILES_SKIPPED)
    if not entries:
        return
    _refuse_ignore_files(member, entries)
    if _in_git_repository(member):
        ignored = git_ignored(member, entries)
        entries = [path for path in entries if path not in ignored]
    if entries:
        raise UvRefusesError(f"the workspace member {member} has no {PYPROJECT}")


def _entries_below(folder: str, *, folders: bool) -> list[str]:
    """The paths below ``folder`` (links not followed), files only unless ``folders``."""
    found = []
    for parent, names, files in os.walk(folder):
        found += [os.path.join(parent, name) for name in (*files, *(names if folders else ()))]
    return found


def _refuse_ignore_files(member: str, entries: list[str]) -> None:
    """An ``.ignore`` file at or above ``member``, or among what it holds: the ignore crate's
    own rules, which git does not read."""
    below = [path for path in entries if os.path.basename(path) == ".ignore"]
    above = [os.path.join(folder, ".ignore") for folder in ancestors(member)
             if os.path.lexists(os.path.join(folder, ".ignore"))]
    if below or above:
        raise UndecidableError(f"{(below or above)[0]}: the ignore crate's own rules are not "
                               "modelled")


def _in_git_repository(member: str) -> bool:
    return any(os.path.lexists(os.path.join(folder, ".git")) for folder in ancestors(member))


def project_requires_python(data: Table, path: str) -> str | None:
    """``project.requires-python``."""
    requires = table(data, "project", path).get("requires-python")
    if requires is not None and not isinstance(requires, str):
        raise UndecidableError(f"project.requires-python in {path} is not a string")
    return requires
