#!/usr/bin/env python3
"""Times `rampart fs|image --scanners secret` against `trivy fs|image --scanners secret` on the same
inputs, prints the ratios, and scores both on the secrets planted in the generated tree.

usage: bench/secrets-vs-trivy.py [--runs N] [--gb SIZE] [--dir DIR] [--rampart PATH] [--trivy PATH]
                                 [--no-image]

Inputs:
- a generated tree of --gb GiB (default 1.1) in --dir (default target/bench-secrets; reused while its
  parameters match): source-like text (Python, JavaScript, Go, YAML, JSON, Markdown, logs; 4 KiB to
  2 MiB a file) and binaries (random data with a NUL in the head, as executables and shared objects
  without a telling extension, and as .png/.jar/.so/.gz files), about 55/45 by bytes. 400 fake
  secrets of 8 kinds (AWS key pairs, GitHub tokens with a valid checksum, GitLab, Slack bot tokens
  and webhooks, Stripe, private keys, database URLs) are planted at recorded (file, line) places in
  the text; nothing else in the tree looks like a credential. Deterministic (seeded).
- the Debian image with secrets in layer 3 deleted in layer 4 (target/rampart-targets, built by
  .ci/run), when present.

Both tools run with a warm page cache (one unmeasured run first); the median wall time of N runs
is compared, with the peak RSS (wait4). Recall = planted secrets reported at their (file, line);
"other" = findings elsewhere (in the generated tree every one of them is a false alarm).
"""
import argparse
import json
import os
import random
import string
import subprocess
import sys
import tempfile
import zlib

from benchlib import ROOT, fresh_trivy_cache, median_run

ALNUM = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
FORMAT = 3  # bump when the generated tree changes


def github_token(rng):
    body = "".join(rng.choice(ALNUM) for _ in range(30))
    crc, cs = zlib.crc32(body.encode()), ""
    while crc:
        crc, r = divmod(crc, 62)
        cs = B62[r] + cs
    return "ghp_" + body + cs.rjust(6, "0")


def secret_lines(rng, kind):
    """Lines holding one fake secret of `kind`; the index of the line the secret starts on."""
    if kind == "aws":
        akid = "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))
        return [f"AWS_ACCESS_KEY_ID={akid}"], 0
    if kind == "aws-secret":
        sak = "".join(rng.choice(ALNUM + "/+") for _ in range(40))
        return [f"aws_secret_access_key = {sak}"], 0
    if kind == "github":
        return [f'GITHUB_TOKEN = "{github_token(rng)}"'], 0
    if kind == "gitlab":
        return ["gitlab_token: glpat-" + "".join(rng.choice(ALNUM) for _ in range(20))], 0
    if kind == "slack":
        return ["SLACK_BOT_TOKEN=xoxb-" + "".join(rng.choice(string.digits) for _ in range(12)) + "-"
                + "".join(rng.choice(string.digits) for _ in range(13)) + "-"
                + "".join(rng.choice(ALNUM) for _ in range(24))], 0
    if kind == "stripe":
        return ['stripe.api_key = "sk_live_' + "".join(rng.choice(ALNUM) for _ in range(24)) + '"'], 0
    if kind == "dburl":
        pw = "".join(rng.choice(ALNUM) for _ in range(18))
        return [f"DATABASE_URL=postgres://svc_{rng.randint(1, 99)}:{pw}@db{rng.randint(1, 9)}.internal:5432/app"], 0
    if kind == "key":
        body = [("".join(rng.choice(ALNUM + "+/") for _ in range(64))) for _ in range(12)]
        return ["-----BEGIN RSA PRIVATE KEY-----", *body, "-----END RSA PRIVATE KEY-----"], 0
    raise ValueError(kind)


KINDS = ["aws", "aws-secret", "github", "gitlab", "slack", "stripe", "dburl", "key"]

WORDS = ("request response handler config value result error client server cache index user order "
         "item payload buffer stream token_count session_id timeout retry page limit offset status "
         "message event queue worker job schedule metric label namespace service port host path").split()


