"""The one way tests make an interpreter's identity without running an interpreter."""

from __future__ import annotations

from pathlib import Path

from uvshim.interpreter_identity import InterpreterIdentity


def make_identity(prefix: str | Path = "/p", version: str = "3.12.1", *,
                  build: str = "main, Jan 1 2024", compiler: str = "GCC 12",
                  implementation: str = "CPython") -> InterpreterIdentity:
    """A CPython of ``version`` installed at ``prefix``, as the probe would describe it."""
    minor = ".".join(version.split(".")[:2])
    return InterpreterIdentity(
        implementation=implementation, version=version, abiflags="", gil_disabled=False,
        machine="x86_64", pointer_bits=64, sys_executable=f"{prefix}/bin/python",
        prefix=str(prefix), base_prefix=str(prefix), build=build, compiler=compiler,
        purelib=f"lib/python{minor}/site-packages",
    )
