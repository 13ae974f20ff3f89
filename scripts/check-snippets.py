#!/usr/bin/env python3
"""Type-checks every ```swift snippet in README.md, Docs/, the DocC catalogs and the DocC
comments in Sources/ against the built modules.

Each Markdown page becomes one Swift file: the imports its snippets write, then each snippet in
a `do { }` scope of its own inside one async throwing function. A snippet that goes on from the
one before (same variables) is marked with `<!-- snippet: continues -->` on the line before its
fence; a snippet that is not Swift source of this package (a Package.swift fragment) is marked
`<!-- snippet: skip (reason) -->`. Names a snippet leaves to the reader (`key`, `accountID`,
`showFieldErrors(_:)` …) come from scripts/snippet-prelude.swift. `#expect(…)` is checked as
`assert(…)`, since the Testing macros need their plugin.

Snippets written against a package this one does not depend on (Vapor, Hummingbird, swift-log,
swift-metrics, swift-distributed-tracing, AsyncHTTPClient, swift-service-lifecycle) are marked
`<!-- snippet: stand-ins Vapor Logging … -->` and type-check, each in a module of its own,
against stand-in modules built from scripts/stand-ins (one file a module, its `// depends:` line
naming the stand-ins it imports). `id=NAME` on the marker names a snippet; `uses=A,B` puts the
named snippets of the same page in front of this one, so that an app can use the adapters the
page declared before it.

    scripts/check-snippets.py            # after `swift build`; exits 1 and lists failures
"""
import os
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PAGES = (
    [ROOT / "README.md"]
    + sorted((ROOT / "Docs").rglob("*.md"))
    + sorted((ROOT / "Sources").rglob("*.docc/*.md"))
    + sorted((ROOT / "Sources").rglob("*.swift"))
)
TOP_LEVEL = re.compile(r"^(struct|enum|extension|final class|class|actor|protocol|func|typealias) ")
IMPORT = re.compile(r"^(@_spi\(\w+\) )?import \w+")
# A snippet that declares something (a type, an extension, a function) is checked at the top
# level of its own file rather than inside a function.
DECLARATION = re.compile(r"^(@\w+(\(.*\))? )*(public |package |private |fileprivate |final )*(struct|enum|extension|class|actor|protocol|func|typealias) ")
OUT = ROOT / ".build" / "snippets"


def blocks(page, standins=False):
    """Yields (line number, code, continues) for each checked swift block of `page`; with
    `standins`, (line number, code, framework) for the blocks written against a web framework's
    stand-in types instead (`<!-- snippet: stand-ins Vapor -->`)."""
    lines = page.read_text().split("\n")
    if page.suffix == ".swift":
        # DocC comments: the `///` lines, with the marker, whatever their indentation.
        lines = [re.sub(r"^\s*/// ?", "", line) if line.lstrip().startswith("///") else "" for line in lines]
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.strip() == "```swift":
            marker = lines[index - 1].strip() if index > 0 else ""
            start = index + 1
            end = start
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            framework = re.match(r"<!-- snippet: stand-ins ([^>]+?) -->", marker)
            if standins:
                if framework:
                    yield start + 1, "\n".join(lines[start:end]), framework.group(1).split()
            elif not marker.startswith("<!-- snippet: skip") and not framework:
                yield start + 1, "\n".join(lines[start:end]), marker == "<!-- snippet: continues -->"
            index = end + 1
        else:
            index += 1


# A DocC comment's snippet may use what its own module declares, SPI included.
MODULE_IMPORTS = {
    "import Foundation",
    "@_spi(ProviderAuthoring) import HTTPTransport",
    "@_spi(ProviderAuthoring) import AhaSendClient",
    "@_spi(ProviderAuthoring) import AutoSendClient",
    "@_spi(ProviderAuthoring) import CllavioClient",
    "@_spi(ProviderAuthoring) import KrafterClient",
    "@_spi(ProviderAuthoring) import SendKitClient",
    "import SendingDomains",
    "import SendingDomainsDNS",
    "import SendingDomainsSandbox",
    "import SendingDomainsTesting",
    "import SendingDomainsRedis",
}


def swift_file(page):
    imports = set()
    scopes = []
    declarations = []
    for line_number, code, continues in blocks(page):
        first = next(
            (line for line in code.split("\n") if line.strip() and not line.startswith("//") and not IMPORT.match(line)),
            "",
        )
        if DECLARATION.match(first):
            kept = []
            for line in code.split("\n"):
                if IMPORT.match(line):
                    imports.add(line.strip())
                elif TOP_LEVEL.match(line):
                    # Each page's declarations stay in its file, so that two pages may both
                    # declare a `Widget`.
                    kept.append("fileprivate " + line)
                else:
                    kept.append(line.replace("#expect(", "assert("))
            declarations.append(f"// {page.relative_to(ROOT)}:{line_number}\n" + "\n".join(kept))
            continue
        body = []
        for line in code.split("\n"):
            if IMPORT.match(line):
                imports.add(line.strip())
            else:
                body.append(line.replace("#expect(", "assert("))
        text = f"        // {page.relative_to(ROOT)}:{line_number}\n" + "\n".join("        " + l for l in body)
        if continues and scopes:
            scopes[-1] += "\n" + text
        else:
            scopes.append(text)
    if not scopes and not declarations:
        return None
    name = re.sub(r"\W", "_", str(page.relative_to(ROOT)))
    if page.suffix == ".swift" or page.parent.suffix == ".docc":
        imports |= MODULE_IMPORTS
    source = "\n".join(sorted(imports)) + "\n\n"
    source += "\n\n".join(declarations) + "\n\n"
    source += f"@Sendable func snippets_{name}() async throws {{\n"
    source += "\n".join("    do {\n" + scope + "\n    }" for scope in scopes)
    source += "\n}\n"
    return name, source


