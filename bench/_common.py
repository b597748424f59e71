"""What the benchmarks share: running `foi` as a user would, in a clean environment."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The foi source tree benchmarked: this repository, or another checkout given with --tree
# (e.g. the code before a change), which the bench scripts set before importing foi.
TREE = Path(os.environ.get("FOI_BENCH_TREE") or ROOT).resolve()
BENCH = Path(__file__).resolve().parent
TODAY = date(2026, 11, 27)


# Python as an installed foi runs: from cached bytecode. Some machines (this one) set
# PYTHONDONTWRITEBYTECODE=1, under which every start compiles foi's own modules from source
# (~25 ms) while the libraries load the .pyc files pip wrote: a cost no installed foi pays,
# and one only foi's side of a comparison would carry. So the children write and read their
# bytecode under the work folder (both sides alike, never in the tree), and each comparison
# starts with one unmeasured run of each side. FOI_BENCH_BYTECODE=off keeps the inherited
# environment instead, to measure that case.
BYTECODE_CACHE = os.environ.get("FOI_BENCH_BYTECODE", "on") != "off"


def bench_env(home: Path) -> dict[str, str]:
    """The environment for foi subprocesses: no FOI_* settings or config file of the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOI_")}
    env.update(
        HOME=str(home),
        FOI_TODAY=TODAY.isoformat(),
        PYTHONPATH=str(TREE) + os.pathsep + env.get("PYTHONPATH", ""),
    )
    if BYTECODE_CACHE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")
    return env


def bytecode_note() -> str:
    """How the children were run, for the report."""
    if BYTECODE_CACHE:
        return "children run from cached bytecode (PYTHONPYCACHEPREFIX in the work folder)"
    return "children run with the inherited environment (FOI_BENCH_BYTECODE=off)" + (
        ": PYTHONDONTWRITEBYTECODE is set, so foi compiles its modules on every start"
        if os.environ.get("PYTHONDONTWRITEBYTECODE")
        else ""
    )


def run_foi(args: Sequence[str], workdir: Path) -> tuple[float, bytes]:
    """Run `python -m foi ARGS` in workdir; return the wall time and stdout (fail loudly)."""
    return run_python(["-m", "foi", *args], workdir)


def run_python(args: Sequence[str], workdir: Path) -> tuple[float, bytes]:
    """Run `python ARGS` in workdir, as run_foi does; return the wall time and stdout."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, *args],
        cwd=workdir,
        env=bench_env(workdir),
        capture_output=True,
        check=False,
    )
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(args)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}"
        )
    return elapsed, done.stdout


def progress(message: str) -> None:
    """A progress line on stderr (stdout is kept for the figures)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def human_bytes(n: float) -> str:
    """1234567 -> '1.2 MB'."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"  # pragma: no cover - the loop returns


@dataclass
class Timing:
    """Wall-clock times of repeated runs."""

    runs: list[float]

    @property
    def best(self) -> float:
        """The fastest run."""
        return min(self.runs)

    @property
    def median(self) -> float:
        """The median run."""
        return statistics.median(self.runs)


def peak_rss(args: Sequence[str], workdir: Path) -> int:
    """Peak resident memory in bytes of `python ARGS`, as `/usr/bin/time -v` reports it."""
    done = subprocess.run(
        ["/usr/bin/time", "-v", sys.executable, *args],
        cwd=workdir,
        env=bench_env(workdir),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]!r}")
    for line in done.stderr.decode().splitlines():
        if "Maximum resident set size" in line:
            return int(line.rsplit(":", 1)[1]) * 1024
    raise SystemExit("no 'Maximum resident set size' in /usr/bin/time -v output")


def paired(
    first: Callable[[], tuple[float, bytes]],
    second: Callable[[], tuple[float, bytes]],
    repeats: int,
) -> tuple[Timing, Timing]:
    """Run both sides alternately `repeats` times (so load affects both alike).

    One unmeasured run of each side first, so neither pays for filling a cache.
    """
    first()
    second()
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeats):
        a.append(first()[0])
        b.append(second()[0])
    return Timing(a), Timing(b)
