"""Fail when the integration tests did not really run: none ran, or any was skipped."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

MINIMUM = 20  # the stale-environment matrix alone has 22 cases


def main(report: str) -> int:
    # The report is the one pytest just wrote in this checkout, not outside input.
    root = ET.parse(report).getroot()  # noqa: S314
    cases = [c for c in root.iter("testcase")
             if c.get("classname", "").startswith("tests.integration")
             or "integration" in c.get("classname", "").split(".")]
    skipped = [c for c in cases if c.find("skipped") is not None]
    ran = len(cases) - len(skipped)
    print(f"ci: integration tests: {ran} ran, {len(skipped)} skipped")
    for case in skipped:
        reason = case.find("skipped")
        message = reason.get("message", "") if reason is not None else ""
        print(f"ci: skipped {case.get('classname')}::{case.get('name')}: {message}")
    if skipped or ran < MINIMUM:
        print(f"ci: FAIL: every integration test must run in CI (at least {MINIMUM})")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))
