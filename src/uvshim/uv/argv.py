"""Parse the argv of ``uvx`` / ``uv tool run`` into a record, render it back, insert options.

Pure: no I/O and no environment reads. The parser follows clap as uv configures it
(checked against real uv 0.5.0 - 0.13.9, see ``uv.options``); wherever it cannot be sure
what uv would do it raises ``ArgvError`` so that the caller runs uv with the argv untouched.

What clap does, measured with every release in ``tests/_support/uv_binaries.MATRIX``:

- ``--opt=value`` and ``--opt value`` are the same; ``--flag=value`` is an error.
- A short cluster is read letter by letter: flags (``-qn``) until a letter that takes a
  value, whose value is the rest of the token (``-qp3.12``, ``-p=3.12`` drops one ``=``)
  or else the next token. ``-q=1`` is an error.
- A separate value may not start with ``-`` (``--from -x`` is an error).
- Any option given twice at the same level is an error ("cannot be used multiple times")
  unless it repeats (``--with``, and ``-q``/``-v`` where they count).
- The first word that is not an option is the command; everything from it on belongs to
  the tool. ``--`` ends the options and the next word is the command, whatever it looks like.
- Global options may also come before ``tool`` and between ``tool`` and ``run``; a value
  given at a deeper level wins (``uv -v tool uvx -v`` logs at level 1, not 2).
"""

from __future__ import annotations

from uvshim.errors import UvRefusesError
from uvshim.record import Record, replace
from uvshim.uv.options import Action, Level, OptionLookup, UvOption, options_for
from uvshim.uv.releases import LOCAL_SCRIPTS_PERSISTENT, OLDEST_KNOWN
from uvshim.versions import Version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from uvshim.uv.options import LevelName

__all__ = [
    "Arg",
    "ArgvError",
    "ArgvRefusedError",
    "OptionUse",
    "UvInvocation",
    "layers_requirements",
    "parse_uv",
    "parse_uvx",
    "render",
    "with_options",
]

_SEPARATOR = "--"
_TOOL_SUBCOMMANDS: dict[str, LevelName] = {"run": Level.TOOL_RUN, "uvx": Level.UVX}

# `--python-preference` together with `--managed-python` or `--no-managed-python` is an error
# in uv 0.12.5 (`resolve_python_preference` in crates/uv/src/settings.rs); older releases
# let one of them win. We do not guess which.
_PREFERENCE_FLAGS = {"managed-python": "only-managed", "no-managed-python": "only-system"}


class ArgvError(Exception):
    """The argv cannot be parsed with certainty; run uv with it unchanged."""


class ArgvRefusedError(ArgvError, UvRefusesError):
    """clap refuses the argv with a usage error (an option this release does not know, a
    value missing or where none is taken, a second use of one that does not repeat, an empty
    value it rejects), before uv reads its cache: uv's own message says it all."""


def _refusal(lookup: OptionLookup, message: str) -> ArgvError:
    # Only for a release whose options are all known: a newer uv may accept what we do not.
    return ArgvRefusedError(message) if lookup.version is not None else ArgvError(message)


class OptionUse(Record):
    """One option as uv will see it, with its value (None for a flag)."""

    option: UvOption
    value: str | None = None


class Arg(Record):
    """Some argv tokens exactly as given and the options they hold.

    ``("--python", "3.12")`` holds one use, ``("-qn",)`` holds two, and a subcommand word
    such as ``("tool",)`` holds none.
    """

    tokens: tuple[str, ...]
    uses: tuple[OptionUse, ...]
    level: LevelName


