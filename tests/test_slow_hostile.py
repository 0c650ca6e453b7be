"""benchmarks/bench_hostile.py: every command against every bad input class, in fresh processes (slow: about a minute)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_no_command_prints_a_traceback_or_changes_its_input_on_bad_input():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_hostile.py")],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0 and "0 failing cells" in done.stdout, (
        done.stdout[-4000:] + done.stderr[-2000:]
    )
    rows = [
        line
        for line in done.stdout.splitlines()
        if line.startswith("| ") and not line.startswith("| command")
    ]
    assert len(rows) >= 90  # 11 commands x 9 input classes
