"""What a cached environment holds, to name it in a message: the tools among its distributions.

uv writes no receipt for a cached environment and marks every distribution it installs
REQUESTED (0.13.9), so the tools are told from the requirements of what is installed: a tool
is a distribution nothing else in the environment requires (``uvx --with tox-uv tox`` holds
"tox-uv", which requires tox). A requirement counts only when its marker holds for the
environment's own interpreter (pyvenv.cfg's implementation and version) and for the extras
that were installed: ``pytokens`` names ``black; extra == "dev"``, which does not make black,
the tool that requires pytokens, "required by something else". uv records no extras either;
an extra counts when another distribution asks for it (``black[d]``), or when it belongs to a
tool and everything it names is installed (``uvx --from 'black[d]' black``).

A set of distributions that require each other with nothing outside requiring them (a
distribution that requires itself, a cycle) is named as a whole. When any distribution's
name cannot be read (no METADATA, an empty one, no dist-info at all), the tools cannot be
told: ``()``, which no readable environment gives, since a dependency graph always has a
source. Read only for an environment a message is about: one listing and one METADATA per
distribution.
"""

from __future__ import annotations

import os

from uvshim.environments import read_pyvenv_cfg
from uvshim.record import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from packaging.requirements import Requirement

_METADATA_LIMIT = 256 * 1024


class Distribution(Record):
    """One ``*.dist-info`` of an environment: its project name and raw requirements."""

    key: str  # the normalized name (PEP 503)
    name: str  # as its METADATA spells it
    requires: tuple[str, ...]  # its ``Requires-Dist`` values, markers and all


def tools_in(root: str) -> tuple[str, ...]:
    """The tools of the environment at ``root`` by their project names, sorted; () when they
    cannot be told."""
    held = installed(root)
    if not held:
        return ()
    edges = requirement_edges(held, marker_environment(root))
    return tuple(sorted(held[key].name for key in sources(set(held), edges)))


def installed(root: str) -> dict[str, Distribution]:
    """Every distribution in the environment's site-packages, by normalized name; {} when
    there is none or any one of them has no readable name."""
    held: dict[str, Distribution] = {}
    for site in _site_packages(root):
        for entry in _listing(site):
            if not entry.endswith(".dist-info"):
                continue
            found = read_distribution(os.path.join(site, entry))
            if found is None:
                return {}
            held[found.key] = found
    return held


def read_distribution(dist_info: str) -> Distribution | None:
    """The METADATA's name and requirements (headers only); None without a name."""
    try:
        with open(os.path.join(dist_info, "METADATA"), "rb") as handle:
            text = handle.read(_METADATA_LIMIT).decode("utf-8", "replace")
    except OSError:
        return None
    name, requires = "", []
    for line in text.replace("\r\n", "\n").split("\n\n", 1)[0].splitlines():
        field, _, value = line.partition(":")
        if field.strip().lower() == "name" and not name:
            name = value.strip()
        elif field.strip().lower() == "requires-dist" and value.strip():
            requires.append(value.strip())
    if not name:
        return None
    return Distribution(key=normalized(name), name=name, requires=tuple(requires))


def marker_environment(root: str) -> dict[str, str]:
    """The marker values of the environment's interpreter: this machine's platform, with the
    implementation and version of pyvenv.cfg (or of its ``lib/pythonX.Y`` folder)."""
    from packaging.markers import default_environment  # noqa: PLC0415  -- messages only

    values = {key: str(value) for key, value in default_environment().items()}
    config = read_pyvenv_cfg(os.path.join(root, "pyvenv.cfg")) or {}
    version = config.get("version_info", "") or _folder_version(root)
    if version:
        values["python_full_version"] = version
        values["python_version"] = ".".join(version.split(".")[:2])
    implementation = config.get("implementation", "")
    if implementation:
        values["implementation_name"] = implementation.lower()
        values["platform_python_implementation"] = implementation
    return values


def requirement_edges(held: Mapping[str, Distribution],
                      environment: Mapping[str, str]) -> dict[str, set[str]]:
    """For each distribution, the installed ones it requires, with the extras that count:
    those another distribution asks for, then a tool's own whose requirements are all there."""
    extras: dict[str, set[str]] = {key: set() for key in held}
    edges = _edges_to_fixpoint(held, environment, extras)
    for key in sources(set(held), edges):
        extras[key] |= _complete_extras(held, held[key], environment)
    return _edges_to_fixpoint(held, environment, extras)


