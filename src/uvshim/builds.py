"""Which build of its interpreter a cached environment was made with, recorded beside it.

pyvenv.cfg records the implementation and the full version, never the build, so two builds of
CPython 3.12.1 (a python-build-standalone refresh reinstalled in the same folder, another
distribution's package at the same path) look identical to uv and to ``policy.judge``. The
shim therefore writes a small record the first time it sees an environment that matches its
interpreter, and compares it on every later run.

Where: ``<environment root>/.uvshim-build``, i.e. inside the ``archive-v0/<id>`` folder the
entry links to, next to its pyvenv.cfg, not in uvshim's state folder:
- a cache shared between machines (a CI cache, a network home) carries the record with the
  environment; a per-machine state folder would not know what another machine built with;
- the record belongs to one environment, not to the link: when uv replaces the link with a
  new environment, the new one has no record yet and gets its own, and nothing stale is
  left pointing at it; ``uv cache prune``/``clean`` delete the record with the environment;
- uv never reads files it did not write in a venv root (0.5.0-0.13.9 reuse the folder with
  the record in it: tests/integration/test_explain_doctor.py), and the shim already reads
  pyvenv.cfg from the same folder, so the hot path pays one more small read per entry.

The record says what the interpreter was when the shim first saw the environment, which is
usually right after uv built it; an environment first seen after its interpreter changed
build is recorded with the new build. That uncertainty is one reason why a build change only
warns by default (``policy.build_change_action``).

Format: a ``state_file`` record (no json on the hot path), kind ``uvshim-build-v1`` then the
fields of ``BuildFingerprint`` in order; ``tr '\\0' '\\n' < .uvshim-build`` shows it.
"""

from __future__ import annotations

import os

from uvshim.installation_key import parse_key
from uvshim.record import Record
from uvshim.state import decode_fields, encode_fields

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

    from uvshim.environments import CachedEnv
    from uvshim.interpreter_identity import InterpreterIdentity

RECORD_NAME = ".uvshim-build"
_KIND = "uvshim-build-v1"


class BuildFingerprint(Record):
    """The parts of an interpreter's identity that tell one build of a version from another."""

    implementation: str
    version: str
    build: str  # sys.version's build string
    compiler: str
    managed_install: str | None  # the uv-managed installation folder, when it is one
    managed_build: str | None  # its BUILD file (python-build-standalone release), uv 0.8.14+

    def describe(self) -> str:
        """``CPython 3.12.1 (build 20240107)`` or ``CPython 3.12.1 (main, Jan 8 2024; GCC)``."""
        if self.managed_build:
            return f"{self.implementation} {self.version} (build {self.managed_build})"
        return f"{self.implementation} {self.version} ({self.build}; {self.compiler})"

    def to_json(self) -> dict[str, object]:
        return self.as_dict()


def fingerprint(identity: InterpreterIdentity) -> BuildFingerprint:
    install, build = managed_build(identity.base_prefix)
    return BuildFingerprint(identity.implementation, identity.version, identity.build,
                            identity.compiler, install, build)


def managed_build(base_prefix: str) -> tuple[str | None, str | None]:
    """The managed installation folder holding ``base_prefix`` and its BUILD file's text.

    uv installs into ``<root>/<key>/`` with the interpreter either there or under
    ``<key>/install/`` (``ManagedPythonInstallation``, uv-python's managed.rs) and writes
    ``<key>/BUILD`` (0.8.14+, #15314).
    The key's shape (``cpython-3.12.1-linux-x86_64-gnu``) tells a managed folder from any
    other prefix.
    """
    folder = os.path.realpath(base_prefix)
    if os.path.basename(folder) == "install":
        folder = os.path.dirname(folder)
    if parse_key(os.path.basename(folder)) is None:
        return None, None
    try:
        with open(os.path.join(folder, "BUILD"), "rb") as handle:
            text = handle.read(256).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return folder, text or None


def read_record(env_root: str) -> BuildFingerprint | None:
    """The recorded fingerprint, or None when there is none or it cannot be read."""
    try:
        with open(os.path.join(env_root, RECORD_NAME), "rb") as handle:
            fields = decode_fields(_KIND, handle.read(16 * 1024))
    except OSError:
        return None
    if fields is None or len(fields) != len(BuildFingerprint._fields):
        return None
    texts = [value for value in fields[:4] if isinstance(value, str)]
    optional = [value if isinstance(value, str) else None for value in fields[4:]]
    if len(texts) != 4 or any(value is not None and not isinstance(value, str)
                              for value in fields[4:]):
        return None
    return BuildFingerprint(*texts, *optional)


def write_record(env_root: str, current: BuildFingerprint) -> bool:
    """Write the record unless one exists; False when it cannot (a read-only cache)."""
    path = os.path.join(env_root, RECORD_NAME)
    temporary = f"{path}.{os.getpid()}.tmp"
    fields = [getattr(current, name) for name in BuildFingerprint._fields]
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(encode_fields(_KIND, fields))
        # link() fails if another shim wrote it first: the first record wins, never replaced.
        os.link(temporary, path)
    except FileExistsError:
        pass
    except OSError:
        return False
    finally:
        _remove_quietly(temporary)
    return True


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        return


def drift(recorded: BuildFingerprint, current: BuildFingerprint) -> str | None:
    """Why the environment was built on another build of the same version, or None.

    Another implementation or version is ``policy.judge``'s business (a patch upgrade is not
    stale, and it is not a build change either).
    """
    if (recorded.implementation, recorded.version) != (current.implementation, current.version):
        return None
    if (recorded.build, recorded.compiler, recorded.managed_build) == \
            (current.build, current.compiler, current.managed_build):
        return None
    return f"was built on {recorded.describe()}, interpreter is now {current.describe()}"


class BuildReview(Record):
    """The bucket's environments against the interpreter's build, for the hot path."""

    current: BuildFingerprint
    drifted: tuple[tuple[CachedEnv, str], ...]  # (environment, why)
    unrecorded: tuple[CachedEnv, ...]  # matching environments seen for the first time


def review_builds(usable: Iterable[CachedEnv], identity: InterpreterIdentity) -> BuildReview:
    """One small read per environment that ``policy.judge`` found usable (``policy.usable``)."""
    current = fingerprint(identity)
    drifted: list[tuple[CachedEnv, str]] = []
    unrecorded: list[CachedEnv] = []
    for env in usable:
        if env.target is None or env.config is None:
            continue
        recorded = read_record(env.target)
        if recorded is None:
            unrecorded.append(env)
            continue
        reason = drift(recorded, current)
        if reason is not None:
            drifted.append((env, reason))
    return BuildReview(current, tuple(drifted), tuple(unrecorded))


def record_builds(review: BuildReview) -> None:
    """Write a record for each environment seen for the first time (failures are harmless)."""
    for env in review.unrecorded:
        if env.target is not None:
            write_record(env.target, review.current)
