"""What the benchmarks share: running `foi` as a user would, in a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 27)


def bench_env(home: Path) -> dict[str, str]:
    """The environment for foi subprocesses: no FOI_* settings or config file of the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOI_")}
    env.update(
        HOME=str(home),
        FOI_TODAY=TODAY.isoformat(),
        PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    return env


def run_foi(args: Sequence[str], workdir: Path) -> tuple[float, bytes]:
    """Run `python -m foi ARGS` in workdir; return the wall time and stdout (fail loudly)."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "foi", *args],
        cwd=workdir,
        env=bench_env(workdir),
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(
            f"foi {' '.join(args)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}"
        )
    return elapsed, done.stdout