def text_line(rng, ext, i):
    w = rng.choice
    if ext == ".py":
        return rng.choice([f"def {w(WORDS)}_{i}({w(WORDS)}, {w(WORDS)}=None):",
                           f"    {w(WORDS)} = {w(WORDS)}.get('{w(WORDS)}', {rng.randint(0, 999)})",
                           f"    if not {w(WORDS)}: raise ValueError('missing {w(WORDS)}')",
                           f"    return [{w(WORDS)} for {w(WORDS)} in {w(WORDS)}s if {w(WORDS)}]",
                           f"# {w(WORDS)} {w(WORDS)} {w(WORDS)}: see issue {rng.randint(1, 9999)}"])
    if ext == ".js":
        return rng.choice([f"export function {w(WORDS)}{i}({w(WORDS)}) {{",
                           f"  const {w(WORDS)} = await fetch(`/api/{w(WORDS)}/${{{w(WORDS)}}}`);",
                           f"  if ({w(WORDS)}.length > {rng.randint(1, 500)}) return null;", "}",
                           f"// {w(WORDS)} {w(WORDS)} {w(WORDS)}"])
    if ext == ".go":
        return rng.choice([f"func {w(WORDS).title()}{i}(ctx context.Context, {w(WORDS)} string) error {{",
                           f"\t{w(WORDS)}, err := {w(WORDS)}.Get(ctx, \"{w(WORDS)}\")",
                           "\tif err != nil {\n\t\treturn err\n\t}", "}"])
    if ext in (".yaml", ".yml"):
        return rng.choice([f"{w(WORDS)}:", f"  {w(WORDS)}: {rng.randint(0, 65535)}", f"  - name: {w(WORDS)}-{i}",
                           f"    image: registry.example/{w(WORDS)}:{rng.randint(1, 9)}.{rng.randint(0, 20)}"])
    if ext == ".json":
        return f'  "{w(WORDS)}_{i}": {{"{w(WORDS)}": {rng.randint(0, 10**6)}, "{w(WORDS)}": "{w(WORDS)}"}},'
    if ext == ".log":
        return (f"2026-11-{rng.randint(1, 30):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00Z INFO "
                f"{w(WORDS)} {w(WORDS)}={rng.randint(0, 10**9)} took {rng.random():.3f}s")
    return f"The {w(WORDS)} {w(WORDS)} keeps the {w(WORDS)} of each {w(WORDS)} ({rng.randint(1, 100)})."


def generate(root, gib, seed=7):
    rng = random.Random(seed)
    target = int(gib * (1 << 30))
    text_budget = int(target * 0.55)
    planted = []
    written = 0
    n = 0
    # A pool of generated lines per extension, sampled to build big files quickly.
    exts = [".py", ".js", ".go", ".yaml", ".json", ".md", ".log"]
    pools = {e: [l for i in range(4000) for l in text_line(rng, e, i).split("\n")] for e in exts}
    text_files = []
    while written < text_budget:
        ext = rng.choice(exts)
        size = int(rng.choice([4, 16, 64, 256, 512, 2048]) * 1024 * rng.uniform(0.5, 1.0))
        lines, used = [], 0
        while used < size:
            line = rng.choice(pools[ext])
            lines.append(line)
            used += len(line) + 1
        d = os.path.join(root, "src", f"pkg{n % 97}", f"mod{n % 13}")
        os.makedirs(d, exist_ok=True)
        rel = os.path.relpath(os.path.join(d, f"file{n}{ext}"), root)
        text_files.append((rel, lines))
        written += used
        n += 1
    # Plant the secrets into random text files (at most one per file, so lines stay exact).
    chosen = rng.sample(range(len(text_files)), min(400, len(text_files)))
    for k, idx in enumerate(chosen):
        rel, lines = text_files[idx]
        kind = KINDS[k % len(KINDS)]
        new, offset = secret_lines(rng, kind)
        at = rng.randint(0, len(lines))
        lines[at:at] = new
        planted.append({"file": rel, "line": at + offset + 1, "kind": kind})
    for rel, lines in text_files:
        with open(os.path.join(root, rel), "w") as f:
            f.write("\n".join(lines))
            f.write("\n")
    # Binaries: random data, a NUL in the head.
    n = 0
    while written < target:
        size = rng.choice([64 * 1024, 512 * 1024, 2 << 20, 8 << 20])
        data = bytearray(rng.randbytes(size))
        data[4:8] = b"\0\0\0\0"
        kind = rng.choice(["", "", ".so", ".png", ".jar", ".gz"])
        name = f"tool{n}{kind}" if kind else f"bin{n}"
        d = os.path.join(root, "bin" if not kind else "assets", f"d{n % 31}")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        written += size
        n += 1
    return planted, written


