from __future__ import annotations

import pytest

from uvshim.uv.argv import (
    ArgvError,
    ArgvRefusedError,
    UvInvocation,
    parse_uv,
    parse_uvx,
    render,
    with_options,
)
from uvshim.uv.options import Level
from uvshim.versions import Version

NEW = Version("0.13.9")
OLD = Version("0.5.0")


def parse(*args: str, version: Version | None = NEW) -> UvInvocation:
    return parse_uvx(args, version)


def test_options_after_the_command_belong_to_the_tool() -> None:
    inv = parse("ruff", "--python", "x")
    assert inv.python_request is None
    assert inv.command == "ruff"
    assert inv.tool_args == ("--python", "x")


@pytest.mark.parametrize(
    "args",
    [
        ["--python", "3.12"],
        ["--python=3.12"],
        ["-p", "3.12"],
        ["-p3.12"],
        ["-p=3.12"],  # clap drops one `=` after a short that takes a value
        ["-qp3.12"],  # flags, then a short whose value is the rest of the token
    ],
)
def test_every_form_of_python_request(args: list[str]) -> None:
    inv = parse(*args, "ruff")
    assert inv.python_request == "3.12"
    assert render(inv) == [*args, "ruff"]


def test_fields_from_options() -> None:
    inv = parse(
        "--from", "ruff==0.6", "-w", "a", "--with=b,c", "--cache-dir", "/c", "-n",
        "--isolated", "--offline", "--no-config", "--config-file=u.toml",
        "--directory", "d", "--project", "p", "ruff", "check",
    )
    assert inv.from_spec == "ruff==0.6"
    assert inv.with_requirements == ("a", "b,c")
    assert (inv.cache_dir, inv.no_cache, inv.isolated, inv.offline) == ("/c", True, True, True)
    assert (inv.no_config, inv.config_file) == (True, "u.toml")
    assert (inv.directory, inv.project) == ("d", "p")
    assert (inv.command, inv.tool_args, inv.help_or_version) == ("ruff", ("check",), False)


def test_defaults_without_options() -> None:
    inv = parse("ruff")
    assert (inv.python_request, inv.from_spec, inv.with_requirements) == (None, None, ())
    assert (inv.cache_dir, inv.no_cache, inv.isolated, inv.offline) == (None, False, False, False)
    assert (inv.quiet, inv.verbose, inv.python_preference) == (0, 0, None)


def test_quiet_counts_from_0_6_11_but_not_before() -> None:
    # `-qq` is "cannot be used multiple times" in 0.5.0 - 0.6.10 (measured).
    assert parse("-qq", "ruff").quiet == 2
    with pytest.raises(ArgvError):
        parse("-qq", "ruff", version=OLD)


def test_verbose_counts_in_every_version() -> None:
    assert parse("-vv", "-v", "ruff", version=OLD).verbose == 3


def test_quiet_and_verbose_conflict() -> None:
    with pytest.raises(ArgvError, match="conflicts"):
        parse("-qv", "ruff")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--managed-python"], "only-managed"),
        (["--no-managed-python"], "only-system"),
        (["--managed-python", "--no-managed-python"], "only-system"),  # clap overrides_with
        (["--python-preference", "system"], "system"),
    ],
)
def test_python_preference(args: list[str], expected: str) -> None:
    assert parse(*args, "ruff").python_preference == expected


def test_python_preference_with_managed_flag_is_rejected() -> None:
    with pytest.raises(ArgvError):
        parse("--python-preference", "system", "--managed-python", "ruff")


def test_offline_then_no_offline() -> None:
    assert parse("--offline", "--no-offline", "ruff").offline is False


def test_double_dash_ends_the_options() -> None:
    inv = parse("--with", "a", "--", "tox", "run", "--", "-x")
    assert (inv.command, inv.tool_args, inv.separator) == ("tox", ("run", "--", "-x"), True)
    assert render(inv) == ["--with", "a", "--", "tox", "run", "--", "-x"]


def test_double_dash_then_a_dashed_word_is_the_command() -> None:
    # `uvx -- --foo` makes uv look for a package named `--foo` (0.5.0 and 0.13.9).
    assert parse("--", "--foo").command == "--foo"


