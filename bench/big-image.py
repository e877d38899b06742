#!/usr/bin/env python3
"""Peak memory and time on a large generated image: does `rampart image` stay flat whatever the
image size? Builds a docker-archive (deterministic content, correct diff-ids) with:

  layer 0: N node_modules packages (package.json each, ~1 KiB) and N Python dist-info METADATA
           files: many small files the analyzers keep until the end of the layer
  layer 1: B blobs of S MiB with the execute bit (random bytes, sniffed as binaries) and one
           S MiB jar-named file: big files the analyzers read whole
  layer 2: F MiB of 1 MiB data files no analyzer wants (the bulk of a real image), and whiteouts
           deleting half of layer 0's packages

then times `rampart image --input` (cold, no cache) and, when given, `trivy image --input`, and
prints wall time and peak RSS (wait4). Defaults make a ~2.5 GiB image with 10,000 packages: memory should follow the number of packages
(what the report holds), not the bytes of the image.

usage: bench/big-image.py [--packages N] [--blobs B] [--blob-mib S] [--filler-mib F] [--keep]
                          [--trivy PATH] [--rampart PATH]
"""
import argparse
import hashlib
import io
import json
import os
import random
import shutil
import tarfile
import tempfile
import time

from benchlib import ROOT, fresh_trivy_cache, run


class HashingWriter(io.RawIOBase):
    def __init__(self, f):
        self.f, self.h, self.n = f, hashlib.sha256(), 0

    def writable(self):
        return True

    def write(self, b):
        self.h.update(b)
        self.f.write(b)
        self.n += len(b)
        return len(b)


def add(tar, name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = 0
    tar.addfile(info, io.BytesIO(data))


def write_layer(path, fill):
    with open(path, "wb") as raw:
        w = HashingWriter(raw)
        with tarfile.open(fileobj=w, mode="w|", format=tarfile.GNU_FORMAT) as tar:
            fill(tar)
        return "sha256:" + w.h.hexdigest()


def build(out, packages, blobs, blob_mib, filler_mib):
    rnd = random.Random(42)
    work = tempfile.mkdtemp(prefix="big-image-")

    def layer0(tar):
        for i in range(packages):
            name = f"pkg-{i:06d}"
            manifest = {"name": name, "version": f"1.{i % 50}.{i % 7}", "description": "x" * 800,
                        "license": "MIT", "dependencies": {f"pkg-{(i + 1) % packages:06d}": "^1.0.0"}}
            add(tar, f"app/node_modules/{name}/package.json", json.dumps(manifest).encode())
            meta = f"Metadata-Version: 2.1\nName: py-{name}\nVersion: 2.{i % 9}\nLicense: MIT\n\n" + "y" * 700
            add(tar, f"usr/lib/python3/site-packages/py_{name}-2.{i % 9}.dist-info/METADATA", meta.encode())

    def layer1(tar):
        chunk = rnd.randbytes(1 << 20)
        for b in range(blobs):
            add(tar, f"usr/local/bin/tool-{b}", b"\x7fELF" + chunk * blob_mib, mode=0o755)
        add(tar, "opt/app/big.jar", b"PK\x03\x04" + chunk * blob_mib)

    def layer2(tar):
        data = rnd.randbytes(1 << 20)
        for f in range(filler_mib):
            add(tar, f"usr/share/data/blob-{f:05d}.bin", data[f % 256:] + data[:f % 256])
        for i in range(0, packages, 2):
            add(tar, f"app/node_modules/.wh.pkg-{i:06d}", b"")

    diff_ids = []
    for n, fill in enumerate([layer0, layer1, layer2]):
        diff_ids.append(write_layer(os.path.join(work, f"layer{n}.tar"), fill))
    config = json.dumps({"architecture": "amd64", "os": "linux",
                         "rootfs": {"type": "layers", "diff_ids": diff_ids},
                         "history": [{"created_by": f"generated layer {n}"} for n in range(3)]}).encode()
    config_name = hashlib.sha256(config).hexdigest() + ".json"
    manifest = json.dumps([{"Config": config_name, "RepoTags": ["big:latest"],
                            "Layers": [f"layer{n}.tar" for n in range(3)]}]).encode()
    with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as tar:
        add(tar, "manifest.json", manifest)
        add(tar, config_name, config)
        for n in range(3):
            tar.add(os.path.join(work, f"layer{n}.tar"), arcname=f"layer{n}.tar")
    shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--packages", type=int, default=5_000)
    ap.add_argument("--blobs", type=int, default=4)
    ap.add_argument("--blob-mib", type=int, default=100)
    ap.add_argument("--filler-mib", type=int, default=2000)
    ap.add_argument("--keep", action="store_true", help="keep the generated image")
    ap.add_argument("--rampart", default=os.path.join(ROOT, "target", "release", "rampart"))
    ap.add_argument("--trivy", default=None, help="also time this trivy binary")
    args = ap.parse_args()
    out_dir = tempfile.mkdtemp(prefix="big-image-out-")
    image = os.path.join(out_dir, "big.docker.tar")
    t0 = time.perf_counter()
    build(image, args.packages, args.blobs, args.blob_mib, args.filler_mib)
    size = os.path.getsize(image) / 2**20
    print(f"generated {image}: {size:.0f} MiB in {time.perf_counter() - t0:.1f} s")
    t, rss = run([args.rampart, "image", "--input", image, "--no-cache", "--scanners", "none", "--quiet",
                  "--format", "cyclonedx", "--output", os.path.join(out_dir, "r.json")])
    print(f"rampart: {t:.2f} s, peak RSS {rss:.0f} MB")
    if args.trivy:
        cache = fresh_trivy_cache()
        t, rss = run([args.trivy, "image", "--input", image, "--format", "cyclonedx", "--quiet",
                      "--cache-backend", "memory", "--skip-db-update", "--skip-java-db-update", "--offline-scan",
                      "--skip-version-check", "--output", os.path.join(out_dir, "t.json")],
                     env=dict(os.environ, TRIVY_CACHE_DIR=cache))
        print(f"trivy:   {t:.2f} s, peak RSS {rss:.0f} MB")
        shutil.rmtree(cache, ignore_errors=True)
    if args.keep:
        print(f"kept {image}")
    else:
        shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