class UvInvocation(Record):
    """A parsed ``uvx`` / ``uv tool run`` argv.

    ``prefix`` is empty for ``uvx``; for ``uv …`` it holds everything up to and including
    ``run`` (or ``uvx``), global options included. ``options`` are the uv options after it.
    """

    prefix: tuple[Arg, ...]
    options: tuple[Arg, ...]
    separator: bool
    command: str | None
    tool_args: tuple[str, ...]
    level: LevelName
    uv_version: Version | None

    @property
    def python_request(self) -> str | None:
        return _last_value(self, "python")

    @property
    def from_spec(self) -> str | None:
        return _last_value(self, "from")

    @property
    def with_requirements(self) -> tuple[str, ...]:
        """The ``--with`` / ``-w`` values as given (a value may list several, comma-separated);
        an empty one adds nothing (``uv/empty_values``) and is left out."""
        return tuple(use.value for use in _effective_uses(self, "with") if use.value)

    @property
    def cache_dir(self) -> str | None:
        return _last_value(self, "cache-dir")

    @property
    def no_cache(self) -> bool:
        return bool(_effective_uses(self, "no-cache"))

    @property
    def isolated(self) -> bool:
        return bool(_effective_uses(self, "isolated"))

    @property
    def offline(self) -> bool:
        return _last_of_pair(self, "offline", "no-offline") is True

    @property
    def no_config(self) -> bool:
        return bool(_effective_uses(self, "no-config"))

    @property
    def config_file(self) -> str | None:
        return _last_value(self, "config-file")

    @property
    def directory(self) -> str | None:
        return _last_value(self, "directory")

    @property
    def project(self) -> str | None:
        return _last_value(self, "project")

    @property
    def quiet(self) -> int:
        return len(_effective_uses(self, "quiet"))

    @property
    def verbose(self) -> int:
        return len(_effective_uses(self, "verbose"))

    @property
    def python_preference(self) -> str | None:
        """``only-managed`` / ``only-system`` for the flags, else ``--python-preference``."""
        flag = _last_of_pair(self, "managed-python", "no-managed-python")
        if flag is None:
            return _last_value(self, "python-preference")
        return _PREFERENCE_FLAGS["managed-python" if flag else "no-managed-python"]

    @property
    def help_or_version(self) -> bool:
        """uv will print help or its version (or, with no command, a hint) and run nothing."""
        exits = (Action.HELP, Action.VERSION)
        return self.command is None or any(use.option.action in exits for use in _all_uses(self))

    def values(self, name: str) -> tuple[str | None, ...]:
        """The values of the option with this canonical name, as uv will use them."""
        return tuple(use.value for use in _effective_uses(self, name))


def parse_uvx(
    args: Sequence[str], uv_version: Version | None, *, level: LevelName = Level.UVX
) -> UvInvocation:
    """Parse the arguments after ``uvx`` (``level=Level.TOOL_RUN`` for those after ``uv tool run``).

    ``uv_version`` None means a uv newer than any we know: the newest table applies.
    """
    return _parse_after_subcommand(list(args), 0, (), level, uv_version)


def parse_uv(args: Sequence[str], uv_version: Version | None) -> UvInvocation | None:
    """Parse the arguments after ``uv``; None unless they run ``tool run`` / ``tool uvx``, or
    a ``uv run`` that can reuse a cached environment (``reuses_cached_environment``)."""
    tokens = list(args)
    prefix: list[Arg] = []
    index = _parse_prefix_options(tokens, 0, Level.UV, uv_version, prefix)
    if index < len(tokens) and tokens[index] == "run":
        return _parse_uv_run(tokens, index, prefix, uv_version)
    if index >= len(tokens) or tokens[index] != "tool":
        return None
    prefix.append(Arg((tokens[index],), (), Level.UV))
    index = _parse_prefix_options(tokens, index + 1, Level.TOOL, uv_version, prefix)
    if index >= len(tokens) or tokens[index] not in _TOOL_SUBCOMMANDS:
        return None
    prefix.append(Arg((tokens[index],), (), Level.TOOL))
    level = _TOOL_SUBCOMMANDS[tokens[index]]
    return _parse_after_subcommand(tokens, index + 1, tuple(prefix), level, uv_version)


