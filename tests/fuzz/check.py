"""Batch checks for tests/fuzz.rs, in one python3 process.

    python3 check.py originals DIR
        prints the .py files under DIR that CPython does not compile (one per line)
    python3 check.py outputs ORIGINAL_DIR WRITTEN_DIR FINDINGS_JSON
        prints one line per problem: a written file that does not compile, or a finding whose
        own fix, applied alone to the original, does not compile

Positions in the JSON are 1-based rows and columns in characters of the text without its BOM,
lines ending at LF, CRLF or a lone CR (as cancelsafe counts them).
"""

import json
import os
import re
import sys

LINE = re.compile(r"\r\n|\r|\n")
BOM = "\ufeff"


def compile_error(data, name):
    try:
        compile(data, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        return f"{type(error).__name__}: {error}"
    return None


def python_files(root):
    for folder, _, files in os.walk(root):
        for file in sorted(files):
            if file.endswith(".py"):
                yield os.path.join(folder, file)


def offsets(text):
    """The offset of each line's start."""
    starts = [0]
    for match in LINE.finditer(text):
        starts.append(match.end())
    return starts


def apply_alone(text, edits):
    starts = offsets(text)

    def offset(position):
        return starts[position["row"] - 1] + position["column"] - 1

    spans = sorted((offset(e["location"]), offset(e["end_location"]), e["content"]) for e in edits)
    out, cursor = [], 0
    for start, end, content in spans:
        out.append(text[cursor:start])
        out.append(content)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def main():
    if sys.argv[1] == "originals":
        for path in python_files(sys.argv[2]):
            with open(path, "rb") as file:
                if compile_error(file.read(), path):
                    print(os.path.relpath(path, sys.argv[2]))
        return
    original_dir, written_dir, findings = sys.argv[2:5]
    for path in python_files(written_dir):
        with open(path, "rb") as file:
            error = compile_error(file.read(), path)
        if error:
            print(f"{os.path.relpath(path, written_dir)}: the written file does not compile: {error}")
    with open(findings) as file:
        findings = json.load(file)
    for finding in findings:
        fix = finding.get("fix")
        if not fix:
            continue
        name = finding["filename"]
        with open(os.path.join(original_dir, name), "rb") as file:
            data = file.read()
        has_bom = data.startswith(BOM.encode())
        text = data.decode("utf-8-sig")
        fixed = apply_alone(text, fix["edits"])
        error = compile_error((BOM if has_bom else "").encode() + fixed.encode(), name)
        if error:
            row = finding["location"]["row"]
            print(f"{name}:{row}: the {finding['code']} fix alone does not compile: {error}")


main()
