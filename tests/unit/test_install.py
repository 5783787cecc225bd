"""``uvshim install`` / ``uninstall`` / ``install --check`` on a folder, with fake uv binaries.

A fake uv here is a text file whose content is what its ``--version`` would print; the one
place install runs a binary (``_prints``) reads that instead, so no process is started.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

from uvshim.cli import main
from uvshim.commands import install
from uvshim.commands import launcher_readback as readback
from uvshim.commands.install_manifest import manifest_path
from uvshim.commands.launcher_template import (
    SHIM_NAMES,
    render_launcher,
    repair_hint,
    runtime_paths,
)
from uvshim.errors import UvshimError
from uvshim.uv.binary import is_launcher

REAL_UV = "uv 0.13.9 (x86_64-unknown-linux-gnu)\n"
REAL_UVX = "uvx 0.13.9 (x86_64-unknown-linux-gnu)\n"


@pytest.fixture(autouse=True)
def fake_version_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    def prints(binary: Path, expected: Any) -> bool:
        return expected.match(binary.read_text()) is not None

    monkeypatch.setattr(install, "_prints", prints)


def fake_binary(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def image_bin(tmp_path: Path) -> Path:
    """A folder laid out like /usr/local/bin in uv's images: the real uv and uvx."""
    folder = tmp_path / "usr" / "local" / "bin"
    fake_binary(folder / "uv", REAL_UV)
    fake_binary(folder / "uvx", REAL_UVX)
    return folder


def launcher_code(launcher: Path) -> str:
    """The launcher's Python code: the launcher is a Python file run by its "#!" line."""
    return launcher.read_text()


def test_install_writes_both_launchers_and_records_them(tmp_path: Path) -> None:
    folder = tmp_path / "shims"
    installed = install.install_launchers(folder)
    assert installed.written == (folder / "uvx", folder / "uv")
    for name in ("uvx", "uv"):
        assert is_launcher(str(folder / name))
        assert os.access(folder / name, os.X_OK)
        assert shlex.quote(sys.executable) in (folder / name).read_text()
    manifest = json.loads((folder / ".uvshim" / "manifest.json").read_text())
    assert manifest["files"] == {"uvx": {"set_aside": False}, "uv": {"set_aside": False}}
    assert manifest["created_folder"] is True
    assert sorted(p.name for p in folder.iterdir()) == [".uvshim", "uv", "uvx"]


def test_reinstall_over_own_launchers_is_quiet_and_idempotent(tmp_path: Path) -> None:
    folder = tmp_path / "shims"
    install.install_launchers(folder)
    before = (folder / "uvx").read_text()
    install.install_launchers(folder)
    assert (folder / "uvx").read_text() == before
    assert json.loads(manifest_path(folder).read_text())["created_folder"] is True


def test_real_uv_is_never_replaced_even_with_force(tmp_path: Path) -> None:
    folder = tmp_path / "bin"
    fake_binary(folder / "uv", REAL_UV)
    with pytest.raises(UvshimError, match=r"bin/uv is not a uvshim launcher .*never replaces"):
        install.install_launchers(folder, force=True)
    assert (folder / "uv").read_text() == REAL_UV
    assert sorted(p.name for p in folder.iterdir()) == ["uv"]


def test_foreign_uvx_needs_a_flag_and_force_sets_it_aside(tmp_path: Path) -> None:
    folder = tmp_path / "bin"
    fake_binary(folder / "uvx", "#!/bin/sh\necho mine\n")
    with pytest.raises(UvshimError, match=r"bin/uvx exists and is not a uvshim launcher; "
                                          r"choose another --dir, or --force to set it aside"):
        install.install_launchers(folder, names=("uvx",))
    installed = install.install_launchers(folder, force=True, names=("uvx",))
    assert installed.set_aside == (folder / ".uvshim" / "replaced" / "uvx",)
    assert is_launcher(str(folder / "uvx"))

    undone = install.uninstall_launchers(folder)
    assert undone.removed == (folder / "uvx",)
    assert undone.restored == (folder / "uvx",)
    assert (folder / "uvx").read_text() == "#!/bin/sh\necho mine\n"
    assert sorted(p.name for p in folder.iterdir()) == ["uvx"]