def _parse_uv_run(tokens: list[str], index: int, prefix: list[Arg],
                  uv_version: Version | None) -> UvInvocation | None:
    if not _may_reuse_cached_environment(tokens[index + 1:], uv_version):
        return None  # `uv run pytest`, `uv run python -c …`: no parse of uv run's options
    prefix.append(Arg((tokens[index],), (), Level.UV))
    inv = _parse_after_subcommand(tokens, index + 1, tuple(prefix), Level.UV_RUN, uv_version)
    return inv if reuses_cached_environment(inv) else None


def _may_reuse_cached_environment(words: Sequence[str], uv_version: Version | None) -> bool:
    """A first look at the words after ``uv run``, at the cost of one pass over them: False
    when none can be a ``--with*`` option (``-w`` in a short cluster), a script from stdin or
    a URL, or (up to 0.5.30) a local script. False is certain; True needs the parse."""
    old_scripts = uv_version is not None and uv_version < LOCAL_SCRIPTS_PERSISTENT
    for word in words:
        if word.startswith("--with") or word == "-" or word.startswith(("http://", "https://")):
            return True
        short = word[:1] == "-" and word[1:2] not in ("-", "")
        if short and "w" in word:
            return True
        if old_scripts and (word == "--script" or word.endswith((".py", ".pyw"))
                            or (short and "s" in word)):
            return True
    return False


_WITH_OPTIONS = ("with", "with-editable", "with-requirements")


def layers_requirements(inv: UvInvocation) -> bool:
    """Whether ``--with``, ``--with-editable`` or ``--with-requirements`` adds anything: an
    empty value adds nothing (``uv/empty_values``)."""
    return any(value for name in _WITH_OPTIONS for value in inv.values(name))


def reuses_cached_environment(inv: UvInvocation) -> bool:
    """Whether this ``uv run`` can reuse one of uv's cached environments: with ``--with``,
    ``--with-editable`` or ``--with-requirements`` (every release), for a script read from
    stdin or a URL (every release: its inline metadata may ask for one), and for a local
    script up to 0.5.30 (``uv/releases.LOCAL_SCRIPTS_PERSISTENT``). Otherwise uv runs in the
    project's environment, a script's own persistent one, or the interpreter itself.
    ``discovery/uv_run_interpreter.py`` tells these cases apart with the same tests."""
    if layers_requirements(inv):
        return True
    if inv.command is None:
        return False
    if runs_remote_script(inv):
        return True
    old = inv.uv_version is not None and inv.uv_version < LOCAL_SCRIPTS_PERSISTENT
    return old and runs_local_script(inv)


def runs_remote_script(inv: UvInvocation) -> bool:
    """The command is a script read from stdin (``-``) or a URL."""
    command = inv.command or ""
    return command == "-" or command.startswith(("http://", "https://"))


def runs_local_script(inv: UvInvocation) -> bool:
    """``--script``, or a command that names a Python file (``.py``, ``.pyw``)."""
    return bool(inv.values("script")) or (inv.command or "").endswith((".py", ".pyw"))


def render(inv: UvInvocation) -> list[str]:
    """The argv the invocation was parsed from (with any inserted options)."""
    words = [token for arg in (*inv.prefix, *inv.options) for token in arg.tokens]
    if inv.separator:
        words.append(_SEPARATOR)
    if inv.command is not None:
        words.append(inv.command)
    words.extend(inv.tool_args)
    return words


def with_options(inv: UvInvocation, extra: Sequence[str]) -> UvInvocation:
    """Insert uv options just before the command (before ``--`` if there is one).

    An option uv already gets with the same value is left out, so inserting twice changes
    nothing; one that would be a second use of a non-repeating option (an error in uv) or
    would conflict with another raises ``ArgvError``.
    """
    lookup = _lookup(inv.uv_version, inv.level)
    inserted: list[Arg] = []
    index = 0
    while index < len(extra):
        arg, index = _parse_option(list(extra), index, lookup, inv.level)
        if arg is None:
            raise ArgvError(f"only uv options can be inserted, not {extra[index]!r}")
        if not _already_given(inv, arg):
            inserted.append(arg)
    options = (*inv.options, *inserted)
    try:
        _check_repeats(options, lookup)
    except ArgvRefusedError as exc:  # what we would add, not what the user gave
        raise ArgvError(str(exc)) from None
    _check_conflicts((*inv.prefix, *options))
    return replace(inv, options=options)


