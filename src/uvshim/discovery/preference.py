"""Whether uv prefers managed Pythons or the system's (``--python-preference``,
``--managed-python``, their variables and ``uv.toml``), per release
(``resolve_python_preference``, ``crates/uv/src/settings.rs``).
"""

from __future__ import annotations

from uvshim.errors import UndecidableError, UvRefusesError
from uvshim.uv.releases import MANAGED_PYTHON_FLAGS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Final

    from uvshim.versions import Version



class PythonPreference:
    """uv's ``PythonPreference`` values (plain strings: ``enum`` is a dear import on the hot
    path)."""

    ONLY_MANAGED: Final = "only-managed"
    MANAGED: Final = "managed"  # uv's default
    SYSTEM: Final = "system"
    ONLY_SYSTEM: Final = "only-system"


PREFERENCES = (PythonPreference.ONLY_MANAGED, PythonPreference.MANAGED, PythonPreference.SYSTEM,
               PythonPreference.ONLY_SYSTEM)


def python_preference(flag: str | None, config: str | None, environ: Mapping[str, str],
                       uv: Version) -> str:
    """``resolve_python_preference`` (``crates/uv/src/settings.rs``).

    ``--managed-python`` / ``UV_MANAGED_PYTHON`` mean only-managed and ``--no-managed-python`` /
    ``UV_NO_MANAGED_PYTHON`` only-system, from 0.6.8 (clap ``env``; 0.6.4 ignores both
    variables); they beat ``--python-preference`` / ``UV_PYTHON_PREFERENCE`` (all versions),
    which beats ``python-preference`` in uv.toml; the default is managed.
    """
    from_variables = _preference_from_variables(environ, uv)
    if flag is not None:
        if flag not in PREFERENCES:  # clap's value enum, the same in every release
            raise UvRefusesError(f"the preference flag {flag!r} is not one uv accepts")
        if from_variables not in (None, flag):
            raise UndecidableError(f"the preference flag {flag} disagrees with the environment")
        return flag
    if from_variables is not None:
        return from_variables
    variable = environ.get("UV_PYTHON_PREFERENCE", "")
    if variable and variable not in PREFERENCES:  # clap reads the variable as the flag
        raise UvRefusesError(f"UV_PYTHON_PREFERENCE={variable!r} is not one uv accepts")
    value = variable or config or PythonPreference.MANAGED
    if value not in PREFERENCES:  # from uv.toml, which uv fails to parse (0.5.0-0.13.9)
        raise UvRefusesError(f"python-preference {value!r} in uv.toml is not one uv accepts")
    return value


def _preference_from_variables(environ: Mapping[str, str], uv: Version) -> str | None:
    if uv < MANAGED_PYTHON_FLAGS:
        return None
    managed = _boolish(environ, "UV_MANAGED_PYTHON")
    unmanaged = _boolish(environ, "UV_NO_MANAGED_PYTHON")
    if managed and unmanaged:
        raise UndecidableError("both UV_MANAGED_PYTHON and UV_NO_MANAGED_PYTHON are set")
    if (managed or unmanaged) and environ.get("UV_PYTHON_PREFERENCE"):
        raise UndecidableError("UV_PYTHON_PREFERENCE conflicts with UV_(NO_)MANAGED_PYTHON")
    if managed:
        return PythonPreference.ONLY_MANAGED
    return PythonPreference.ONLY_SYSTEM if unmanaged else None


def _boolish(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name)
    if value is None:
        return False
    if value.lower() in ("1", "true"):
        return True
    if value.lower() in ("0", "false"):
        return False
    # clap's falsey parser (<=0.10) and uv's own boolish parser differ on other spellings.
    raise UndecidableError(f"{name}={value!r} is not modelled")