def test_replace_uvx_binds_the_real_uv_beside_it_and_uninstall_puts_uvx_back(
        tmp_path: Path) -> None:
    folder = image_bin(tmp_path)
    installed = install.install_launchers(folder, replace_uvx=True)
    assert installed.written == (folder / "uvx",)
    assert installed.real_uv == str(folder / "uv")
    assert (folder / "uv").read_text() == REAL_UV
    assert (folder / ".uvshim" / "replaced" / "uvx").read_text() == REAL_UVX
    assert json.dumps(str(folder / "uv")) in launcher_code(folder / "uvx")

    install.install_launchers(folder, replace_uvx=True)  # again: the launcher is ours now
    assert (folder / ".uvshim" / "replaced" / "uvx").read_text() == REAL_UVX

    install.uninstall_launchers(folder)
    assert (folder / "uvx").read_text() == REAL_UVX
    assert sorted(p.name for p in folder.iterdir()) == ["uv", "uvx"]


def test_replace_uvx_refuses_a_folder_without_the_real_uv(tmp_path: Path) -> None:
    folder = tmp_path / "bin"
    fake_binary(folder / "uvx", REAL_UVX)
    with pytest.raises(UvshimError, match=r"bin/uv is not the real uv; --replace-uvx"):
        install.install_launchers(folder, replace_uvx=True)
    assert (folder / "uvx").read_text() == REAL_UVX


def test_replace_uvx_refuses_a_uvx_that_is_not_uvs(tmp_path: Path) -> None:
    folder = image_bin(tmp_path)
    (folder / "uvx").write_text("something else\n")
    with pytest.raises(UvshimError, match=r"bin/uvx does not answer --version like uv's uvx"):
        install.install_launchers(folder, replace_uvx=True)
    assert not (folder / ".uvshim").exists()


def test_bound_launcher_lets_the_users_setting_win(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    folder = image_bin(tmp_path)
    install.install_launchers(folder, replace_uvx=True)
    calls: list[tuple[str, list[str], dict[str, str]]] = []
    monkeypatch.setattr("uvshim.full_check.main", lambda mode, args, env: calls.append(
        (mode, args, dict(env))))
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "argv", ["-c", "tox", "--version"])
    code = launcher_code(folder / "uvx")

    monkeypatch.delenv("UVSHIM_REAL_UV", raising=False)
    exec(code, {})  # noqa: S102  -- the launcher's own code, with uvshim.full_check.main mocked
    monkeypatch.setenv("UVSHIM_REAL_UV", "/elsewhere/uv")
    exec(code, {})  # noqa: S102

    assert [(mode, args) for mode, args, _ in calls] == [("uvx", ["tox", "--version"])] * 2
    assert calls[0][2]["UVSHIM_REAL_UV"] == str(folder / "uv")
    assert calls[1][2]["UVSHIM_REAL_UV"] == "/elsewhere/uv"


def test_only_installs_add_up_in_the_manifest(tmp_path: Path) -> None:
    folder = tmp_path / "shims"
    install.install_launchers(folder, names=("uvx",))
    install.install_launchers(folder, names=("uv",))
    assert sorted(json.loads(manifest_path(folder).read_text())["files"]) == ["uv", "uvx"]
    assert install.uninstall_launchers(folder).removed == (folder / "uvx", folder / "uv")
    assert not folder.exists()


def test_uninstall_removes_only_what_is_still_our_launcher(tmp_path: Path) -> None:
    folder = tmp_path / "bin"
    fake_binary(folder / "tox", "#!/bin/sh\n")  # the folder existed and holds other files
    install.install_launchers(folder)
    fake_binary(folder / "uv", REAL_UV)  # uv's installer wrote over our launcher since

    undone = install.uninstall_launchers(folder)
    assert undone.removed == (folder / "uvx",)
    assert undone.kept == (folder / "uv",)
    assert sorted(p.name for p in folder.iterdir()) == ["tox", "uv"]


