"""A real container engine for the recipe tests, and images laid out like uv's own.

The engine is the one ``.ci/docker-engine`` starts (``DOCKER_HOST`` and ``UVSHIM_TEST_DOCKER``
point at it). No image registry is reachable, so every image is made here:

- a Debian bookworm base, ``debootstrap --variant=minbase`` from the Debian mirror in the
  machine's apt sources, kept as a tarball in the tests' cache (keyed by what went into it)
  and ``docker import``-ed once per engine;
- a Python image: a pyenv installation copied to ``/usr/local`` (as in python:3.X-slim, on
  which uv's images are built), in one of the two layouts of ``_support.interpreters``;
- a uv image: that plus a uv release's ``uv`` and ``uvx`` in ``/usr/local/bin``; the cache is
  ``/root/.cache`` (HOME is /root).

Every tag carries a digest of its inputs, so an image is built once per engine and reused by
every test that asks for the same one. Containers run on the host's network (``--network
host``): the engine has no bridge.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

from _support.interpreters import installed_python, make_prefix
from _support.uv_binaries import support_cache_root, uv_release

SUITE = "bookworm"
# What pyenv's CPython builds link against, the CA bundle uv may be pointed at, and rsync,
# with which gitlab-ci-local's helper container copies a job's cache out.
BASE_PACKAGES = ("libssl3", "libffi8", "libsqlite3-0", "libbz2-1.0", "liblzma5", "libreadline8",
                 "libncursesw6", "zlib1g", "ca-certificates", "rsync")
TAR_EXCLUDES = ("--exclude=./var/lib/apt/lists/*", "--exclude=./var/cache/apt/*")
DEFAULT_MIRROR = "http://deb.debian.org/debian"
# Inside the images the machine's CA bundle lives here, and SSL_CERT_FILE names it.
IMAGE_CA_FILE = "/etc/ssl/certs/uvshim-test-ca.pem"
BUILD_TIMEOUT = 900
# (what, seconds) for each image or base made in this process, for the run's summary.
MADE: list[tuple[str, float]] = []


class EngineMissingError(RuntimeError):
    """No container engine answers; the message says how to start one."""


def docker_cli() -> str:
    """The engine's own client (it builds with BuildKit), else ``docker`` on PATH."""
    named = os.environ.get("UVSHIM_TEST_DOCKER")
    found = named or shutil.which("docker")
    if not found:
        raise EngineMissingError("no docker client: start one with `.ci/docker-engine start DIR`")
    return found


def docker(*args: str, timeout: float = 600, check: bool = True,
           ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    done = subprocess.run([docker_cli(), *args], capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args)}: exit {done.returncode}\n"
                             f"{done.stdout}\n{done.stderr}")
    return done


def require_engine() -> None:
    """Raise EngineMissingError unless an engine answers."""
    try:
        done = docker("version", "--format", "{{.Server.Version}}", timeout=30, check=False)
    except (EngineMissingError, subprocess.TimeoutExpired) as error:
        raise EngineMissingError(str(error)) from error
    if done.returncode != 0:
        raise EngineMissingError("no container engine answers (start one with "
                            f"`.ci/docker-engine start DIR`): {done.stderr.strip()}")


def digest(*parts: str | bytes) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        hasher.update(part.encode() if isinstance(part, str) else part)
        hasher.update(b"\0")
    return hasher.hexdigest()[:12]


def has_image(tag: str) -> bool:
    return docker("image", "inspect", tag, check=False, timeout=60).returncode == 0