def _lookup(uv_version: Version | None, level: LevelName) -> OptionLookup:
    if uv_version is not None and uv_version < OLDEST_KNOWN:
        raise ArgvError(f"uv {uv_version} is older than any uv whose options are known")
    if level == Level.UV_RUN:
        # uv run's own rows, loaded only for it: the uvx path never builds them.
        from uvshim.uv.uv_run_options import UV_RUN_OPTIONS  # noqa: PLC0415

        return options_for(uv_version, level, UV_RUN_OPTIONS)
    return options_for(uv_version, level)


def _parse_after_subcommand(
    tokens: list[str],
    index: int,
    prefix: tuple[Arg, ...],
    level: LevelName,
    uv_version: Version | None,
) -> UvInvocation:
    lookup = _lookup(uv_version, level)
    options: list[Arg] = []
    while index < len(tokens):
        arg, index = _parse_option(tokens, index, lookup, level)
        if arg is None:
            break
        options.append(arg)
    _check_repeats(options, lookup)
    _check_conflicts((*prefix, *options))
    separator = index < len(tokens) and tokens[index] == _SEPARATOR
    index += separator
    command = tokens[index] if index < len(tokens) else None
    rest = tuple(tokens[index + 1 :])
    return UvInvocation(tuple(prefix), tuple(options), separator, command, rest, level, uv_version)


def _parse_prefix_options(
    tokens: list[str], index: int, level: LevelName, uv_version: Version | None, out: list[Arg]
) -> int:
    """Read the options before a subcommand word into ``out``; return where the word is."""
    lookup = _lookup(uv_version, level)
    start = len(out)
    while index < len(tokens):
        if tokens[index] == _SEPARATOR:
            raise ArgvError("`--` before the uv subcommand")
        arg, index = _parse_option(tokens, index, lookup, level)
        if arg is None:
            break
        out.append(arg)
    _check_repeats(out[start:], lookup)
    return index


def _parse_option(
    tokens: list[str], index: int, lookup: OptionLookup, level: LevelName
) -> tuple[Arg | None, int]:
    """Parse the option at ``index``; (None, index) when the options end there."""
    token = tokens[index]
    if token in (_SEPARATOR, "-") or not token.startswith("-"):
        return None, index
    if token.startswith("--"):
        return _parse_long(tokens, index, lookup, level)
    return _parse_short_cluster(tokens, index, lookup, level)


def _parse_long(
    tokens: list[str], index: int, lookup: OptionLookup, level: LevelName
) -> tuple[Arg, int]:
    token = tokens[index]
    name, equals, attached = token[2:].partition("=")
    option = lookup.longs.get(name)
    if option is None:
        raise _refusal(lookup, f"unknown uv option {token!r} for this uv version")
    if not option.takes_value:
        if equals:
            raise _refusal(lookup, f"uv option --{name} takes no value")
        return Arg((token,), (OptionUse(option),), level), index + 1
    if equals:
        use = OptionUse(option, _checked(attached, token, option, lookup))
        return Arg((token,), (use,), level), index + 1
    value = _separate_value(tokens, index, token, option, lookup)
    return Arg((token, value), (OptionUse(option, value),), level), index + 2


def _parse_short_cluster(
    tokens: list[str], index: int, lookup: OptionLookup, level: LevelName
) -> tuple[Arg, int]:
    token = tokens[index]
    uses: list[OptionUse] = []
    for position in range(1, len(token)):
        option = lookup.shorts.get(token[position])
        if option is None:
            raise _refusal(lookup, f"unknown uv option -{token[position]} in {token!r}")
        if not option.takes_value:
            uses.append(OptionUse(option))
            continue
        rest = token[position + 1 :]
        if rest:
            # clap drops one `=` after a short that takes a value: `-p=3.12` is `-p 3.12`.
            value = _checked(rest.removeprefix("="), token, option, lookup)
            return Arg((token,), (*uses, OptionUse(option, value)), level), index + 1
        value = _separate_value(tokens, index, token, option, lookup)
        return Arg((token, value), (*uses, OptionUse(option, value)), level), index + 2
    return Arg((token,), tuple(uses), level), index + 1