def test_uninstall_without_a_record_says_which_folder_to_pass(tmp_path: Path) -> None:
    fake_binary(tmp_path / "uvx", "#!/bin/sh\n# uvshim-launcher\n")
    with pytest.raises(UvshimError, match=r"nothing recorded in .*\.uvshim/manifest\.json; "
                                          r"pass --dir"):
        install.uninstall_launchers(tmp_path)
    assert (tmp_path / "uvx").exists()


def test_check_says_what_comes_first_and_which_uv_is_called(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install, "uv_version", lambda uv, _state: Path(uv).read_text().split()[1])
    shims = tmp_path / "shims"
    install.install_launchers(shims)
    real = image_bin(tmp_path)
    env = {"PATH": f"{shims}:{real}", "UVSHIM_CACHE_DIR": str(tmp_path / "state")}

    good = install.check_launchers(shims, env)
    assert good.ok
    assert good.lines == (f"uvx: {shims}/uvx comes first on PATH",
                          f"uv: {shims}/uv comes first on PATH",
                          "model: uv 0.13.9 is a release uvshim models (0.5.0 to 0.13.9)",
                          f"real uv: {real}/uv (uv 0.13.9); the launchers call it")

    bad = install.check_launchers(shims, {**env, "PATH": f"{real}:{shims}"})
    assert not bad.ok
    assert bad.lines[0] == (f"uvx: PATH runs {real}/uvx first, not {shims}/uvx; "
                            f"put {shims} ahead of {real} on PATH")

    missing = install.check_launchers(shims, {**env, "PATH": str(tmp_path / "nowhere")})
    assert missing.lines[0] == f'uvx: not on PATH; add it: export PATH="{shims}:$PATH"'
    assert missing.lines[2].startswith("real uv: no real uv found on PATH")


def test_check_of_a_replaced_uvx_uses_the_bound_uv(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install, "uv_version", lambda uv, _state: Path(uv).read_text().split()[1])
    folder = image_bin(tmp_path)
    install.install_launchers(folder, replace_uvx=True)
    other = fake_binary(tmp_path / "other" / "uv", REAL_UV).parent
    report = install.check_launchers(folder, {"PATH": f"{other}:{folder}"})
    assert report.ok
    assert report.lines[-1] == f"real uv: {folder}/uv (uv 0.13.9); the launchers call it"


def test_check_without_launchers_fails(tmp_path: Path) -> None:
    report = install.check_launchers(tmp_path, {"PATH": "/usr/bin"})
    assert not report.ok
    assert report.lines == (f"no uvshim launchers recorded in {tmp_path}; "
                            f"run `uvshim install --dir {tmp_path}`",)


