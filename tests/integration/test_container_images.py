"""The images the container tests build stand for uv's own: uv, uvx and python3 in
/usr/local/bin, the cache under /root/.cache, in both interpreter layouts of
``_support.interpreters`` (``python3 -> python3.X`` as in uv's images, or a real file)."""

from __future__ import annotations

import pytest

from _support import containers
from _support.sandbox import require_python
from _support.uv_binaries import NEWEST

LOOK = """\
for name in python3 python3.12; do
  if [ -L /usr/local/bin/$name ]; then echo "$name -> $(readlink /usr/local/bin/$name)"
  elif [ -e /usr/local/bin/$name ]; then echo "$name: file"; else echo "$name: none"; fi
done
python3 -c 'import ssl, sqlite3, ctypes, sys; print(*sys.version_info[:2])'
uv --version | cut -d" " -f1,2
uvx --version | cut -d" " -f1,2
uv python find
uv cache dir
"""


@pytest.mark.usefixtures("container_engine")
@pytest.mark.parametrize(("layout", "python3", "versioned"), [
    ("symlinked", "python3 -> python3.12", "python3.12: file"),
    ("unversioned", "python3: file", "python3.12: none")])
def test_uv_image_layout(layout: str, python3: str, versioned: str) -> None:
    require_python("3.12")
    image = containers.uv_image("3.12", layout, NEWEST)
    done = containers.run(image, "sh", "-ec", LOOK,
                          options=["--env", "UV_PYTHON_DOWNLOADS=never"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        python3, versioned, "3 12", f"uv {NEWEST}", f"uvx {NEWEST}",
        "/usr/local/bin/python", "/root/.cache/uv"]
