"""Hypothesis strategies for uvx argv, built from the option table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from _support.uv_binaries import MATRIX
from uvshim.uv.empty_values import REFUSED, empty_value_meaning
from uvshim.uv.options import OPTIONS, Level, LevelName, UvOption, options_for
from uvshim.versions import Version

# The settings of every property test, applied to each test by name (never a profile loaded
# at import, which would change the settings of whatever tests are collected after it).
# Function-scoped fixtures (tmp_path, monkeypatch) are shared by a test's examples on purpose:
# each example sets up what it needs from scratch.
PROPERTIES = settings(max_examples=300, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])

VERSIONS: st.SearchStrategy[Version | None] = st.one_of(
    st.none(), st.sampled_from([Version(v) for v in MATRIX])
)

# A value clap takes as a separate token: not empty and not starting with `-`.
# What a process's argv can hold: any text but NUL (argv strings end at one). Python decodes
# argv with surrogateescape, so the only lone surrogates it can hold are U+DC80-U+DCFF, one for
# each byte that is not UTF-8; any other surrogate cannot reach the shim (nor be passed to uv).
ARGV_CHARACTERS = st.one_of(st.characters(codec="utf-8", exclude_characters="\0"),
                            st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF))
# A value never starts with "=": attached to a short option (`-b` `=x`) it would read as `-b=x`.
values = st.text(ARGV_CHARACTERS, min_size=1, max_size=8).filter(
    lambda text: not text.startswith(("-", "=")))
words = st.text(ARGV_CHARACTERS, min_size=1, max_size=8).filter(
    lambda text: not text.startswith("-"))

# Every spelling any release accepts, so tool arguments and junk look like uv options.
OPTION_WORDS = sorted(
    {f"--{name}" for option in OPTIONS for name in (option.name, *option.aliases)}
    | {f"-{option.short}" for option in OPTIONS if option.short}
    | {"--", "-", "--=x", "-p=", "--python="}
)
option_like = st.sampled_from(OPTION_WORDS)
tool_args = st.lists(st.one_of(option_like, st.text(ARGV_CHARACTERS, max_size=6)), max_size=5)


@dataclass(frozen=True)
class UvxArgv:
    """A uvx argv uv accepts, and the parts it is made of."""

    version: Version | None
    options: list[str]
    separator: bool
    command: str | None
    tool_args: list[str]

    @property
    def argv(self) -> list[str]:
        tail = [self.command, *self.tool_args] if self.command is not None else []
        return [*self.options, *(["--"] if self.separator else []), *tail]


@st.composite
def option_tokens(draw: st.DrawFn, option: UvOption,
                  version: Version | None = None) -> list[str]:
    """One spelling of one option: `--opt v`, `--opt=v`, `--alias v`, `-pV`, `-p V`, `-p=V`;
    the value may be empty where uv ``version`` takes an empty one (``uv/empty_values``)."""
    long = draw(st.sampled_from((option.name, *option.aliases)))
    if not option.takes_value:
        spellings = [f"--{long}", *([f"-{option.short}"] if option.short else [])]
        return [draw(st.sampled_from(spellings))]
    empty_taken = empty_value_meaning(option.name, version) != REFUSED
    value = draw(st.one_of(values, st.just("")) if empty_taken else values)
    forms = [[f"--{long}", value], [f"--{long}={value}"]]
    if option.short:
        short = f"-{option.short}"
        # `-p` and an empty value run together is `-p` alone, which takes the next word.
        forms += [[short, value], *([[f"{short}{value}"]] if value else []),
                  [f"{short}={value}"]]
    return draw(st.sampled_from(forms))


def _compatible(chosen: list[UvOption], elsewhere: Sequence[UvOption] = ()) -> list[UvOption]:
    """Drop what uv rejects: a second use of a non-repeating option at one level, and
    (stricter than uv, as the parser is) conflicts with options at any level."""
    kept: list[UvOption] = []
    for option in chosen:
        names = {other.name for other in kept}
        if option.name in names and not option.repeatable:
            continue
        if names.union(other.name for other in elsewhere).intersection(option.conflicts):
            continue
        kept.append(option)
    return kept


def _table(version: Version | None, level: LevelName) -> list[UvOption]:
    return sorted(set(options_for(version, level).longs.values()), key=lambda option: option.name)


@st.composite
def _options(
    draw: st.DrawFn, version: Version | None, level: LevelName, elsewhere: Sequence[UvOption] = ()
) -> list[UvOption]:
    chosen = draw(st.lists(st.sampled_from(_table(version, level)), max_size=6))
    return _compatible(chosen, elsewhere)


@st.composite
def uvx_argvs(draw: st.DrawFn, level: LevelName = Level.UVX) -> UvxArgv:
    version = draw(VERSIONS)
    return draw(_argv_after(version, draw(_options(version, level))))


@st.composite
def _argv_after(draw: st.DrawFn, version: Version | None, chosen: list[UvOption]) -> UvxArgv:
    options = [token for option in chosen for token in draw(option_tokens(option, version))]
    separator = draw(st.booleans())
    # After `--` any word is the command; before it, a word starting with `-` is an option.
    command = draw(st.one_of(st.none(), st.text(ARGV_CHARACTERS, min_size=1, max_size=8)
                             if separator else words))
    args = draw(tool_args) if command is not None else []
    return UvxArgv(version, options, separator, command, args)


@st.composite
def uv_tool_run_argvs(draw: st.DrawFn) -> tuple[list[str], UvxArgv]:
    """`uv [global options] tool [global options] run|uvx [options] [command …]`."""
    version = draw(VERSIONS)
    prefix: list[str] = []
    chosen: list[UvOption] = []
    levels: tuple[tuple[str, LevelName], ...] = (("tool", Level.UV), ("run", Level.TOOL))
    for word, level in levels:
        options = draw(_options(version, level, chosen))
        prefix += [token for option in options
                   for token in draw(option_tokens(option, version))]
        prefix.append(word)
        chosen += options
    after = draw(_argv_after(version, draw(_options(version, Level.TOOL_RUN, chosen))))
    return prefix, after


# Options a caller might insert, in the spellings it might use.
insertable = st.sampled_from(
    [
        ["--no-cache"],
        ["-n"],
        ["--offline"],
        ["--isolated"],
        ["--refresh"],
        ["--managed-python"],
        ["-q"],
        ["--python", "3.12"],
        ["-p3.11"],
        ["--with", "six"],
        ["--cache-dir=/tmp/c"],
        ["--no-cache", "--isolated"],
    ]
)