def test_cli_install_prints_the_path_line(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install", "--dir", str(tmp_path / "shims")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f'  export PATH="{tmp_path}/shims:$PATH"'


def test_cli_default_folder_is_per_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("PATH", "/usr/bin:/bin")  # uninstall looks on PATH too
    assert main(["install"]) == 0
    assert (tmp_path / "data" / "uvshim" / "bin" / "uvx").is_file()
    assert main(["uninstall"]) == 0
    assert not (tmp_path / "data" / "uvshim" / "bin").exists()
    assert capsys.readouterr().err == ""


def test_cli_replace_uvx_needs_dir(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install", "--replace-uvx"]) == 2
    assert capsys.readouterr().err == ("uvshim: error: --replace-uvx needs --dir: the folder "
                                       "holding the real uv and uvx\n")


def test_cli_replace_uvx_refuses_only_uv(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install", "--replace-uvx", "--only", "uv", "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == ("uvshim: error: --replace-uvx writes the uvx launcher "
                                       "only and never touches uv; drop --only uv\n")
    assert list(tmp_path.iterdir()) == []


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["uninstall", "--dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"uvshim: error: nothing recorded in {tmp_path}/.uvshim/")
    assert err.count("\n") == 1


def test_cli_os_errors_name_the_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["install", "--dir", str(blocker / "shims")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"uvshim: error: cannot create {blocker}/shims: ")
    assert err.endswith("; choose another --dir\n")


def render(name: str = "uvx", python: str = "/opt/py/bin/python3", real_uv: str | None = None,
           ) -> str:
    hint = repair_hint(Path("/opt/shims"), SHIM_NAMES, replace_uvx=False)
    return render_launcher(name, python, ["/opt/site"], real_uv, hint)


@pytest.mark.parametrize("python", ["/opt/py/bin/python3", "/opt/a b/python3",
                                    "/opt/" + "x" * 130 + "/python3", "/opt/$HOME/`x`/python"])
def test_launcher_is_a_shell_script_python_reads_as_one_string(python: str) -> None:
    text = render(python=python, real_uv="/usr/local/bin/uv")
    assert text.startswith("#!/bin/sh\n''':'\n# uvshim-launcher: ")
    assert f"\npython={shlex.quote(python)}\n" in text
    assert f"uv=${{UVSHIM_REAL_UV:-{shlex.quote('/usr/local/bin/uv')}}}\n" in text
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an invalid escape in the shell part would warn
        code = compile(text, "<launcher>", "exec")
    shell_part = code.co_consts[0]
    assert isinstance(shell_part, str)
    assert shell_part.startswith(":'\n# uvshim-launcher")
    assert shell_part.endswith('exec "$uv" tool uvx "$@"\n')


@pytest.mark.parametrize("python", ["/opt/it's here/python3", "/opt/back\\slash/python3",
                                    "/opt/line\nbreak/python3"])
def test_launcher_refuses_paths_its_shell_part_cannot_hold(python: str) -> None:
    with pytest.raises(UvshimError, match="a quote, a backslash or a line break"):
        render(python=python)


def test_uv_and_uvx_launchers_differ_only_in_what_they_run() -> None:
    uvx, uv = render("uvx").splitlines(), render("uv").splitlines()
    assert uv.pop(3) == ("# `uv run`, `uv tool run` and `uv tool uvx` are checked; every other "
                         "uv command runs untouched.")
    assert [(a, b) for a, b in zip(uvx, uv) if a != b] == [
        ("# uvshim-launcher: the uvx shim of one uvshim installation, written by `uvshim "
         "install`.", "# uvshim-launcher: the uv shim of one uvshim installation, written by "
         "`uvshim install`."),
        ("# found. Say what is wrong and how to repair it in one line, then run uv as uvx would.",
         "# found. Say what is wrong and how to repair it in one line, then run uv with its "
         "arguments."),
        ('exec "$uv" tool uvx "$@"', 'exec "$uv" "$@"'),
        ('    main("uvx", sys.argv[1:], {})', '    main("uv", sys.argv[1:], {})')]
    assert len(uvx) == len(uv)


def test_repair_hint_names_the_folder_and_how_it_was_installed() -> None:
    shims, image = Path("/home/me/.local/share/uvshim/bin"), Path("/usr/local/bin")
    assert repair_hint(shims, ("uvx", "uv"), replace_uvx=False) == (
        f"reinstall uvshim and run `uvshim install --dir {shims}`, or take {shims} off PATH")
    assert repair_hint(shims, ("uvx",), replace_uvx=False).startswith(
        f"reinstall uvshim and run `uvshim install --dir {shims} --only uvx`")
    assert repair_hint(image, ("uvx",), replace_uvx=True) == (
        f"reinstall uvshim and run `uvshim install --dir {image} --replace-uvx`, or put the "
        f"real uvx back: `mv {image}/.uvshim/replaced/uvx {image}/uvx`")
    assert '--dir "/opt/a b"' in repair_hint(Path("/opt/a b"), ("uv",), replace_uvx=False)


class ExecCalledError(RuntimeError):
    pass


@pytest.fixture
def launcher_exec(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str], str]]:
    """Run the launcher's Python part in this process; its exec of /bin/sh is recorded."""
    calls: list[tuple[str, list[str], str]] = []
    told: dict[str, str] = {}
    monkeypatch.setattr("posix.putenv", told.__setitem__)

    def execv(path: str, argv: list[str]) -> None:
        calls.append((path, argv, told.get("UVSHIM_LAUNCHER_ERROR", "")))
        raise ExecCalledError

    monkeypatch.setattr("posix.execv", execv)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "argv", ["/opt/shims/uvx", "tox", "-e", "py 3"])
    return calls


def fails_to_load(exc: Exception) -> Any:
    def main(*_args: object) -> None:
        raise exc
    return main


def fails_in_module_code(*_args: object) -> None:
    # A module whose own code raises while it is imported, as a half-upgraded uvshim may.
    exec(compile("raise AttributeError('half-upgraded')", "uvshim/full_check.py", "exec"))  # noqa: S102


@pytest.mark.parametrize(("main", "what"), [
    (fails_to_load(ModuleNotFoundError("No module named 'platformdirs'")),
     "ModuleNotFoundError: No module named 'platformdirs'"),
    (fails_to_load(SyntaxError("invalid syntax")), "SyntaxError: invalid syntax"),
    (fails_in_module_code, "AttributeError: half-upgraded"),
    (fails_to_load(ImportError("bad\nmagic\x1b")), "ImportError: bad?magic?"),
])
def test_launcher_runs_its_shell_part_when_uvshim_cannot_load(
        launcher_exec: list[tuple[str, list[str], str]], monkeypatch: pytest.MonkeyPatch,
        main: Any, what: str) -> None:
    monkeypatch.setattr("uvshim.entry.main", main)
    with pytest.raises(ExecCalledError):
        exec(render("uvx"), {})  # noqa: S102  -- the launcher's own code
    assert launcher_exec == [("/bin/sh", ["/bin/sh", "/opt/shims/uvx", "tox", "-e", "py 3"],
                              f"{sys.executable} cannot load uvshim ({what})")]


def test_launcher_lets_errors_of_a_running_uvshim_and_its_exit_through(
        launcher_exec: list[tuple[str, list[str], str]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("uvshim.entry.main", fails_to_load(KeyError("a bug")))
    with pytest.raises(KeyError, match="a bug"):
        exec(render("uv"), {})  # noqa: S102
    monkeypatch.setattr("uvshim.entry.main", fails_to_load(SystemExit(127)))  # type: ignore[arg-type]
    with pytest.raises(SystemExit):
        exec(render("uv"), {})  # noqa: S102
    assert launcher_exec == []


EARLIER_DIRECT = ("#!/opt/py/bin/python3 -IS\n# uvshim-launcher\nimport sys\n\n"
                  'sys.path[:0] = ["/s"]\n')
EARLIER_POLYGLOT = ("#!/bin/sh\n''''exec '/opt/a b/python3' -I -S \"$0\" \"$@\" # '''\n"
                    '# uvshim-launcher\nimport sys\n\nsys.path[:0] = ["/s", "/t"]\n')


def test_launcher_target_reads_this_and_earlier_launchers() -> None:
    assert readback.launcher_target(render(python="/opt/a b/python3")) == readback.LauncherTarget(
        "/opt/a b/python3", ("/opt/site",), falls_back=True)
    assert readback.launcher_target(EARLIER_DIRECT) == readback.LauncherTarget(
        "/opt/py/bin/python3", ("/s",), falls_back=False)
    assert readback.launcher_target(EARLIER_POLYGLOT) == readback.LauncherTarget(
        "/opt/a b/python3", ("/s", "/t"), falls_back=False)
    assert readback.launcher_target("#!/bin/sh\necho hi\n") is None
    assert readback.launcher_target("python=/x\nsys.path[:0] = [1]\n") is None


def never_loads(python: str, paths: tuple[str, ...]) -> str:
    return f"ModuleNotFoundError: No module named 'uvshim' ({python}, {len(paths)})"


def test_launcher_problem_names_what_is_broken(tmp_path: Path) -> None:
    python = fake_binary(tmp_path / "py" / "python3", "")
    launcher = tmp_path / "uvx"
    launcher.write_text(render(python=str(python)))
    assert readback.launcher_problem(launcher, lambda _python, _paths: None) is None
    assert readback.launcher_problem(launcher, never_loads) == (
        f"{python} cannot load uvshim (ModuleNotFoundError: No module named 'uvshim' "
        f"({python}, 1)), so it runs uv without uvshim")
    python.unlink()
    assert readback.launcher_problem(launcher, never_loads) == (
        f"its Python {python} is gone, so it runs uv without uvshim")
    launcher.write_text(EARLIER_DIRECT.replace("/opt/py/bin/python3", str(python)))
    assert readback.launcher_problem(launcher, never_loads) == (
        f"its Python {python} is gone, and this launcher of an earlier uvshim fails instead "
        "of running uv")


def test_check_reports_a_launcher_that_cannot_load_uvshim(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(install, "uv_version", lambda uv, _state: Path(uv).read_text().split()[1])
    monkeypatch.setattr(install, "loads_uvshim", never_loads)
    shims = tmp_path / "shims"
    install.install_launchers(shims, names=("uvx",))
    real = image_bin(tmp_path)
    report = install.check_launchers(shims, {"PATH": f"{shims}:{real}",
                                             "UVSHIM_CACHE_DIR": str(tmp_path / "state")})
    assert not report.ok
    assert report.lines == (
        f"uvx: {shims}/uvx comes first on PATH",
        f"uvx: {sys.executable} cannot load uvshim (ModuleNotFoundError: No module named "
        f"'uvshim' ({sys.executable}, {len(runtime_paths())})), so it runs uv without "
        f"uvshim; point it at this uvshim with `uvshim install --dir {shims}`, or remove it "
        f"with `uvshim uninstall --dir {shims}`",
        "model: uv 0.13.9 is a release uvshim models (0.5.0 to 0.13.9)",
        f"real uv: {real}/uv (uv 0.13.9); the launchers call it")


def test_uninstall_without_dir_finds_recorded_launchers_on_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    elsewhere, image = tmp_path / "elsewhere", image_bin(tmp_path)
    install.install_launchers(elsewhere)
    install.install_launchers(image, replace_uvx=True)
    unrecorded = tmp_path / "unrecorded"
    fake_binary(unrecorded / "uvx", "#!/bin/sh\n# uvshim-launcher\n")
    path = f"relative:{unrecorded}:{elsewhere}:{image}:{elsewhere}/../elsewhere"
    monkeypatch.setenv("PATH", path)
    assert install.installed_folders(install.default_shim_dir(), {"PATH": path}) == [
        elsewhere, image]

    assert main(["uninstall"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"removed {elsewhere}/uvx", f"removed {elsewhere}/uv", f"removed {image}/uvx",
        f"put back {image}/uvx"]
    assert not elsewhere.exists()
    assert (image / "uvx").read_text() == REAL_UVX
    assert (unrecorded / "uvx").exists()


# ``uvx`` and ``uv`` as ``uvshim install`` wrote them from two templates, before the one
# template (Python /opt/py/bin/python3, folders /opt/site and /x, installed in "/opt/a b").
BEFORE_ONE_TEMPLATE = Path(__file__).parent / "earlier_launchers"


def test_launchers_of_the_two_templates_are_read_back_and_uninstalled(tmp_path: Path) -> None:
    folder = tmp_path / "shims"
    install.install_launchers(folder)
    for name in SHIM_NAMES:
        (folder / name).write_text((BEFORE_ONE_TEMPLATE / name).read_text())
        assert readback.launcher_target((folder / name).read_text()) == readback.LauncherTarget(
            "/opt/py/bin/python3", ("/opt/site", "/x"), falls_back=True)
    assert install.uninstall_launchers(folder).removed == (folder / "uvx", folder / "uv")


@pytest.mark.parametrize("name", SHIM_NAMES)
def test_rendering_fills_every_placeholder_and_drops_the_other_launchers_lines(name: str) -> None:
    text = render(name, real_uv="/usr/local/bin/uv")
    assert re.search(r"@[A-Za-z_]*@", text) is None
    assert text.count("\nexec \"$uv\" ") == 1
