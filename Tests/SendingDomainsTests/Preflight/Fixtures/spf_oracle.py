#!/usr/bin/env python3
"""pyspf's verdict for every case of the RFC 7208 test suite, for a client that no record names.

Usage: spf_oracle.py rfc7208-tests.json CLIENT_IP
Prints one JSON object: {"<scenario index>/<test name>": "pass" | "fail" | ... }.

Each scenario's zone is served to pyspf from memory, read the way the suite's own harness
(pyspf's test/testspf.py) reads it: an SPF-type record stands in for TXT at a name with no TXT
record, a TXT of "NONE" is no record, and "TIMEOUT" makes every query at the name that no
earlier record of the type answered a temporary error. Needs pyspf (and dnspython).
"""
import ipaddress
import json
import sys

import spf

suite_path, client = sys.argv[1], sys.argv[2]
with open(suite_path, encoding="utf-8") as handle:
    suite = json.load(handle)

zone = {}


def entries(rrs):
    """The (type, value) pairs served at one name, and "TIMEOUT" markers, in order."""
    has_txt = any(isinstance(rr, dict) and "TXT" in rr for rr in rrs)
    served = []
    for rr in rrs:
        if not isinstance(rr, dict):
            served.append(rr)
            continue
        for rtype, value in rr.items():
            if rtype in ("TXT", "SPF") and isinstance(value, str):
                value = [value]
            if rtype == "TXT" and value == ["NONE"]:
                continue
            served.append((rtype, value))
            if rtype == "SPF" and not has_txt:
                served.append(("TXT", value))
    return served


def lookup(name, qtype, strict=True, timeout=None, level=0):
    labels = [label for label in name.split(".") if label]
    for label in labels:
        if len(label) > 63:
            raise spf.TempError("DNS label too long")
    name = ".".join(labels).lower()
    if name not in zone:
        if name.startswith("error."):
            raise spf.TempError("DNS timeout")
        return
    # Like the suite's harness: every record at the name, pyspf keeping those it asked for;
    # a CNAME's target's records follow it, one level deep.
    answered = False
    for entry in zone[name]:
        if entry == "TIMEOUT":
            if not answered:
                raise spf.TempError("DNS timeout")
            return
        rtype, value = entry
        if rtype == qtype:
            answered = True
        if rtype == "AAAA":
            value = ipaddress.IPv6Address(value).packed
        elif rtype in ("TXT", "SPF"):
            value = tuple(part.encode("utf-8") for part in value)
        yield ((name, rtype), value)
        if rtype == "CNAME" and not level:
            yield from lookup(value, qtype, strict, timeout, 1)


spf.DNSLookup = lookup

verdicts = {}
for index, scenario in enumerate(suite):
    zone = {name.lower(): entries(rrs) for name, rrs in scenario["zonedata"].items()}
    for test_name, test in scenario["tests"].items():
        query = spf.query(i=client, s=test["mailfrom"], h=test["helo"], strict=True)
        result, _, _ = query.check()
        verdicts[f"{index}/{test_name}"] = {"unknown": "permerror", "error": "temperror"}.get(result, result)

json.dump(verdicts, sys.stdout, sort_keys=True)