def build_standins(modules):
    """Builds each scripts/stand-ins/NAME.swift as a module NAME, its `// depends:` first."""
    out = OUT / "stand-in-modules"
    out.mkdir(parents=True, exist_ok=True)
    sources = {path.stem: path for path in sorted((ROOT / "scripts" / "stand-ins").glob("*.swift"))}
    depends = {}
    for name, path in sources.items():
        line = next((l for l in path.read_text().split("\n") if l.startswith("// depends:")), "// depends:")
        depends[name] = line.split(":", 1)[1].split()
    order, seen = [], set()

    def visit(name):
        if name in seen:
            return
        seen.add(name)
        for dependency in depends.get(name, []):
            visit(dependency)
        order.append(name)

    for name in sources:
        visit(name)
    output = ""
    for name in order:
        command = ["swiftc", "-emit-module", "-parse-as-library", "-swift-version", "6", "-I", str(out),
                   "-module-name", name, "-emit-module-path", str(out / f"{name}.swiftmodule"), str(sources[name])]
        built = subprocess.run(command, capture_output=True, text=True)
        output += built.stdout + built.stderr
        if built.returncode != 0:
            return out, False, output
    return out, True, output


def main():
    modules = ROOT / ".build" / "debug" / "Modules"
    if not modules.is_dir():
        modules = ROOT / ".build" / "debug"
    OUT.mkdir(parents=True, exist_ok=True)
    for stale in OUT.glob("*.swift"):
        stale.unlink()
    shutil.rmtree(OUT / "standin-snippets", ignore_errors=True)
    files = [str(ROOT / "scripts" / "snippet-prelude.swift")]
    count = 0
    for page in PAGES:
        generated = swift_file(page)
        if generated is None:
            continue
        name, source = generated
        path = OUT / f"{name}.swift"
        path.write_text(source)
        files.append(str(path))
        count += sum(1 for _ in blocks(page))
    command = ["swiftc", "-typecheck", "-swift-version", "6", "-I", str(modules), "-module-name", "Snippets"] + files
    result = subprocess.run(command, capture_output=True, text=True)
    output = result.stdout + result.stderr
    # Snippets for packages this one does not depend on compile, each in a module of its own,
    # against the stand-in modules in scripts/stand-ins.
    standins, built, build_output = build_standins(modules)
    output += build_output
    if not built:
        result = subprocess.CompletedProcess([], 1)
    for page in PAGES:
        named = {}
        for line_number, code, words in blocks(page, standins=True):
            count += 1
            options = dict(word.split("=", 1) for word in words if "=" in word)
            uses = [name for name in options.get("uses", "").split(",") if name]
            missing = [name for name in uses if name not in named]
            if missing:
                output += f"{page.relative_to(ROOT)}:{line_number}: error: uses unknown snippet {missing}\n"
                result = subprocess.CompletedProcess([], 1)
                continue
            source = "\n".join(named[name] for name in uses) + "\n" + code
            if "id" in options:
                named[options["id"]] = code
            imports = {"import Foundation"}
            body = []
            for line in source.split("\n"):
                if IMPORT.match(line):
                    imports.add(line.strip())
                else:
                    body.append(line)
            name = re.sub(r"\W", "_", f"{page.relative_to(ROOT)}_{line_number}")
            folder = OUT / "standin-snippets" / name
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "main.swift"
            path.write_text(f"// {page.relative_to(ROOT)}:{line_number}\n" + "\n".join(sorted(imports)) + "\n\n" + "\n".join(body) + "\n")
            own = ["swiftc", "-typecheck", "-swift-version", "6", "-I", str(modules), "-I", str(standins),
                   "-module-name", f"Snippet{line_number}"]
            checked = subprocess.run(own + [str(path)], capture_output=True, text=True)
            output += checked.stdout + checked.stderr
            if checked.returncode != 0:
                result = checked
    errors = [line for line in output.split("\n") if ": error:" in line]
    if result.returncode != 0:
        print(output)
        print(f"snippets: {len(errors)} errors in {count} snippets (generated files in {OUT})")
        return 1
    print(f"snippets: {count} snippets in {len(files) - 1} pages type-check")
    return 0


if __name__ == "__main__":
    sys.exit(main())
