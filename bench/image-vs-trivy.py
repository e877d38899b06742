#!/usr/bin/env python3
"""Times `rampart image --input X --format cyclonedx` against `trivy image --input X --format
cyclonedx` on the real images built by ../shared/targets/build.sh, cold and warm cache, and prints
the ratios and both peak RSS values.

usage: bench/image-vs-trivy.py [--runs N] [--targets DIR] [--trivy PATH] [--rampart PATH]

Defaults: targets in $RAMPART_TARGETS or target/rampart-targets, rampart at target/release/rampart
(build it first: cargo build --release), trivy from PATH or ../peers/bin (install it with
../shared/peers/install.sh DIR trivy).

Cold: each tool starts from an empty cache directory of its own (Rampart: `--cache-dir`; Trivy:
`TRIVY_CACHE_DIR` holding only the empty Java DB that make-empty-java-db.py writes, which Trivy
needs to run offline; its layer cache is the default filesystem backend). Warm: the same command
again with the cache the cold run left. CycloneDX output makes Trivy skip vulnerability scanning
and Rampart is run with `--scanners none`: inventory against inventory. Median wall time of N runs;
peak RSS from wait4. Trivy cannot read an OCI archive tar (`--input x.oci.tar`), so that format is
timed for Rampart only.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

from benchlib import ROOT, fresh_trivy_cache, run

IMAGES = [
    "debian12-minbase.docker.tar",
    "debian12-layered.docker.tar",
    "debian12-apps.docker.tar",
    "debian12-apps.oci",
    "debian12-apps.zstd.oci",
    "debian12-apps.oci.tar",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--targets", default=os.environ.get("RAMPART_TARGETS", os.path.join(ROOT, "target", "rampart-targets")))
    ap.add_argument("--trivy", default=shutil.which("trivy") or os.path.join(ROOT, "..", "peers", "bin", "trivy"))
    ap.add_argument("--rampart", default=os.path.join(ROOT, "target", "release", "rampart"))
    args = ap.parse_args()
    for tool in (args.rampart, args.trivy):
        if not os.access(tool, os.X_OK):
            sys.exit(f"not executable: {tool}")
    out = tempfile.mkdtemp(prefix="bench-out-")
    print(f"{'image':<30}{'MiB':>6} | {'rampart cold':>12}{'trivy cold':>11}{'ratio':>7} | "
          f"{'rampart warm':>12}{'trivy warm':>11}{'ratio':>7} | {'RSS MB r/t':>12}")
    for name in IMAGES:
        path = os.path.join(args.targets, "images", name)
        if not os.path.exists(path):
            print(f"{name:<30} missing")
            continue
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs) \
            if os.path.isdir(path) else os.path.getsize(path)
        trivy_ok = not name.endswith(".oci.tar")
        times = {k: [] for k in ("rc", "tc", "rw", "tw")}
        rss = {"r": 0.0, "t": 0.0}
        for _ in range(args.runs):
            rcache = tempfile.mkdtemp(prefix="rampart-cache-")
            r_cmd = [args.rampart, "image", "--input", path, "--scanners", "none", "--format", "cyclonedx",
                     "--quiet", "--cache-dir", rcache, "--output", os.path.join(out, "r.json")]
            for key in ("rc", "rw"):
                t, m = run(r_cmd, os.environ)
                times[key].append(t)
                rss["r"] = max(rss["r"], m)
            shutil.rmtree(rcache, ignore_errors=True)
            if trivy_ok:
                tcache = fresh_trivy_cache()
                env = dict(os.environ, TRIVY_CACHE_DIR=tcache)
                t_cmd = [args.trivy, "image", "--input", path, "--format", "cyclonedx", "--quiet",
                         "--skip-db-update", "--skip-java-db-update", "--offline-scan", "--skip-version-check",
                         "--output", os.path.join(out, "t.json")]
                for key in ("tc", "tw"):
                    t, m = run(t_cmd, env)
                    times[key].append(t)
                    rss["t"] = max(rss["t"], m)
                shutil.rmtree(tcache, ignore_errors=True)
        med = {k: statistics.median(v) if v else float("nan") for k, v in times.items()}

        def ratio(a, b):
            return f"{b / a:6.1f}x" if trivy_ok and a > 0 else "     -"

        tc = f"{med['tc']:10.3f}s" if trivy_ok else "         -"
        tw = f"{med['tw']:10.3f}s" if trivy_ok else "         -"
        print(f"{name:<30}{size / 2**20:6.0f} | {med['rc']:11.3f}s{tc}{ratio(med['rc'], med['tc'])} | "
              f"{med['rw']:11.3f}s{tw}{ratio(med['rw'], med['tw'])} | {rss['r']:5.0f}/{rss['t'] if trivy_ok else 0:<5.0f}")
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
