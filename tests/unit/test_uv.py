from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from uvshim.errors import UndecidableError, UvNotFoundError, UvRefusesError
from uvshim.uv import settings
from uvshim.uv.binary import find_real_uv, uv_version
from uvshim.uv.settings import load_uv_config, uv_cache_dir
from uvshim.versions import Version

PASSWORD_HOME = pwd.getpwuid(os.getuid()).pw_dir  # what uv uses without HOME
LAUNCHER = "#!/bin/sh\n# uvshim-launcher: test\nexec true\n"


def write_exe(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def test_real_uv_skips_launchers_and_relative_path_entries(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    shim = write_exe(tmp_path / "shims" / "uv", LAUNCHER)
    write_exe(tmp_path / "cwd" / "uv", "#!/bin/sh\necho planted\n")
    real = write_exe(tmp_path / "real" / "uv", "#!/bin/sh\necho real\n")
    monkeypatch.chdir(tmp_path / "cwd")
    path = os.pathsep.join(["", ".", "cwd", str(shim.parent), str(real.parent)])
    assert find_real_uv({"PATH": path}) == str(real)


def test_real_uv_override_must_not_be_a_launcher(tmp_path: Path) -> None:
    shim = write_exe(tmp_path / "uv", LAUNCHER)
    with pytest.raises(UvNotFoundError, match="is a uvshim launcher"):
        find_real_uv({"UVSHIM_REAL_UV": str(shim)})
    with pytest.raises(UvNotFoundError, match="does not exist"):
        find_real_uv({"UVSHIM_REAL_UV": str(tmp_path / "missing")})


def test_no_real_uv_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(UvNotFoundError, match="UVSHIM_REAL_UV"):
        find_real_uv({"PATH": str(tmp_path)})


def test_uv_version_is_cached_by_the_binary_stat(tmp_path: Path) -> None:
    counter = tmp_path / "count"
    uv = write_exe(tmp_path / "uv", f"#!/bin/sh\necho x >> {counter}\necho 'uv 0.8.17 (abc)'\n")
    state = tmp_path / "state"
    assert str(uv_version(str(uv), state)) == "0.8.17"
    assert str(uv_version(str(uv), state)) == "0.8.17"
    assert counter.read_text().count("x") == 1
    write_exe(uv, f"#!/bin/sh\necho x >> {counter}\necho 'uv 0.13.9 (def 2026-01-01)'\n")
    assert str(uv_version(str(uv), state)) == "0.13.9"


def test_uv_version_rejects_what_is_not_uv(tmp_path: Path) -> None:
    fake = write_exe(tmp_path / "uv", "#!/bin/sh\necho hello\n")
    with pytest.raises(UndecidableError, match="not a uv release this shim knows"):
        uv_version(str(fake), tmp_path / "state")


def test_old_uvx_version_banner_is_understood(tmp_path: Path) -> None:
    uv = write_exe(tmp_path / "uv", "#!/bin/sh\necho 'uv 0.5.0'\n")
    assert str(uv_version(str(uv), tmp_path / "state")) == "0.5.0"


@pytest.mark.parametrize(("flag", "no_cache", "env", "config", "expected"), [
    (None, True, {"UV_CACHE_DIR": "/c"}, None, None),
    (None, False, {"UV_NO_CACHE": "1", "UV_CACHE_DIR": "/c"}, None, None),
    (None, False, {"UV_NO_CACHE": "false", "UV_CACHE_DIR": "/c"}, None, "/c"),
    ("/flag", False, {"UV_CACHE_DIR": "/c"}, "/cfg", "/flag"),
    (None, False, {"UV_CACHE_DIR": "/c"}, "/cfg", "/c"),
    (None, False, {}, "/cfg", "/cfg"),
    (None, False, {"UV_CACHE_DIR": "rel"}, None, "/work/rel"),
    (None, False, {"XDG_CACHE_HOME": "/x", "HOME": "/h"}, None, "/x/uv"),
    (None, False, {"XDG_CACHE_HOME": "relative", "HOME": "/h"}, None, "/h/.cache/uv"),
    (None, False, {"UV_CACHE_DIR": "~/c"}, None, "/work/~/c"),  # no expansion, as uv
    (None, False, {"HOME": "rel"}, None, "/work/rel/.cache/uv"),
    (None, False, {}, None, f"{PASSWORD_HOME}/.cache/uv"),
])
def test_cache_dir_precedence(flag: str | None, no_cache: bool, env: dict[str, str],
                              config: str | None, expected: str | None) -> None:
    assert uv_cache_dir(flag, no_cache, config, env, "/work") == expected


@pytest.mark.parametrize(("home", "uv", "expected"), [
    ("", "0.8.18", "/work/.cache/uv"),  # an empty HOME was taken as it is
    ("", "0.8.19", f"{PASSWORD_HOME}/.cache/uv"),  # from 0.8.19, as if unset
    (None, "0.5.0", f"{PASSWORD_HOME}/.cache/uv"),
])
def test_cache_dir_without_home(home: str | None, uv: str, expected: str) -> None:
    env = {} if home is None else {"HOME": home}
    assert uv_cache_dir(None, False, None, env, "/work", uv_version=Version(uv)) == expected


def test_cache_dir_without_any_home(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "_password_home", lambda: None)
    assert uv_cache_dir(None, False, None, {}, "/work") == "/work/.uv_cache"


def test_config_reads_user_over_system_and_honours_no_config(tmp_path: Path) -> None:
    user = tmp_path / "config" / "uv" / "uv.toml"
    system = tmp_path / "xdg" / "uv" / "uv.toml"
    user.parent.mkdir(parents=True)
    system.parent.mkdir(parents=True)
    user.write_text('cache-dir = "/from-user"\n')
    system.write_text('cache-dir = "/from-system"\npython-preference = "only-system"\n')
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_CONFIG_DIRS": str(tmp_path / "xdg")}
    config = load_uv_config(None, False, env)
    assert (config.cache_dir, config.python_preference) == ("/from-user", "only-system")
    assert load_uv_config(None, True, env).cache_dir is None
    assert load_uv_config(None, False, {**env, "UV_NO_CONFIG": "1"}).cache_dir is None
    no_system = load_uv_config(None, False, {**env, "UV_NO_SYSTEM_CONFIG": "true"})
    assert no_system.python_preference is None
    assert load_uv_config(str(system), False, env).cache_dir == "/from-system"


def test_broken_config_is_refused_by_uv(tmp_path: Path) -> None:
    """uv says "Failed to parse" itself (0.5.0-0.13.9), before it reads its cache."""
    bad = tmp_path / "uv.toml"
    bad.write_text("cache-dir = [unclosed\n")
    with pytest.raises(UvRefusesError, match="not valid TOML"):
        load_uv_config(str(bad), False, {})
    bad.write_text("cache-dir = 1\n")
    with pytest.raises(UvRefusesError, match="not a string"):
        load_uv_config(str(bad), False, {})


def test_version_probe_runs_no_shell(tmp_path: Path) -> None:
    # A path with shell metacharacters is passed as one argv element, never through a shell.
    odd = write_exe(tmp_path / "u v;$(touch pwned)" / "uv", "#!/bin/sh\necho 'uv 0.6.4'\n")
    assert str(uv_version(str(odd), tmp_path / "state")) == "0.6.4"
    assert not (tmp_path / "pwned").exists()