@contextmanager
def timed(what: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    MADE.append((what, time.monotonic() - started))


def build(tag: str, context: Path, dockerfile: str | None = None, *options: str) -> str:
    """``docker build`` in ``context`` (of ``dockerfile``, text, when given), tagged ``tag``."""
    if dockerfile is not None:
        (context / "Dockerfile").write_text(dockerfile)
    with timed(f"docker build {tag}"):
        docker("build", "--network", "host", "--tag", tag, *options, str(context),
               timeout=BUILD_TIMEOUT)
    return tag


# --- the base --------------------------------------------------------------------------------

def debian_mirror(sources: Sequence[Path] | None = None) -> str:
    """The Debian mirror the machine's apt uses for the base suite (deb822 or one-line form)."""
    if sources is None:
        folder = Path("/etc/apt")
        sources = [folder / "sources.list", *sorted(folder.glob("sources.list.d/*"))]
    for path in sources:
        if path.is_file():
            found = _mirror_in(path.read_text(errors="replace"))
            if found:
                return found
    return DEFAULT_MIRROR


def _mirror_in(text: str) -> str | None:
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = dict(re.findall(r"^(\w[\w-]*):\s*(.*)$", stanza, re.M))
        if SUITE in fields.get("Suites", "").split() and fields.get("URIs"):
            return fields["URIs"].split()[0]
    for line in text.splitlines():
        words = re.sub(r"\[[^]]*\]", "", line).split()
        if len(words) >= 3 and words[0] == "deb" and words[2] == SUITE:
            return words[1]
    return None


def base_rootfs() -> Path:
    """The bookworm minbase root as a tarball in the tests' cache, made once."""
    mirror = debian_mirror()
    key = digest(SUITE, mirror, *BASE_PACKAGES, *TAR_EXCLUDES)
    folder = support_cache_root() / "container-base"
    folder.mkdir(parents=True, exist_ok=True)
    tarball = folder / f"{SUITE}-{key}.tar"
    with FileLock(str(folder / f"{key}.lock")):
        if not tarball.is_file():
            with timed(f"debootstrap {tarball.name}"):
                _debootstrap(mirror, tarball)
    return tarball


def _debootstrap(mirror: str, tarball: Path) -> None:
    with tempfile.TemporaryDirectory(dir=tarball.parent) as scratch:
        root = Path(scratch) / "root"
        subprocess.run(["debootstrap", "--variant=minbase",
                        "--include=" + ",".join(BASE_PACKAGES), SUITE, str(root), mirror],
                       check=True, capture_output=True, timeout=BUILD_TIMEOUT)
        partial = tarball.with_suffix(".partial")
        # Without apt's package lists and caches, as Debian's own images ship.
        subprocess.run(["tar", "-C", str(root), "--numeric-owner", *TAR_EXCLUDES,
                        "-cf", str(partial), "."],
                       check=True, capture_output=True)
        partial.rename(tarball)


def base_image() -> str:
    tarball = base_rootfs()
    tag = f"uvshim-test/{SUITE}:{tarball.stem.rsplit('-', 1)[-1]}"
    if not has_image(tag):
        with timed(f"docker import {tag}"):
            docker("import", str(tarball), tag, timeout=BUILD_TIMEOUT)
    return tag


# --- Python and uv ----------------------------------------------------------------------------

def _ca_bundle() -> bytes:
    # The machine's bundle (which may hold a local CA in front of the package index): uv in
    # the containers trusts what the host trusts.
    named = os.environ.get("SSL_CERT_FILE")
    return Path(named).read_bytes() if named and Path(named).is_file() else b""


def python_image(minor: str, layout: str) -> str:
    """uv's image without uv: Python ``minor`` in ``/usr/local`` in ``layout``."""
    source = installed_python(minor)
    if source is None:
        raise LookupError(f"no Python {minor} installed")
    base = base_image()
    ca = _ca_bundle()
    tag = f"uvshim-test/python:{minor}-{layout}-{digest(base, str(source), layout, ca)}"
    if has_image(tag):
        return tag
    with tempfile.TemporaryDirectory() as scratch:
        context = Path(scratch)
        _slim_prefix(context / "local", minor, layout)
        (context / "ca.pem").write_bytes(ca)
        ca_env = f"ENV SSL_CERT_FILE={IMAGE_CA_FILE}\n" if ca else ""
        return build(tag, context,
                     f"FROM {base}\nCOPY local/ /usr/local/\nCOPY ca.pem {IMAGE_CA_FILE}\n"
                     f"{ca_env}ENV LANG=C.UTF-8\n"
                     # pyenv's build finds its libpython by its own prefix; here, by ldconfig.
                     "RUN ldconfig\n")


def _slim_prefix(dest: Path, minor: str, layout: str) -> None:
    """A hard-linked copy of the installation, as slim as python:3.X-slim, whose build removes
    the test suites, compiled bytecode and static libraries; in bin only the interpreter."""
    bindir = make_prefix(dest, minor, layout)
    for config in (dest / "lib" / f"python{minor}").glob("config-*"):
        shutil.rmtree(config)
    for path in sorted(dest.rglob("*"), reverse=True):  # children before their folders
        if path.name in {"test", "tests", "idle_test", "__pycache__"} and path.is_dir():
            shutil.rmtree(path)
        elif path.suffix in {".pyc", ".a"} and not path.is_symlink():
            path.unlink()
    for entry in bindir.iterdir():
        if not re.fullmatch(rf"python(3|{re.escape(minor)})?", entry.name):
            shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()


def uv_image(minor: str, layout: str, uv_version: str) -> str:
    """A stand-in for ``ghcr.io/astral-sh/uv:python{minor}-bookworm-slim`` at ``uv_version``."""
    python = python_image(minor, layout)
    tag = f"uvshim-test/uv:{uv_version}-python{minor}-{layout}-{digest(python, uv_version)}"
    if has_image(tag):
        return tag
    with tempfile.TemporaryDirectory() as scratch:
        context = Path(scratch)
        for name in ("uv", "uvx"):
            shutil.copy2(uv_release(uv_version) / name, context / name)
        return build(tag, context, f"FROM {python}\nCOPY uv uvx /usr/local/bin/\n")


def volume(name_hint: str) -> str:
    """A fresh named volume (removed with the engine at the end of the run)."""
    name = f"uvshim-{name_hint}-{os.urandom(4).hex()}"
    docker("volume", "create", name)
    return name


def run(image: str, *argv: str, options: Sequence[str] = (), timeout: float = 600,
        ) -> subprocess.CompletedProcess[str]:
    """``docker run --rm --network host [options] image argv``; the result, whatever it is."""
    return docker("run", "--rm", "--network", "host", *options, image, *argv,
                  timeout=timeout, check=False)