@pytest.mark.parametrize(
    "args", [[], ["--"], ["--help"], ["-h"], ["--version"], ["-V"], ["-hq", "ruff"], ["-p", "3"]]
)
def test_help_version_or_no_command(args: list[str]) -> None:
    assert parse(*args).help_or_version


def test_help_after_the_command_is_the_tools() -> None:
    assert not parse("ruff", "--help").help_or_version


@pytest.mark.parametrize(
    "args",
    [
        ["--bogus", "ruff"],
        ["-x", "ruff"],
        ["--pyth", "3.12", "ruff"],  # clap does not complete abbreviations
        ["--python"],
        ["--python", "-x", "ruff"],
        ["--from", "--", "ruff"],
        ["--from=", "ruff"],
        ["--cache-dir", "", "ruff"],
        ["--no-cache=1", "ruff"],
        ["-q=1", "ruff"],
        ["--no-cache", "-n", "ruff"],
        ["--python", "3.11", "--python", "3.12", "ruff"],
        ["-1", "ruff"],
    ],
)
def test_rejected(args: list[str]) -> None:
    """clap's usage errors: uv refuses these itself, before it reads its cache."""
    with pytest.raises(ArgvRefusedError):
        parse(*args)
    # A uv newer than any known may accept what the newest table does not.
    with pytest.raises(ArgvError):
        parse(*args, version=None)


@pytest.mark.parametrize("args", [["--python=", "ruff"], ["-p=", "ruff"], ["-p", "", "ruff"],
                                  ["--python", "3.12", "--with", "", "-w=", "ruff"]])
def test_an_empty_value_uv_reads_as_unset_is_given_empty(args: list[str]) -> None:
    inv = parse(*args)
    assert inv.command == "ruff"
    assert inv.python_request in ("", "3.12")
    assert inv.with_requirements == ()
    assert render(inv) == args


@pytest.mark.parametrize(("args", "version", "refused"), [
    (["--with", "", "ruff"], OLD, True),  # a Vec<String>: "Empty field is not allowed"
    (["--with", "", "ruff"], Version("0.5.1"), False),
    (["--with-editable=", "ruff"], OLD, True),
    (["--reinstall-package=", "ruff"], Version("0.11.14"), False),
    (["--reinstall-package=", "ruff"], Version("0.11.15"), True),
    (["--index-url=", "ruff"], NEW, False),
])
def test_empty_values_per_release(args: list[str], version: Version, refused: bool) -> None:
    if refused:
        with pytest.raises(ArgvRefusedError, match="empty value"):
            parse(*args, version=version)
    else:
        assert parse(*args, version=version).command == "ruff"


@pytest.mark.parametrize(
    ("args", "first_accepting"),
    [
        (["--managed-python"], "0.6.8"),
        (["-w", "a"], "0.7.22"),
        (["-c", "c.txt"], "0.6.5"),
    ],
)
def test_options_exist_from_their_release(args: list[str], first_accepting: str) -> None:
    accepting = Version(first_accepting)
    before = Version(f"{accepting.major}.{accepting.minor}.{accepting.micro - 1}")
    assert parse(*args, "ruff", version=accepting).command == "ruff"
    with pytest.raises(ArgvError, match="unknown"):
        parse(*args, "ruff", version=before)


def test_version_flag_after_tool_run_only_before_0_7() -> None:
    assert parse_uvx(["--version"], Version("0.6.4"), level=Level.TOOL_RUN).help_or_version
    with pytest.raises(ArgvError):
        parse_uvx(["--version"], Version("0.7.0"), level=Level.TOOL_RUN)
    assert parse_uvx(["--version"], Version("0.7.0")).help_or_version


def test_unknown_uv_version_uses_newest_table() -> None:
    assert parse("-w", "a", "ruff", version=None).with_requirements == ("a",)
    assert parse("-w", "a", "ruff", version=Version("1.0")).with_requirements == ("a",)


def test_uv_older_than_the_table_is_rejected() -> None:
    with pytest.raises(ArgvError):
        parse("ruff", version=Version("0.4.30"))


@pytest.mark.parametrize(
    "args",
    [[], ["pip", "install"], ["tool"], ["tool", "list"], ["--no-cache"], ["help", "tool", "run"]],
)
def test_uv_commands_other_than_tool_run(args: list[str]) -> None:
    assert parse_uv(args, NEW) is None


