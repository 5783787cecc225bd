"""Which Python preference uv applies, and the values uv refuses itself."""

from __future__ import annotations

import pytest

from uvshim.discovery.preference import python_preference
from uvshim.errors import UvRefusesError
from uvshim.versions import Version

UV = Version("0.13.9")


def test_the_flag_beats_the_variable_which_beats_the_config() -> None:
    assert python_preference("system", "only-managed", {}, UV) == "system"
    assert python_preference(None, "only-managed", {"UV_PYTHON_PREFERENCE": "system"},
                             UV) == "system"
    assert python_preference(None, "only-managed", {}, UV) == "only-managed"
    assert python_preference(None, None, {}, UV) == "managed"


@pytest.mark.parametrize(("flag", "config", "environ"), [
    ("sometimes", None, {}),  # clap: "invalid value 'sometimes' for '--python-preference'"
    (None, None, {"UV_PYTHON_PREFERENCE": "sometimes"}),  # clap reads it as the flag
    (None, "sometimes", {}),  # uv.toml: "Failed to parse"
])
def test_a_value_uv_does_not_know_is_refused_by_uv(flag: str | None, config: str | None,
                                                   environ: dict[str, str]) -> None:
    with pytest.raises(UvRefusesError):
        python_preference(flag, config, environ, UV)
