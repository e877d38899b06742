#!/usr/bin/env python3
"""Times `rampart fs --format cyclonedx` against `trivy fs --format cyclonedx` on the same real
targets (built by ../shared/targets/build.sh) and prints the ratio.

usage: bench/fs-vs-trivy.py [--runs N] [--targets DIR] [--trivy PATH] [--rampart PATH]

Defaults: targets in $RAMPART_TARGETS or target/rampart-targets, rampart at target/release/rampart
(build it first: cargo build --release), trivy from PATH or ../peers/bin (install it with
../shared/peers/install.sh DIR trivy). Trivy runs offline with an in-memory cache and the empty Java DB
that ../shared/targets/make-empty-java-db.py writes (Trivy refuses to scan jars without one).
Both tools write CycloneDX to temp files; the median wall time of N runs is compared, and peak RSS
(from wait4) is printed too.

Trivy has two modes for a directory: `fs` reads only lockfiles and manifests, while `rootfs` also
reads installed metadata, jars and binaries, and OS packages. `rampart fs` reads all of the
language packages, so it is timed against both. The last row is a whole Debian root filesystem with
applications (263 MiB). On that row, `trivy rootfs` also inventories the 132 dpkg packages, which
`rampart fs` does not do yet.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from benchlib import ROOT, fresh_trivy_cache, run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--targets", default=os.environ.get("RAMPART_TARGETS", os.path.join(ROOT, "target", "rampart-targets")))
    ap.add_argument("--trivy", default=shutil.which("trivy") or os.path.join(ROOT, "..", "peers", "bin", "trivy"))
    ap.add_argument("--rampart", default=os.path.join(ROOT, "target", "release", "rampart"))
    args = ap.parse_args()
    fs_dir = os.path.join(args.targets, "fs")
    for tool in (args.rampart, args.trivy):
        if not os.access(tool, os.X_OK):
            sys.exit(f"not executable: {tool}")
    if not os.path.isdir(fs_dir):
        sys.exit(f"no targets in {fs_dir}: run ../shared/targets/build.sh {args.targets}")

    cache = fresh_trivy_cache()
    env = dict(os.environ, TRIVY_CACHE_DIR=cache)
    out = tempfile.mkdtemp(prefix="bench-out-")
    targets = [os.path.join("fs", t) for t in sorted(os.listdir(fs_dir)) if t not in ("secrets", "misconfig")]
    targets.append(os.path.join("rootfs", "debian12-apps"))
    print(f"{'target':<28}{'rampart s':>10}{'trivy fs s':>11}{'ratio':>8}{'trivy rootfs s':>15}{'ratio':>8}"
          f"{'rampart MB':>11}{'trivy MB':>9}")
    tot = [0.0, 0.0, 0.0]
    for t in targets:
        path = os.path.join(args.targets, t)
        if not os.path.isdir(path):
            continue
        # CycloneDX output makes Trivy skip vulnerability scanning: compare inventory with inventory.
        r_cmd = [args.rampart, "fs", path, "--scanners", "none", "--format", "cyclonedx", "--quiet", "--output",
                 os.path.join(out, "r.json")]
        common = ["--format", "cyclonedx", "--output", os.path.join(out, "t.json"), "--quiet",
                  "--cache-backend", "memory", "--skip-db-update", "--skip-java-db-update", "--offline-scan",
                  "--skip-version-check", path]
        cmds = [r_cmd, [args.trivy, "fs"] + common, [args.trivy, "rootfs"] + common]
        for c in cmds:
            run(c, env)  # warm the page cache
        samples = [[run(c, env) for _ in range(args.runs)] for c in cmds]
        med = [statistics.median(x[0] for x in s) for s in samples]
        rss = [max(x[1] for x in s) for s in samples]
        for i in range(3):
            tot[i] += med[i]
        print(f"{t:<28}{med[0]:>10.3f}{med[1]:>11.3f}{med[1] / med[0]:>7.1f}x{med[2]:>15.3f}{med[2] / med[0]:>7.1f}x"
              f"{rss[0]:>11.1f}{max(rss[1], rss[2]):>9.1f}")
    print(f"{'TOTAL':<28}{tot[0]:>10.3f}{tot[1]:>11.3f}{tot[1] / tot[0]:>7.1f}x{tot[2]:>15.3f}{tot[2] / tot[0]:>7.1f}x")

    # With vulnerability matching (no offline peer: Trivy cannot fetch its database here), when a
    # Rampart database exists (RAMPART_DB or the default location).
    db = subprocess.run([args.rampart, "db", "status", "--json"], capture_output=True, env=env)
    if db.returncode == 0:
        v_cmd = [args.rampart, "fs", fs_dir, "--scanners", "vuln", "--format", "json", "--quiet", "--output",
                 os.path.join(out, "v.json")]
        run(v_cmd, env)
        v = [run(v_cmd, env) for _ in range(args.runs)]
        print(f"rampart fs fs/ with vulnerability matching: {statistics.median(x[0] for x in v):.3f} s, "
              f"peak {max(x[1] for x in v):.1f} MB")
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
