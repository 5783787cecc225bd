"""Run inside a target interpreter to report its identity as JSON.

Standard library only, and syntax that every Python uv can use (3.7+) still parses: no
``from __future__ import annotations``, no walrus, typing generics from ``typing``. The JSON
is printed between markers given on the command line, so anything else the interpreter
prints (a sitecustomize, a warning) is harmless.
"""

import json
import os
import platform
import sys
import sysconfig
from typing import Dict, Optional


def _relative_purelib() -> Optional[str]:
    # uv lays out a virtual environment with the interpreter's own venv scheme (3.11+) or
    # posix_prefix/nt; Debian's default posix_local scheme would say dist-packages instead.
    schemes = sysconfig.get_scheme_names()
    scheme = "venv" if "venv" in schemes else ("nt" if os.name == "nt" else "posix_prefix")
    base = os.path.join(os.sep, "uvshim-base")
    keys = ("base", "platbase", "installed_base", "installed_platbase")
    path = sysconfig.get_path("purelib", scheme, vars=dict.fromkeys(keys, base))
    if not path.startswith(base):
        return None
    return os.path.relpath(path, base).replace(os.sep, "/")


def _prefix() -> str:
    # The probe runs with -S, and it is site.venv() that switches sys.prefix to a virtual
    # environment's folder; look where site looks: pyvenv.cfg beside the executable's
    # folder or one level up.
    folder = os.path.dirname(os.path.abspath(sys.executable))
    for where in (folder, os.path.dirname(folder)):
        if os.path.isfile(os.path.join(where, "pyvenv.cfg")):
            return where
    return sys.prefix


def identity() -> Dict[str, object]:
    build_no, build_date = platform.python_build()
    return {
        "implementation": platform.python_implementation(),
        "version": platform.python_version(),
        "abiflags": getattr(sys, "abiflags", ""),
        "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "machine": platform.machine(),
        "pointer_bits": 64 if sys.maxsize > 2**32 else 32,
        "sys_executable": sys.executable,
        "prefix": _prefix(),
        "base_prefix": getattr(sys, "base_prefix", sys.prefix),
        "build": f"{build_no}, {build_date}",
        "compiler": platform.python_compiler(),
        "purelib": _relative_purelib(),
    }


if __name__ == "__main__":
    start, end = sys.argv[1], sys.argv[2]
    sys.stdout.write(start + json.dumps(identity()) + end)