def hits_rampart(path):
    d = json.load(open(path))
    return {(r["target"], s["start_line"]) for r in d["results"] for s in r.get("secrets") or []}


def hits_trivy(path):
    d = json.load(open(path))
    out = set()
    for r in d.get("Results") or []:
        for s in r.get("Secrets") or []:
            out.add((r["Target"].lstrip("/"), s["StartLine"]))
    return out


def score(hits, planted, keyfiles):
    want = {(p["file"], p["line"]) for p in planted}
    # A private key may be reported on its BEGIN line or its first body line.
    norm = {(f, l - 1) if (f, l - 1) in keyfiles else (f, l) for f, l in hits}
    return len(norm & want), len(norm - want)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--gb", type=float, default=1.1)
    ap.add_argument("--dir", default=os.path.join(ROOT, "target", "bench-secrets"))
    ap.add_argument("--rampart", default=os.path.join(ROOT, "target", "release", "rampart"))
    ap.add_argument("--trivy", default="trivy")
    ap.add_argument("--no-image", action="store_true")
    ap.add_argument("--generate-only", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()

    stamp = os.path.join(a.dir, "PARAMS.json")
    params = {"format": FORMAT, "gb": a.gb}
    tree = os.path.join(a.dir, "tree")
    if a.generate_only:
        subprocess.run(["rm", "-rf", a.dir], check=True)
        os.makedirs(tree)
        planted, size = generate(tree, a.gb)
        json.dump({"params": params, "planted": planted, "bytes": size}, open(stamp, "w"))
        return
    if not (os.path.exists(stamp) and json.load(open(stamp)).get("params") == params):
        # In a child process: the generator's memory would otherwise count in the peak RSS
        # (wait4) of every command this process forks.
        print(f"generating {a.gb} GiB in {tree} ...", file=sys.stderr)
        subprocess.run([sys.executable, __file__, "--generate-only", "--gb", str(a.gb), "--dir", a.dir], check=True)
    meta = json.load(open(stamp))
    planted = meta["planted"]
    keyfiles = {(p["file"], p["line"]) for p in planted if p["kind"] == "key"}

    cache = fresh_trivy_cache()
    env = dict(os.environ, TRIVY_CACHE_DIR=cache)
    out = tempfile.mkdtemp(prefix="bench-secrets-")
    rows = []

    def compare(label, ours, theirs, count):
        r_out, t_out = os.path.join(out, "r.json"), os.path.join(out, "t.json")
        rt, rm = median_run(ours + ["--output", r_out], a.runs, warm=True)
        tt, tm = median_run(theirs + ["--output", t_out], a.runs, env=env, warm=True)
        rows.append((label, rt, tt, rm, tm, count(hits_rampart(r_out)), count(hits_trivy(t_out))))

    fs_count = lambda hits: "%d/%d, other %d" % (*score(hits, planted, keyfiles)[:1], len(planted),
                                                  score(hits, planted, keyfiles)[1])
    compare(f"fs tree {meta['bytes'] / (1 << 30):.2f} GiB",
            [a.rampart, "fs", tree, "--scanners", "secret", "--format", "json", "--quiet"],
            [a.trivy, "fs", tree, "--scanners", "secret", "--format", "json", "--quiet",
             "--skip-db-update", "--offline-scan"],
            fs_count)
    image = os.path.join(ROOT, "target", "rampart-targets", "images", "debian12-layered.docker.tar")
    if not a.no_image and os.path.exists(image):
        compare("image debian12-layered",
                [a.rampart, "image", "--input", image, "--scanners", "secret", "--format", "json", "--quiet",
                 "--no-cache"],
                [a.trivy, "image", "--input", image, "--scanners", "secret", "--format", "json", "--quiet",
                 "--skip-db-update", "--offline-scan", "--cache-backend", "memory"],
                lambda hits: f"{len(hits)} found")

    print("| input | rampart | trivy | ratio | RSS rampart / trivy | rampart found | trivy found |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label, rt, tt, rm, tm, rf, tf in rows:
        print(f"| {label} | {rt:.3f} s | {tt:.3f} s | {tt / rt:.1f}x | {rm:.0f} / {tm:.0f} MB | {rf} | {tf} |")


if __name__ == "__main__":
    main()
