"""Check a uv binary against uvshim's model and list what differs: the step before modelling
a new release (docs/development.md, "Adding a uv release").

    .venv/bin/python scripts/check_uv_release.py /path/to/uv

Runs, against that binary alone: the release check the shim runs on a release newer than the
newest modelled one (``uvshim.contract.facts``: where a tool environment lands, its link and
pyvenv.cfg, the version string, the options the help lists, the repair), then the option-drift
test and the differential discovery test (``UVSHIM_TEST_UV`` makes them take this binary
instead of the matrix). Prints every fact that fails, every option the table does not know,
and every failing test (pytest's report, with why each failed, goes to a file it names); exits
0 only when nothing differs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TESTS = ("tests/integration/test_option_drift.py",
         "tests/integration/test_discovery_differential.py")


def release_check(uv: str) -> list[str]:
    from uvshim.contract.facts import check_release  # noqa: PLC0415
    from uvshim.discovery.identity_cache import identify  # noqa: PLC0415

    python = os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable)
    with tempfile.TemporaryDirectory() as state:
        outcome = check_release(uv, python, lambda path: identify(path, state), timeout=300)
    print(f"release check of uv {outcome.version or '(unreadable version)'}: "
          f"{outcome.seconds:.1f} s")
    differs = [f"fact: it should {failure.fact}, but {failure.detail}"
               for failure in outcome.failures]
    differs += [f"new option: {option}" for option in outcome.added_options]
    return differs


def tests(uv: str) -> list[str]:
    """The failing tests, one line each; pytest's whole report (why each failed) is kept in a
    file whose path is printed."""
    environ = {**os.environ, "UVSHIM_TEST_UV": uv}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-rf", "--tb=short",
                           "--no-header", "-p", "no:cacheprovider", *TESTS], cwd=REPO,
                          env=environ, capture_output=True, text=True, check=False)
    with tempfile.NamedTemporaryFile("w", prefix="check-uv-release-", suffix=".log",
                                     delete=False) as report:
        report.write(done.stdout + done.stderr)
    failed = [line.removeprefix("FAILED ") for line in done.stdout.splitlines()
              if line.startswith("FAILED ")]
    summary = done.stdout.strip().splitlines()[-1:] or ["(no output)"]
    print(f"tests: {summary[0]} (pytest's report: {report.name})")
    if done.returncode not in {0, 1}:
        failed.append(f"pytest exited with {done.returncode}: {done.stderr.strip()[-300:]}")
    return [f"test: {name}" for name in failed]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("uv", type=Path, help="the uv binary to check")
    uv = str(parser.parse_args().uv.absolute())
    differs = release_check(uv) + tests(uv)
    for line in differs:
        print(line)
    print("nothing differs" if not differs else f"{len(differs)} differences")
    return 1 if differs else 0


if __name__ == "__main__":
    raise SystemExit(main())
