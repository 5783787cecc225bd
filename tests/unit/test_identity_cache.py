"""The identity cache, tested with the real running interpreter and tampered entries."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from uvshim.discovery import identity_cache
from uvshim.discovery.identity_cache import _KIND as KIND
from uvshim.discovery.identity_cache import identify
from uvshim.discovery.probe import probe_interpreter
from uvshim.errors import InterpreterError
from uvshim.interpreter_identity import InterpreterIdentity
from uvshim.state import Field, decode_fields, encode_fields


@pytest.fixture
def probes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts real probes (the probe itself still runs)."""
    calls: list[str] = []

    def counting(executable: str) -> InterpreterIdentity:
        calls.append(executable)
        return probe_interpreter(executable)

    monkeypatch.setattr(identity_cache, "probe_interpreter", counting)
    return calls


def only_entry(state: Path) -> Path:
    (entry,) = (state / "identity-v2").iterdir()
    return entry


def tamper(entry: Path, index: int, value: Field) -> None:
    fields = decode_fields(KIND, entry.read_bytes())
    assert fields is not None
    fields[index] = value
    entry.write_bytes(encode_fields(KIND, fields))


def test_real_interpreter_identity(tmp_path: Path) -> None:
    found = identify(sys.executable, tmp_path)
    assert found.version.startswith(f"{sys.version_info[0]}.{sys.version_info[1]}.")
    assert found.sys_executable == sys.executable
    assert found.implementation == "CPython"


def test_second_call_is_served_from_the_cache(tmp_path: Path, probes: list[str]) -> None:
    assert identify(sys.executable, tmp_path) == identify(sys.executable, tmp_path)
    assert len(probes) == 1


def test_changed_stat_invalidates(tmp_path: Path, probes: list[str]) -> None:
    identify(sys.executable, tmp_path)
    entry = only_entry(tmp_path)
    tamper(entry, 7, "0.0.0")  # the version: the cache must be what serves it below
    assert identify(sys.executable, tmp_path).version == "0.0.0"
    tamper(entry, 4, 1)  # the mtime_ns, as if the file had been replaced
    assert identify(sys.executable, tmp_path).version != "0.0.0"
    assert len(probes) == 2


def test_changed_probe_invalidates(tmp_path: Path, probes: list[str]) -> None:
    identify(sys.executable, tmp_path)
    tamper(only_entry(tmp_path), 5, "0" * 16)
    identify(sys.executable, tmp_path)
    assert len(probes) == 2


@pytest.mark.parametrize("damage", [b"", b"{", b"\x00\xff", KIND.encode(), KIND.encode() + b"\0x"])
def test_corrupt_entry_is_dropped(tmp_path: Path, probes: list[str], damage: bytes) -> None:
    identify(sys.executable, tmp_path)
    only_entry(tmp_path).write_bytes(damage)
    assert identify(sys.executable, tmp_path).sys_executable == sys.executable
    assert len(probes) == 2
    assert decode_fields(KIND, only_entry(tmp_path).read_bytes()) is not None  # rewritten whole


def test_scripts_are_never_cached(tmp_path: Path, probes: list[str]) -> None:
    script = tmp_path / "python3"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    script.chmod(0o755)
    identify(str(script), tmp_path / "state")
    identify(str(script), tmp_path / "state")
    assert len(probes) == 2
    assert not (tmp_path / "state" / "identity-v2").exists()


def test_unwritable_state_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")  # a state folder below a regular file cannot be created, even by root
    assert identify(sys.executable, blocker / "state").implementation == "CPython"


def test_missing_and_broken_interpreters_raise_interpreter_error(tmp_path: Path) -> None:
    with pytest.raises(InterpreterError, match="cannot stat"):
        identify(str(tmp_path / "python"), tmp_path)
    broken = tmp_path / "python3"
    broken.write_text("#!/bin/sh\necho noise; exit 3\n")
    broken.chmod(0o755)
    with pytest.raises(InterpreterError, match="did not report its identity"):
        identify(str(broken), tmp_path)
