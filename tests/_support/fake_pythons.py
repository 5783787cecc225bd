"""Fake interpreters for discovery's unit tests: executable scripts whose identity a fake
``identify`` knows, in folders of a test's own."""

from __future__ import annotations

import os
from pathlib import Path

from uvshim.discovery.query import DiscoveryQuery
from uvshim.discovery.search import InterpreterChoice, choose_tool_run_interpreter
from uvshim.errors import InterpreterError
from uvshim.interpreter_identity import InterpreterIdentity
from uvshim.uv.argv import parse_uvx
from uvshim.versions import Version

NEWEST = "0.13.9"


class World:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.kinds: dict[str, tuple[str, str, bool, str]] = {}
        self.broken: set[str] = set()
        self.environ = {"HOME": str(root / "home"), "PATH": "",
                        "UV_PYTHON_INSTALL_DIR": str(root / "pythons"),
                        "XDG_CONFIG_HOME": str(root / "config")}
        (root / "work").mkdir()

    def python(self, folder: str, name: str, version: str, implementation: str = "CPython",
               *, gil_disabled: bool = False, abiflags: str = "") -> str:
        path = self.root / folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
        self.kinds[str(path)] = (implementation, version, gil_disabled, abiflags)
        return str(path)

    def managed(self, name: str, version: str) -> str:
        minor = ".".join(version.split(".")[:2])
        return self.python(f"pythons/{name}/bin", f"python{minor}", version)

    def on_path(self, *folders: str) -> None:
        self.environ["PATH"] = os.pathsep.join(str(self.root / folder) for folder in folders)

    def identify(self, path: str) -> InterpreterIdentity:
        real = os.path.realpath(path)
        if path in self.broken or real not in self.kinds:
            raise InterpreterError(f"cannot run {path}")
        implementation, version, gil_disabled, abiflags = self.kinds[real]
        prefix = os.path.dirname(os.path.dirname(real))
        # As the probe reports a virtual environment: its own prefix, another base prefix.
        is_venv = os.path.isfile(os.path.join(prefix, "pyvenv.cfg"))
        base = os.path.join(prefix, "base-of-venv") if is_venv else prefix
        return InterpreterIdentity(implementation, version, abiflags, gil_disabled, "x86_64", 64,
                                   path, prefix, base, "", "", None)

    def choose(self, uv: str = NEWEST, *, python: str | None = None, command: str = "tool",
               preference: str | None = None) -> InterpreterChoice | None:
        args = [*(["--python", python] if python else []),
                *(["--python-preference", preference] if preference else []), command]
        query = DiscoveryQuery(parse_uvx(args, Version(uv)), self.environ, str(self.root / "work"),
                               Version(uv), None, self.identify)
        return choose_tool_run_interpreter(query)


def chosen(choice: InterpreterChoice | None) -> str | None:
    return None if choice is None else choice.executable
