"""Running the probe script inside an interpreter to learn its identity."""

from __future__ import annotations

import os

from uvshim.errors import InterpreterError
from uvshim.interpreter_identity import InterpreterIdentity

PROBE_PATH = os.path.join(os.path.dirname(__file__), "_probe.py")
PROBE_TIMEOUT_S = 30.0


def probe_interpreter(executable: str) -> InterpreterIdentity:
    """Run the probe inside ``executable`` (an interpreter's start-up, which
    ``benchmarks/bench_shim.py`` reports as ``cold_identity``) and return what it reports."""
    import json  # noqa: PLC0415  -- the probe is the cold path; keep these off the hot one
    import secrets  # noqa: PLC0415
    import subprocess  # noqa: PLC0415

    start, end = f"<uvshim-{secrets.token_hex(8)}>", f"</uvshim-{secrets.token_hex(8)}>"
    try:
        done = subprocess.run(
            [executable, "-I", "-S", PROBE_PATH, start, end],
            capture_output=True, text=True, timeout=PROBE_TIMEOUT_S, check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise InterpreterError(f"cannot run {executable}: {exc}") from None
    out = done.stdout
    if done.returncode != 0 or start not in out or end not in out:
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise InterpreterError(f"{executable} did not report its identity ({detail})")
    payload = out[out.index(start) + len(start): out.index(end)]
    try:
        return InterpreterIdentity.from_json(json.loads(payload))
    except ValueError:
        raise InterpreterError(f"{executable} printed an unreadable identity") from None
