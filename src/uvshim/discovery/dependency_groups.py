"""The ``requires-python`` of the dependency groups a ``uv run`` enables.

From 0.7.14 (#13735) a group may carry its own ``requires-python``
(``[tool.uv.dependency-groups] <name> = {requires-python = "…"}``), and the workspace's
``requires-python`` is that of every member's ``[project]`` together with that of every
enabled group of every member (``Workspace::requires_python``,
``crates/uv-workspace/src/workspace.rs``, 0.7.14 and 0.12.5); from 0.12.22 a virtual root's
groups count as well (measured: ``releases.ROOT_GROUPS_COUNT``). A group takes in the
``requires-python`` of the groups it includes (``include-group``; ``FlatDependencyGroups``,
``crates/uv-workspace/src/dependency_groups.rs``). Before 0.7.14 uv ignores the table.

Which groups are enabled (``DependencyGroups::from_history``,
``crates/uv-configuration/src/dependency_groups.rs``, 0.7.14 and 0.12.5): ``--group``,
``--only-group`` and ``--dev``/``--only-dev`` (the group ``dev``) add; ``--no-group`` and
``--no-dev`` take away, and win; ``--all-groups`` is every group; the project's
``tool.uv.default-groups`` (a list, or ``"all"``; ``["dev"]`` when unset) are added
unless ``--no-default-groups`` or an ``--only-`` flag is given. The defaults are those of the
project ``uv run`` runs for (the member it runs from, the one ``--package`` names, or a virtual
root: ``default_dependency_groups`` in ``crates/uv/src/commands/project/mod.rs``).
``UV_DEV``/``UV_NO_DEV`` (from 0.8.7), ``UV_NO_GROUP`` (0.9.8) and ``UV_NO_DEFAULT_GROUPS``
(0.9.9) stand for their flags when the command line gives none of them (clap's ``env``).
All checked with real uv by ``tests/integration/test_discovery_differential.py``.
"""

from __future__ import annotations

import re

from uvshim.discovery.workspace import uv_table
from uvshim.errors import UndecidableError, UvRefusesError
from uvshim.record import Record
from uvshim.uv.releases import (
    DEV_VARIABLES,
    NO_DEFAULT_GROUPS_VARIABLE,
    NO_GROUP_VARIABLE,
)
from uvshim.uv.settings import is_true

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from uvshim.uv.argv import UvInvocation
    from uvshim.versions import Version

    Table = dict[str, object]

DEV = "dev"


class GroupSelection(Record):
    """The groups a command names, before the project's defaults are known."""

    include: tuple[str, ...] = ()  # --group, --only-group, --dev, --only-dev
    exclude: tuple[str, ...] = ()  # --no-group, --no-dev
    every: bool = False  # --all-groups
    defaults: bool = True  # neither --no-default-groups nor an --only- flag
    undecided: str = ""  # why the selection cannot be told, said only if a group needs it


NAMED_NONE = GroupSelection()


def group_selection(inv: UvInvocation, environ: Mapping[str, str], uv: Version
                    ) -> GroupSelection:
    include = [normalized(name or "") for name in (*inv.values("group"),
                                                   *inv.values("only-group"))]
    exclude = [normalized(name or "") for name in inv.values("no-group")]
    if not exclude and uv >= NO_GROUP_VARIABLE:
        exclude = [normalized(name) for name in environ.get("UV_NO_GROUP", "").split()]
    dev, undecided = _dev_mode(inv, environ, uv)
    if dev in ("include", "only"):
        include.append(DEV)
    elif dev == "exclude":
        exclude.append(DEV)
    only = bool(inv.values("only-group")) or dev == "only"
    no_defaults = bool(inv.values("no-default-groups")) or (
        uv >= NO_DEFAULT_GROUPS_VARIABLE and is_true(environ.get("UV_NO_DEFAULT_GROUPS")))
    return GroupSelection(tuple(include), tuple(exclude), bool(inv.values("all-groups")),
                          not (no_defaults or only), undecided)


