#!/usr/bin/env python3
"""Vulnerability scanning speed: Rampart vs cargo-audit (the peer for Rust lockfiles), on the same
lockfile and the same advisory data, both fully offline; plus the time to build Rampart's database
from the whole advisory pack.

usage: bench/vuln-vs-cargo-audit.py [--runs N] [--cargo-audit PATH] [--rampart PATH]

- cargo-audit: build it once with `cargo install cargo-audit --locked --root DIR` (about 13 min on
  2 cores) and pass DIR/bin/cargo-audit. It reads a plain copy of the RustSec repository
  (`native/rustsec-advisory-db.zip`, unpacked to a temp dir here) with --no-fetch --no-yanked.
- rampart: `target/release/rampart` (cargo build --release). Its database is built from the RustSec
  OSV export (`osv/crates-io.zip`) once. That build is timed separately, as is a build from the
  whole pack. Then `rampart fs Cargo.lock --scanners vuln --format json` is timed end to end:
  process start, database open, lockfile parse, match and render.

The lockfile is `../shared/data/advisories/fixtures/cargo-audit/Cargo.lock` (85 crates; cargo-audit
finds 17 advisories there, and so does Rampart).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADV = os.path.join(ROOT, "..", "shared", "data", "advisories")


def timed(cmd, env=None, ok=(0, 1)):
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode(errors='replace')}")
    return elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cargo-audit", default=shutil.which("cargo-audit"))
    ap.add_argument("--rampart", default=os.path.join(ROOT, "target", "release", "rampart"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-vuln-")
    lock = os.path.join(ADV, "fixtures", "cargo-audit", "Cargo.lock")

    whole = os.path.join(tmp, "whole.sqlite")
    t_whole = timed([args.rampart, "db", "build", "-q", "--db", whole, "--from", os.path.join(ADV, "osv"),
                     os.path.join(ADV, "native"), os.path.join(ADV, "kev", "known_exploited_vulnerabilities.json")])
    print(f"rampart db build, whole pack (osv + native + KEV): {t_whole:.2f} s, "
          f"{os.path.getsize(whole) / 1048576:.1f} MiB")

    db = os.path.join(tmp, "rustsec.sqlite")
    t_db = timed([args.rampart, "db", "build", "-q", "--db", db, "--from", os.path.join(ADV, "osv", "crates-io.zip")])
    print(f"rampart db build, RustSec only: {t_db:.2f} s")

    r_cmd = [args.rampart, "fs", lock, "--scanners", "vuln", "--format", "json", "--quiet", "--db", db]
    timed(r_cmd)
    r = statistics.median(timed(r_cmd) for _ in range(args.runs))
    print(f"rampart fs Cargo.lock (85 crates): {r * 1000:.1f} ms (median of {args.runs})")

    if not args.cargo_audit or not os.access(args.cargo_audit, os.X_OK):
        print("cargo-audit not found: pass --cargo-audit PATH (see the docstring); no ratio printed")
        return
    rustsec = os.path.join(tmp, "advisory-db")
    with zipfile.ZipFile(os.path.join(ADV, "native", "rustsec-advisory-db.zip")) as z:
        z.extractall(rustsec)
    # The zip holds one top folder named like the archive.
    inner = os.path.join(rustsec, "rustsec-advisory-db")
    if os.path.isdir(inner):
        rustsec = inner
    env = dict(os.environ, CARGO_HOME=os.path.join(tmp, "cargohome"))
    c_cmd = [args.cargo_audit, "audit", "--db", rustsec, "--no-fetch", "--no-yanked", "--file", lock, "--json"]
    timed(c_cmd, env)
    c = statistics.median(timed(c_cmd, env) for _ in range(args.runs))
    print(f"cargo-audit audit (same lockfile, same advisories): {c * 1000:.1f} ms")
    print(f"ratio: rampart is {c / r:.1f}x faster end to end")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
