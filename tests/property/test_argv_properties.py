from __future__ import annotations

from hypothesis import example, given, reject
from hypothesis import strategies as st
from strategies import (
    PROPERTIES,
    VERSIONS,
    UvxArgv,
    insertable,
    option_like,
    uv_tool_run_argvs,
    uvx_argvs,
)

from uvshim.uv.argv import ArgvError, UvInvocation, parse_uv, parse_uvx, render, with_options
from uvshim.versions import Version


def tail(argv: UvxArgv) -> list[str]:
    return argv.argv[len(argv.options) :]


def inserted(inv: UvInvocation, extra: list[str]) -> UvInvocation:
    """with_options, skipping the examples where uv would reject the result."""
    try:
        return with_options(inv, extra)
    except ArgvError:
        reject()


@PROPERTIES
@given(uvx_argvs())
@example(UvxArgv(Version("0.13.9"), ["-p=3.12"], False, "ruff", ["--python", "x"]))
# `--` before the command, and again among the tool's arguments.
@example(UvxArgv(None, ["--with", "a"], True, "tox", ["run", "--", "-x"]))
def test_render_gives_back_the_argv(argv: UvxArgv) -> None:
    inv = parse_uvx(argv.argv, argv.version)
    assert render(inv) == argv.argv
    assert inv.command == argv.command
    assert list(inv.tool_args) == argv.tool_args
    assert inv.separator is argv.separator


@PROPERTIES
@given(uv_tool_run_argvs())
def test_uv_tool_run_renders_back_with_its_prefix(argvs: tuple[list[str], UvxArgv]) -> None:
    prefix, argv = argvs
    inv = parse_uv([*prefix, *argv.argv], argv.version)
    assert inv is not None
    assert render(inv) == [*prefix, *argv.argv]
    assert (inv.command, list(inv.tool_args)) == (argv.command, argv.tool_args)


@PROPERTIES
@given(uvx_argvs(), insertable)
# Inserting `-n` where `--no-cache-dir` is given: both are one option, nothing to insert.
@example(UvxArgv(Version("0.13.9"), ["--no-cache-dir"], False, "ruff", []), ["-n"])
# Of two options to insert, one is given already: only the other is inserted.
@example(UvxArgv(Version("0.5.0"), ["--no-cache"], False, None, []), ["--no-cache", "--isolated"])
def test_insert_only_before_the_command_and_only_once(argv: UvxArgv, extra: list[str]) -> None:
    once = inserted(parse_uvx(argv.argv, argv.version), extra)
    rendered = render(once)
    assert rendered[: len(argv.options)] == argv.options
    assert rendered[len(rendered) - len(tail(argv)) :] == tail(argv)
    inserted_tokens = rendered[len(argv.options) : len(rendered) - len(tail(argv))]
    assert len(inserted_tokens) <= len(extra)
    assert set(inserted_tokens) <= set(extra)
    assert with_options(once, extra) == once
    assert parse_uvx(rendered, argv.version) == once


@PROPERTIES
@given(uvx_argvs(), insertable)
def test_inserted_options_take_effect(argv: UvxArgv, extra: list[str]) -> None:
    inv = inserted(parse_uvx(argv.argv, argv.version), extra)
    if extra in (["--no-cache"], ["-n"]):
        assert inv.no_cache
    if extra == ["--python", "3.12"]:
        assert inv.python_request == "3.12"


@PROPERTIES
@given(st.lists(st.one_of(option_like, st.text(max_size=6)), max_size=8), VERSIONS)
@example(["-p="], Version("0.13.9"))  # an empty attached value
@example(["--=x"], None)  # no option name at all
@example(["-qq"], Version("0.5.0"))  # `-q` did not count yet
def test_parse_raises_only_argv_error(args: list[str], version: Version | None) -> None:
    for parse in (parse_uvx, parse_uv):
        try:
            parsed = parse(args, version)
        except ArgvError:
            continue
        if parsed is not None:
            assert render(parsed) == args
