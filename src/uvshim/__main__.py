"""``python -m uvshim``: the same as the ``uvshim`` command."""

from __future__ import annotations

from uvshim.cli import main

raise SystemExit(main())