def test_uv_tool_run_with_global_options_at_every_level() -> None:
    args = ["-n", "tool", "--cache-dir", "/c", "run", "-q", "--python", "3.12", "ruff", "-v"]
    inv = parse_uv(args, NEW)
    assert inv is not None
    assert (inv.no_cache, inv.cache_dir, inv.quiet, inv.python_request) == (True, "/c", 1, "3.12")
    assert (inv.command, inv.tool_args) == ("ruff", ("-v",))
    assert render(inv) == args


def test_uv_tool_uvx_is_uvx() -> None:
    inv = parse_uv(["tool", "uvx", "-V"], NEW)
    assert inv is not None
    assert inv.level is Level.UVX
    assert inv.help_or_version


def test_deeper_level_wins() -> None:
    # `uv -v tool uvx -v` logs at level 1: clap keeps the subcommand's own value (0.13.9).
    inv = parse_uv(["--cache-dir", "a", "-v", "tool", "run", "--cache-dir", "b", "-v", "x"], NEW)
    assert inv is not None
    assert (inv.cache_dir, inv.verbose) == ("b", 1)


@pytest.mark.parametrize(
    "args",
    [
        ["--python", "3.12", "tool", "run", "x"],  # not a global option
        ["--isolated", "tool", "run", "x"],  # the global `--isolated` is another, deprecated one
        ["--bogus", "tool", "run", "x"],
        ["--", "tool", "run", "x"],
        ["-n", "-n", "tool", "run", "x"],
        # uv runs these (clap checks conflicts per level); we do not guess how it combines them.
        ["-q", "tool", "run", "-v", "x"],
        ["--python-preference", "system", "tool", "run", "--managed-python", "x"],
    ],
)
def test_uv_prefix_rejected(args: list[str]) -> None:
    with pytest.raises(ArgvError):
        parse_uv(args, NEW)


def test_insert_before_the_command() -> None:
    inv = with_options(parse("--with", "a", "ruff", "--python", "x"), ["--no-cache", "-p", "3.12"])
    assert render(inv) == ["--with", "a", "--no-cache", "-p", "3.12", "ruff", "--python", "x"]
    assert inv.python_request == "3.12"


def test_insert_before_double_dash() -> None:
    inv = with_options(parse("--", "tox"), ["--offline"])
    assert render(inv) == ["--offline", "--", "tox"]


def test_insert_after_tool_run() -> None:
    inv = parse_uv(["tool", "run", "ruff"], NEW)
    assert inv is not None
    assert render(with_options(inv, ["--isolated"])) == ["tool", "run", "--isolated", "ruff"]


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["-n", "ruff"], ["--no-cache"]),
        (["--no-cache-dir", "ruff"], ["-n"]),  # an alias is the same option
        (["--python=3.12", "ruff"], ["--python", "3.12"]),
        (["-qq", "ruff"], ["-q"]),
        (["--with", "a", "ruff"], ["--with", "a"]),
    ],
)
def test_insert_what_is_already_there_changes_nothing(args: list[str], extra: list[str]) -> None:
    inv = parse(*args)
    assert with_options(inv, extra) == inv


def test_insert_given_before_tool_changes_nothing() -> None:
    inv = parse_uv(["--no-cache", "tool", "run", "ruff"], NEW)
    assert inv is not None
    assert with_options(inv, ["--no-cache"]) == inv


@pytest.mark.parametrize(
    ("args", "extra"),
    [
        (["--python", "3.11", "ruff"], ["--python", "3.12"]),  # uv: "cannot be used multiple times"
        (["-v", "ruff"], ["-q"]),
        (["ruff"], ["ruff"]),
        (["ruff"], ["--python"]),
        (["ruff"], ["--bogus"]),
    ],
)
def test_insert_rejected(args: list[str], extra: list[str]) -> None:
    with pytest.raises(ArgvError):
        with_options(parse(*args), extra)


def test_insert_unknown_to_this_uv_is_rejected() -> None:
    with pytest.raises(ArgvError):
        with_options(parse("ruff", version=OLD), ["--managed-python"])
