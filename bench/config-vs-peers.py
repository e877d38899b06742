#!/usr/bin/env python3
"""Times `rampart config` against `trivy config` and `checkov -d` on the same IaC inputs and prints
the ratios, with each tool's count of failed checks.

usage: bench/config-vs-peers.py [--runs N] [--files N] [--rampart PATH] [--trivy PATH] [--checkov PATH]
                                [--no-checkov-large]

Inputs:
- the shared small fixtures (../shared/peers/fixtures/iac/{k8s,docker,terraform,cfn} and all four at
  once) and, when built, the targets' misconfig folder;
- a generated large corpus of --files files (default 1,200): Kubernetes manifests (multi-document,
  every workload kind, RBAC, Services), Dockerfiles (multi-stage), Terraform modules (a directory of
  .tf files with variables, locals and a tfvars file each) and CloudFormation templates (YAML with
  short tags and JSON), generated deterministically from realistic templates with varied names,
  images, ports, CIDRs and flags, so that both passing and failing resources occur.

Peers come from ../shared/peers/install.sh (Trivy 0.76 offline with its embedded checks, Checkov
3.3.30 with --skip-download). The median wall time of N runs is compared (Checkov runs once on the
large corpus: minutes per run); peak RSS (wait4) is printed too.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import ROOT, SHARED, median_run

# Resolved: Checkov silently skips Kubernetes files given through a path with `..` in it.
IAC = os.path.realpath(os.path.join(SHARED, "peers", "fixtures", "iac"))


def k8s_doc(rng, i):
    kind = rng.choice(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet"])
    privileged = rng.random() < 0.3
    image = rng.choice(["nginx:latest", "nginx:1.27", "redis", "registry.example/app@sha256:" + "a" * 64,
                        "quay.io/org/api:2.1"])
    sc = ("          securityContext:\n            privileged: true\n            runAsUser: 0\n" if privileged else
          "          securityContext:\n            runAsNonRoot: true\n            readOnlyRootFilesystem: true\n"
          "            allowPrivilegeEscalation: false\n            capabilities:\n              drop: [ALL]\n")
    res = ("          resources:\n            limits: {cpu: 500m, memory: 256Mi}\n"
           "            requests: {cpu: 100m, memory: 128Mi}\n" if rng.random() < 0.5 else "")
    container = (f"        - name: c{i}\n          image: {image}\n          ports:\n"
                 f"            - containerPort: {rng.choice([80, 8080, 443, 22])}\n{sc}{res}")
    pod = (f"      hostNetwork: {str(rng.random() < 0.2).lower()}\n      containers:\n{container}")
    name = f"app-{i}"
    ns = rng.choice(["default", "prod", "team-a"])
    if kind == "Pod":
        body = f"spec:\n" + "\n".join(l[4:] for l in pod.splitlines()) + "\n"
    elif kind == "CronJob":
        body = ("spec:\n  schedule: '*/5 * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
                + "\n".join("    " + l for l in pod.splitlines()) + "\n")
    else:
        body = (f"spec:\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n"
                f"      labels: {{app: {name}}}\n    spec:\n{pod}\n")
        if kind == "Job":
            body = "spec:\n  template:\n    spec:\n" + pod + "\n"
    api = {"Pod": "v1", "Job": "batch/v1", "CronJob": "batch/v1"}.get(kind, "apps/v1")
    doc = f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n{body}"
    extra = ""
    if rng.random() < 0.3:
        extra += (f"---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: {ns}\nspec:\n"
                  f"  type: {rng.choice(['ClusterIP', 'NodePort', 'LoadBalancer'])}\n  selector: {{app: {name}}}\n"
                  f"  ports:\n    - port: 80\n")
    if rng.random() < 0.2:
        extra += (f"---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r-{i}\n"
                  f"rules:\n  - apiGroups: ['*']\n    resources: ['{rng.choice(['*', 'secrets', 'pods'])}']\n"
                  f"    verbs: ['{rng.choice(['*', 'get', 'create'])}']\n")
    return doc + extra


def dockerfile(rng, i):
    base = rng.choice(["ubuntu:latest", "debian:bookworm", "python:3.12-slim", "node", "alpine:3.20"])
    lines = [f"FROM {base} AS build", "WORKDIR /src"]
    if "alpine" in base:
        lines.append("RUN apk add curl git")
    else:
        lines.append("RUN apt-get update && apt-get install -y curl git")
    if rng.random() < 0.3:
        lines.append("RUN curl -sSL https://example.com/install.sh | sh")
    if rng.random() < 0.3:
        lines.append(f"ENV API_TOKEN=tok{i}")
    lines += ["COPY . .", "RUN make", f"FROM {rng.choice(['gcr.io/distroless/base', 'debian:bookworm-slim'])}",
              "COPY --from=build /src/app /app"]
    if rng.random() < 0.5:
        lines.append("USER 10001")
    if rng.random() < 0.3:
        lines.append("EXPOSE 22")
    if rng.random() < 0.5:
        lines.append("HEALTHCHECK CMD [\"/app\", \"health\"]")
    lines.append('ENTRYPOINT ["/app"]')
    return "\n".join(lines) + "\n"


def terraform(rng, i):
    acl = rng.choice(["private", "public-read"])
    cidr = rng.choice(["10.0.0.0/8", "0.0.0.0/0"])
    enc = rng.choice(["true", "false"])
    main = f'''variable "env" {{
  type    = string
  default = "dev"
}}

variable "ssh_cidr" {{
  default = "{cidr}"
}}

locals {{
  name = "svc-{i}-${{var.env}}"
  tags = {{ Environment = var.env, Service = "svc-{i}" }}
}}

resource "aws_s3_bucket" "data" {{
  bucket = "${{local.name}}-data"
  acl    = "{acl}"
  tags   = local.tags
}}

resource "aws_s3_bucket_public_access_block" "data" {{
  bucket                  = aws_s3_bucket.data.id
  block_public_acls       = {rng.choice(["true", "false"])}
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}}

resource "aws_security_group" "ssh" {{
  name        = "${{local.name}}-ssh"
  description = "ssh"
  ingress {{
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = [var.ssh_cidr]
  }}
}}

resource "aws_db_instance" "db" {{
  identifier          = local.name
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  allocated_storage   = 20
  storage_encrypted   = {enc}
  publicly_accessible = {rng.choice(["true", "false"])}
}}

resource "aws_iam_policy" "p" {{
  name   = "${{local.name}}-policy"
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "{rng.choice(["*", "s3:GetObject", "s3:*"])}", Resource = "*" }}]
  }})
}}

resource "aws_instance" "web" {{
  ami           = "ami-12345678"
  instance_type = "t3.micro"
  metadata_options {{
    http_tokens = "{rng.choice(["optional", "required"])}"
  }}
  root_block_device {{
    encrypted = {enc}
  }}
}}
'''
    return {"main.tf": main, "terraform.tfvars": f'env = "{rng.choice(["dev", "prod"])}"\n'}


def cloudformation(rng, i):
    if rng.random() < 0.5:
        return "json", json.dumps({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Resources": {
                "Bucket": {"Type": "AWS::S3::Bucket",
                           "Properties": {"BucketName": f"b-{i}", "AccessControl": rng.choice(["Private", "PublicRead"])}},
                "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": f"q-{i}"}},
            },
        }, indent=2)
    return "yaml", f'''AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Cidr:
    Type: String
    Default: {rng.choice(["0.0.0.0/0", "10.0.0.0/16"])}
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !Sub "sg ${{AWS::StackName}} {i}"
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 22
          ToPort: 22
          CidrIp: !Ref Cidr
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: "{rng.choice(["*", "arn:aws:iam::123456789012:root"])}"
            Action: sts:AssumeRole
  Volume:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: !Select [0, !GetAZs ""]
      Size: 10
      Encrypted: {rng.choice(["true", "false"])}
'''


def generate(dest, n):
    rng = random.Random(42)
    written = 0
    i = 0
    while written < n:
        kind = i % 4
        d = os.path.join(dest, f"svc{i // 4:04d}")
        os.makedirs(d, exist_ok=True)
        if kind == 0:
            with open(os.path.join(d, f"k8s-{i}.yaml"), "w") as f:
                f.write(k8s_doc(rng, i))
            written += 1
        elif kind == 1:
            with open(os.path.join(d, "Dockerfile"), "w") as f:
                f.write(dockerfile(rng, i))
            written += 1
        elif kind == 2:
            tf = os.path.join(d, "terraform")
            os.makedirs(tf, exist_ok=True)
            for name, text in terraform(rng, i).items():
                with open(os.path.join(tf, name), "w") as f:
                    f.write(text)
                written += 1
        else:
            ext, text = cloudformation(rng, i)
            with open(os.path.join(d, f"stack-{i}.{ext}"), "w") as f:
                f.write(text)
            written += 1
        i += 1
    return written


def count_rampart(path):
    with open(path) as f:
        doc = json.load(f)
    return sum(len(r.get("misconfigurations", [])) for r in doc["results"])


def count_trivy(path):
    with open(path) as f:
        doc = json.load(f)
    return sum(len(r.get("Misconfigurations") or []) for r in doc.get("Results") or [])


def count_checkov(path):
    with open(path) as f:
        doc = json.load(f)
    docs = doc if isinstance(doc, list) else [doc]
    return sum(len(d.get("results", {}).get("failed_checks", [])) for d in docs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--files", type=int, default=1200)
    ap.add_argument("--rampart", default=os.path.join(ROOT, "target", "release", "rampart"))
    peers = os.path.join(ROOT, "target", "peers", "bin")
    ap.add_argument("--trivy", default=shutil.which("trivy") or os.path.join(peers, "trivy"))
    ap.add_argument("--checkov", default=shutil.which("checkov") or os.path.join(peers, "checkov"))
    ap.add_argument("--no-checkov-large", action="store_true", help="skip Checkov on the large corpus")
    ap.add_argument("--small-only", action="store_true", help="only the shared fixtures, no generated corpus")
    args = ap.parse_args()
    if not os.access(args.rampart, os.X_OK):
        sys.exit(f"not executable: {args.rampart} (cargo build --release)")
    have_trivy = os.access(args.trivy, os.X_OK)
    have_checkov = os.access(args.checkov, os.X_OK)
    if not have_trivy:
        print(f"note: no trivy at {args.trivy}: ../shared/peers/install.sh DIR trivy", file=sys.stderr)
    if not have_checkov:
        print(f"note: no checkov at {args.checkov}: ../shared/peers/install.sh DIR checkov", file=sys.stderr)

    out = tempfile.mkdtemp(prefix="bench-config-")
    corpus = os.path.join(out, "corpus")
    n = generate(corpus, args.files)
    env = dict(os.environ, TRIVY_CACHE_DIR=os.path.join(out, "trivy-cache"), CKV_SKIP_PACKAGE_UPDATE_CHECK="true")
    inputs = [(name, os.path.join(IAC, name)) for name in ("k8s", "docker", "terraform", "cfn")]
    inputs.append(("all four", IAC))
    targets = os.environ.get("RAMPART_TARGETS", os.path.join(ROOT, "target", "rampart-targets"))
    if os.path.isdir(os.path.join(targets, "fs", "misconfig")):
        inputs.append(("targets fs/misconfig", os.path.join(targets, "fs", "misconfig")))
    if not args.small_only:
        inputs.append((f"generated ({n} files)", corpus))

    print(f"{'input':<24}{'rampart s':>10}{'findings':>9}{'trivy s':>9}{'findings':>9}{'ratio':>8}"
          f"{'checkov s':>10}{'findings':>9}{'ratio':>8}{'MB r/t':>16}")
    for name, path in inputs:
        large = path == corpus
        r_out = os.path.join(out, "r.json")
        rt, rm = median_run([args.rampart, "config", path, "--format", "json", "--quiet", "--output", r_out],
                            args.runs, ok=(0, 1, 3))
        row = f"{name:<24}{rt:>10.3f}{count_rampart(r_out):>9}"
        tm = 0.0
        if have_trivy:
            t_out = os.path.join(out, "t.json")
            tt, tm = median_run([args.trivy, "config", "--skip-check-update", "--quiet", "--format", "json",
                                 "--output", t_out, path], args.runs, env, ok=(0, 1, 3))
            row += f"{tt:>9.2f}{count_trivy(t_out):>9}{tt / rt:>7.0f}x"
        else:
            row += f"{'-':>9}{'-':>9}{'-':>8}"
        if have_checkov and not (large and args.no_checkov_large):
            c_out = os.path.join(out, "c.json")
            cmd = [args.checkov, "-d", path, "--framework", "kubernetes", "dockerfile", "terraform",
                   "cloudformation", "-o", "json", "--skip-download", "--soft-fail", "--quiet"]
            times = []
            for _ in range(1 if large else args.runs):
                start = time.perf_counter()
                with open(c_out, "w") as f:
                    proc = subprocess.run(cmd, stdout=f, stderr=subprocess.DEVNULL, env=env)
                times.append(time.perf_counter() - start)
                if proc.returncode not in (0, 1):
                    sys.exit(f"checkov failed ({proc.returncode}) on {path}")
            ct = statistics.median(times)
            row += f"{ct:>10.2f}{count_checkov(c_out):>9}{ct / rt:>7.0f}x"
        else:
            row += f"{'-':>10}{'-':>9}{'-':>8}"
        row += f"{f'{rm:.0f}/{tm:.0f}':>16}"
        print(row, flush=True)
    shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