def _dev_mode(inv: UvInvocation, environ: Mapping[str, str], uv: Version
              ) -> tuple[str | None, str]:
    """``DevMode`` from ``--only-dev`` or ``--no-dev``, else ``UV_DEV``/``UV_NO_DEV``; and why
    it cannot be told, if so."""
    if inv.values("only-dev"):
        return "only", ""
    variables = [name for name in ("UV_DEV", "UV_NO_DEV") if is_true(environ.get(name))] \
        if uv >= DEV_VARIABLES else []
    if inv.values("no-dev"):
        # Up to 0.12.x the two came through clap's env and could conflict; not modelled.
        return "exclude", "--no-dev with UV_DEV or UV_NO_DEV is not modelled" if variables else ""
    if len(variables) > 1:
        return None, "UV_DEV and UV_NO_DEV together are not modelled"
    if variables:
        return ("include" if variables[0] == "UV_DEV" else "exclude"), ""
    return None, ""


class EnabledGroups(Record):
    """``DependencyGroupsWithDefaults::contains``: exclusion beats inclusion."""

    every: bool
    names: frozenset[str]
    excluded: frozenset[str]

    def contains(self, name: str) -> bool:
        return name not in self.excluded and (self.every or name in self.names)


def enabled_groups(selection: GroupSelection, project: Table, path: str) -> EnabledGroups:
    """The groups enabled in every member, with the defaults of the project run for."""
    if selection.undecided:
        raise UndecidableError(selection.undecided)
    include = frozenset(selection.include)
    every = selection.every
    if selection.defaults and not every:
        defaults = _default_groups(project, path)
        every = defaults is None
        include |= defaults or set()
    return EnabledGroups(every, include, frozenset(selection.exclude))


def _default_groups(project: Table, path: str) -> set[str] | None:
    value = uv_table(project, path).get("default-groups", [DEV])
    if value == "all":
        return None
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise UndecidableError(f"tool.uv.default-groups in {path} is not a list of groups")
    return {normalized(name) for name in value}


def has_group_settings(data: Table, path: str) -> bool:
    return bool(uv_table(data, path).get("dependency-groups"))


def groups_requires_python(data: Table, path: str, enabled: EnabledGroups) -> list[str]:
    """The ``requires-python`` of the enabled groups of one member, each with what it
    includes."""
    settings = uv_table(data, path).get("dependency-groups")
    if not isinstance(settings, dict):
        raise UndecidableError(f"tool.uv.dependency-groups in {path} is not a table")
    groups = _groups(data, path)
    for name in settings:
        if normalized(name) not in groups:
            raise UvRefusesError(f"tool.uv.dependency-groups in {path} sets {name}, which "
                                 "[dependency-groups] does not define")
    found = []
    for name in groups:
        if enabled.contains(name):
            found += _flat_requires_python(name, groups, settings, path, ())
    return found


def _groups(data: Table, path: str) -> dict[str, list[object]]:
    table = data.get("dependency-groups", {})
    if not isinstance(table, dict) or not all(isinstance(v, list) for v in table.values()):
        raise UndecidableError(f"[dependency-groups] in {path} is not a table of lists")
    return {normalized(name): entries for name, entries in table.items()}


def _flat_requires_python(name: str, groups: dict[str, list[object]], settings: Table,
                          path: str, parents: tuple[str, ...]) -> list[str]:
    if name in parents:
        raise UvRefusesError(f"the dependency groups in {path} include each other")
    if name not in groups:
        raise UvRefusesError(f"a dependency group in {path} includes {name}, which is not "
                             "defined")
    found = []
    for entry in groups[name]:
        if isinstance(entry, dict):
            included = entry.get("include-group")
            if not isinstance(included, str):
                raise UndecidableError(f"an entry of the group {name} in {path} is not modelled")
            found += _flat_requires_python(normalized(included), groups, settings, path,
                                           (*parents, name))
    own = {normalized(key): value for key, value in settings.items()}.get(name)
    if isinstance(own, dict) and "requires-python" in own:
        requires = own["requires-python"]
        if not isinstance(requires, str):
            raise UndecidableError(f"requires-python of the group {name} in {path} is not a "
                                   "string")
        found.append(requires)
    return found


def normalized(name: str) -> str:
    """``GroupName``: PEP 503 normalization, as for package names."""
    return re.sub(r"[-_.]+", "-", name).lower()