def _separate_value(tokens: list[str], index: int, token: str, option: UvOption,
                    lookup: OptionLookup) -> str:
    if index + 1 >= len(tokens):
        raise _refusal(lookup, f"uv option {token!r} needs a value")
    value = tokens[index + 1]
    if value.startswith("-"):
        # clap takes a following `-x` (or `--`) for another option, not for the value.
        raise _refusal(lookup, f"uv option {token!r} needs a value, got {value!r}")
    return _checked(value, token, option, lookup)


def _checked(value: str, token: str, option: UvOption, lookup: OptionLookup) -> str:
    """The value, as uv reads it: an empty one is kept where uv keeps it or reads it as not
    given (``uv/empty_values``; the readers of those values take "" for "given, no value")."""
    if value:
        return value
    from uvshim.uv.empty_values import REFUSED, empty_value_meaning  # noqa: PLC0415  -- rare

    if empty_value_meaning(option.name, lookup.version) == REFUSED:
        raise _refusal(lookup, f"empty value for uv option {token!r}")
    return value


def _check_repeats(args: Sequence[Arg], lookup: OptionLookup) -> None:
    """Within one level clap rejects a second use of an option that does not repeat."""
    seen: set[str] = set()
    for option in (use.option for arg in args for use in arg.uses):
        if option.name in seen and not option.repeatable:
            raise _refusal(lookup, f"uv option --{option.name} given twice")
        seen.add(option.name)


def _check_conflicts(args: Sequence[Arg]) -> None:
    """Reject options that conflict, whatever their levels.

    Stricter than clap, which checks each level alone (`uv -q tool uvx -v` runs), but a
    global value reaches the deeper levels, and how uv then combines them is not worth guessing.
    """
    options = [use.option for arg in args for use in arg.uses]
    names = {option.name for option in options}
    for option in options:
        clash = names.intersection(option.conflicts)
        if clash:
            raise ArgvError(f"uv option --{option.name} conflicts with --{min(clash)}")


def _already_given(inv: UvInvocation, arg: Arg) -> bool:
    given = [_is_given(inv, use) for use in arg.uses]
    if all(given):
        return True
    if any(given):
        raise ArgvError(f"{' '.join(arg.tokens)!r} is partly given already; insert it unclustered")
    return False


def _is_given(inv: UvInvocation, use: OptionUse) -> bool:
    effective = _effective_uses(inv, use.option.name)
    return any(given.value == use.value for given in effective)


def _levels_deepest_first(inv: UvInvocation) -> Iterator[list[OptionUse]]:
    yield [use for arg in inv.options for use in arg.uses]
    for level in (Level.TOOL, Level.UV):
        yield [use for arg in inv.prefix if arg.level == level for use in arg.uses]


def _effective_uses(inv: UvInvocation, name: str) -> list[OptionUse]:
    """The uses of an option at the deepest level that has it: clap keeps only those."""
    for uses in _levels_deepest_first(inv):
        found = [use for use in uses if use.option.name == name]
        if found:
            return found
    return []


def _last_value(inv: UvInvocation, name: str) -> str | None:
    uses = _effective_uses(inv, name)
    return uses[-1].value if uses else None


def _last_of_pair(inv: UvInvocation, on: str, off: str) -> bool | None:
    """For a flag and its negation (clap `overrides_with`): True/False for the last given."""
    for uses in _levels_deepest_first(inv):
        found = [use.option.name for use in uses if use.option.name in (on, off)]
        if found:
            return found[-1] == on
    return None


def _all_uses(inv: UvInvocation) -> Iterator[OptionUse]:
    for arg in (*inv.prefix, *inv.options):
        yield from arg.uses
