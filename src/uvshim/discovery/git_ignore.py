"""Which paths git's ignore rules hide, as git itself says (``git check-ignore``).

uv 0.10.1+ skips a workspace member folder without a ``pyproject.toml`` when a walk with git's
rules finds nothing in it (``has_only_gitignored_files``, ``crates/uv-workspace/src/
workspace.rs``, 0.10.1 and 0.12.5: the ``ignore`` crate with the repository's ``.gitignore``
files, ``.git/info/exclude`` and the global excludes file). Rather than a second reading of
those rules, git answers: ``check-ignore --no-index`` matches every path against them, the
index aside as the crate does, and a path below an ignored folder counts as ignored, as the
crate never walks into one. Only in that rare layout: starting git spoils the memo (its reads
are not traced), so the check is made in full each time there.
"""

from __future__ import annotations

import os

from uvshim.errors import UndecidableError

# Variables that point git elsewhere than the crate looks.
_GIT_PLACES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM")


def git_ignored(folder: str, paths: list[str]) -> set[str]:
    """The ``paths`` (absolute, below ``folder`` in a git repository) that git ignores."""
    import shutil  # noqa: PLC0415  -- only in this rare layout, off the check's import path
    import subprocess  # noqa: PLC0415

    git = shutil.which("git")
    if git is None:
        raise UndecidableError(f"git is not installed to tell which files in {folder} it "
                               "ignores")
    if any(name in os.environ for name in _GIT_PLACES):
        raise UndecidableError("GIT_DIR, GIT_WORK_TREE or a git configuration variable is set")
    try:
        done = subprocess.run([git, "-C", folder, "check-ignore", "--no-index", "--stdin", "-z"],
                              input="".join(f"{path}\0" for path in paths).encode(),
                              capture_output=True, timeout=30, check=False,
                              env={**os.environ, "LC_ALL": "C"})
    except (OSError, subprocess.SubprocessError) as exc:
        raise UndecidableError(f"git check-ignore failed: {exc}") from None
    if done.returncode not in (0, 1):  # 1: none of them is ignored
        raise UndecidableError(f"git check-ignore failed: {done.stderr.decode(errors='replace')}"
                               .strip())
    return {os.fsdecode(path) for path in done.stdout.split(b"\0") if path}
