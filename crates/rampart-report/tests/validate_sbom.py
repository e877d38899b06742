#!/usr/bin/env python3
"""Validates an SBOM with the ecosystem's own validators.

Usage: validate_sbom.py cyclonedx|spdx FILE

- cyclonedx: the official CycloneDX 1.6 JSON schema, strict (no extra properties), through
  cyclonedx-python-lib's JsonStrictValidator;
- spdx: spdx-tools' JSON parser, then validate_full_spdx_document (SPDX 2.3 rules, licence
  expressions, SPDX ids, relationships).

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


def main(argv):
    if len(argv) != 3 or argv[1] not in ("cyclonedx", "spdx"):
        print(__doc__, file=sys.stderr)
        return 2
    kind, path = argv[1], argv[2]
    try:
        problems = validate_cyclonedx(path) if kind == "cyclonedx" else validate_spdx(path)
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
