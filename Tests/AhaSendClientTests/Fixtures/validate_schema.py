"""Validates JSON documents against a component schema of ahasend-openapi.yaml.

Usage: validate_schema.py SCHEMA_NAME < documents.json   (a JSON array of documents)
Prints "ok N" or the first validation error, and exits non-zero on failure."""
import json
import os
import sys

import jsonschema
import yaml

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "ahasend-openapi.yaml")) as f:
    spec = yaml.safe_load(f)

name = sys.argv[1]
# Resolve "#/components/schemas/X" references against the spec itself.
schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
validator = jsonschema.Draft202012Validator(schema)
documents = json.load(sys.stdin)
for index, document in enumerate(documents):
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    if errors:
        print(f"document {index}: {errors[0].message} at {list(errors[0].path)}")
        sys.exit(1)
print(f"ok {len(documents)}")