def _edges_to_fixpoint(held: Mapping[str, Distribution], environment: Mapping[str, str],
                       extras: dict[str, set[str]]) -> dict[str, set[str]]:
    """Edges under ``extras``, growing ``extras`` with the ones the edges ask for."""
    while True:
        edges: dict[str, set[str]] = {key: set() for key in held}
        asked = False
        for key, dist in held.items():
            for requirement in _active(dist, environment, extras[key]):
                target = normalized(requirement.name)
                if target in held:
                    edges[key].add(target)
                    new = {normalized(extra) for extra in requirement.extras} - extras[target]
                    extras[target] |= new
                    asked = asked or bool(new)
        if not asked:
            return edges


def _active(dist: Distribution, environment: Mapping[str, str],
            extras: Iterable[str]) -> list[Requirement]:
    """The requirements whose marker holds with no extra or with one of ``extras``."""
    chosen = []
    for requirement in _parsed(dist):
        marker = requirement.marker
        if marker is None or any(marker.evaluate({**environment, "extra": extra})
                                 for extra in ("", *extras)):
            chosen.append(requirement)
    return chosen


def _complete_extras(held: Mapping[str, Distribution], dist: Distribution,
                     environment: Mapping[str, str]) -> set[str]:
    """The extras of ``dist`` whose requirements are all installed (at least one each)."""
    complete = set()
    base = _active(dist, environment, ())
    for extra in _extras_named(dist):
        under = [requirement for requirement in _active(dist, environment, (extra,))
                 if requirement not in base]
        if under and all(normalized(requirement.name) in held for requirement in under):
            complete.add(extra)
    return complete


def _extras_named(dist: Distribution) -> set[str]:
    from packaging.markers import Marker  # noqa: PLC0415

    named = set()
    for requirement in _parsed(dist):
        if isinstance(requirement.marker, Marker):
            named |= _extras_in(str(requirement.marker))
    return named


def _extras_in(marker: str) -> set[str]:
    """The values compared with ``extra`` in a marker's text (``extra == "dev"``)."""
    found = set()
    parts = marker.replace("'", '"').split('"')
    for index in range(1, len(parts), 2):
        before = parts[index - 1].rstrip().removesuffix("==").removesuffix("!=").rstrip()
        if before.endswith("extra"):
            found.add(normalized(parts[index]))
    return found


def _parsed(dist: Distribution) -> list[Requirement]:
    """The requirements packaging can read; one it cannot still names a distribution, with
    no marker (so it counts, as the name at its start would in any reading)."""
    from packaging.requirements import InvalidRequirement, Requirement  # noqa: PLC0415

    parsed = []
    for text in dist.requires:
        try:
            parsed.append(Requirement(text))
        except InvalidRequirement:
            try:
                parsed.append(Requirement(_leading_name(text)))
            except InvalidRequirement:
                continue  # no name at its start either: it names nothing installed
    return parsed


def sources(nodes: set[str], edges: Mapping[str, set[str]]) -> set[str]:
    """The nodes of the source components: those every node that reaches them is reached
    by. Nothing reaches most tools; a cycle that nothing outside reaches is named whole."""
    required = {target for key, targets in edges.items() for target in targets if target != key}
    roots = nodes - required
    covered = set().union(*(_reach(key, edges) for key in roots)) if roots else set()
    # What a root reaches is not a source; what is left lies on cycles no root reaches.
    left = nodes - covered
    reaches = {key: _reach(key, edges) for key in left}
    return roots | {key for key in left
                    if all(other in reaches[key] for other in left if key in reaches[other])}


def _reach(start: str, edges: Mapping[str, set[str]]) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for target in edges.get(stack.pop(), ()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def _site_packages(root: str) -> list[str]:
    lib = os.path.join(root, "lib")
    return [os.path.join(lib, entry, "site-packages") for entry in _listing(lib)
            if entry.startswith(("python", "pypy"))]


def _folder_version(root: str) -> str:
    for entry in _listing(os.path.join(root, "lib")):
        if entry.startswith("python") and entry[6:7].isdigit():
            return entry[6:].rstrip("t")
    return ""


def _listing(folder: str) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _leading_name(requirement: str) -> str:
    text = requirement.strip()
    for index, char in enumerate(text):
        if not (char.isalnum() or char in "-_."):
            return text[:index]
    return text


def normalized(name: str) -> str:
    """PEP 503: lower case, runs of ``-_.`` as one ``-``."""
    out: list[str] = []
    dash = False
    for char in name.lower():
        if char in "-_.":
            dash = True
            continue
        if dash and out:
            out.append("-")
        dash = False
        out.append(char)
    return "".join(out)
