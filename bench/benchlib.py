"""Shared by the bench/ scripts: paths, timing a command with its peak RSS, Trivy's offline cache."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")


def run(cmd, env=None, ok=(0, 3)):
    """Runs cmd with stdout discarded; returns (wall seconds, peak RSS in MB, from wait4).
    Exits with the command's stderr when its exit code is not in `ok`."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        sys.exit(f"command failed ({code}): {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024.0


def median_run(cmd, runs, env=None, ok=(0, 3), warm=False):
    """Runs cmd `runs` times (after one unmeasured run when `warm`, for the page cache and the
    binary); returns (median wall seconds, highest peak RSS in MB)."""
    if warm:
        run(cmd, env=env, ok=ok)
    samples = [run(cmd, env=env, ok=ok) for _ in range(runs)]
    return statistics.median(t for t, _ in samples), max(m for _, m in samples)


def fresh_trivy_cache():
    """A new TRIVY_CACHE_DIR holding only the empty Java DB Trivy needs to run offline."""
    cache = tempfile.mkdtemp(prefix="trivy-cache-")
    subprocess.run([sys.executable, os.path.join(SHARED, "targets", "make-empty-java-db.py"), cache], check=True,
                   stdout=subprocess.DEVNULL)
    return cache
