#!/usr/bin/env python3
"""clang-tidy over every translation unit of ours, in parallel, with a cache of clean results.

usage: scripts/tidy.py [-j N] [--no-cache] [--only FILE...] compile_commands.json...

"Ours" is every source file git tracks (generated sources in build folders and third-party
headers are not checked); a file listed by several databases is checked once, with the first
database's flags. Headers of ours are checked through the translation units that include them
(the header filter below). A translation unit found clean is remembered in
$WWS_TIDY_CACHE (default ~/.cache/wws/tidy) under a key made of the tool's version, the .clang-tidy files that apply,
the compile flags, and the bytes of the file and of every header of ours it includes, so a
second run re-checks only what changed. Findings are never cached: they are printed on every
run, each once even when several translation units report it. Exit status 1 on any finding.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

TIDY = os.environ.get("CLANG_TIDY", "clang-tidy-14")
ROOT = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                      check=True, cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()


def ere_escape(text):
    """`text` as a literal in a POSIX extended regular expression (what LLVM's Regex reads)."""
    return re.sub(r"([.^$|()\[\]*+?{}\\])", r"\\\1", text)


def header_filter():
    """Headers of ours: those in the clone's folders that git tracks, so not the extracted
    dependencies (.deps/: V8, Wasmtime) nor build folders. clang-tidy's --header-filter is an
    LLVM (POSIX extended) regex, which has no lookahead: a `(?!\\.deps/)` there matches nothing,
    and every header went unchecked. A path is as the compile line named it: absolute from
    CMake's databases, relative to the directory from a relative one."""
    out = subprocess.run(["git", "ls-files", "-z"], capture_output=True, check=True, cwd=ROOT).stdout
    folders = sorted({p.split("/", 1)[0] for p in out.decode().split("\0") if "/" in p})
    return "^(" + ere_escape(ROOT) + "/)?(" + "|".join(ere_escape(f) for f in folders) + ")/"


HEADER_FILTER = header_filter()
DIAGNOSTIC = re.compile(r"^([^ :][^:]*):(\d+):(\d+): (warning|error): ")
CACHE_DIR = os.environ.get("WWS_TIDY_CACHE") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "wws", "tidy")


def tracked_files():
    out = subprocess.run(["git", "ls-files", "-z"], capture_output=True, check=True, cwd=ROOT).stdout
    return {os.path.join(ROOT, p) for p in out.decode().split("\0") if p}


def entry_args(entry):
    args = entry["arguments"] if "arguments" in entry else shlex.split(entry["command"])
    return list(args)


def without_output(args):
    """The compile line without `-o <file>`: the output's name is not an input of the check."""
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a == "-o":
            skip = True
        else:
            out.append(a)
    return out


def load_entries(databases, only):
    ours = tracked_files()
    entries = {}
    for db in databases:
        with open(db) as f:
            for e in json.load(f):
                path = os.path.normpath(os.path.join(e["directory"], e["file"]))
                if path in ours and path not in entries and (not only or path in only):
                    entries[path] = dict(e, file=path)
    return entries


def depfile_headers(entry, args):
    """The headers the build's depfile (<object>.d) lists, when it is newer than all of them."""
    try:
        obj = args[args.index("-o") + 1]
    except (ValueError, IndexError):
        return None
    depfile = os.path.join(entry["directory"], obj + ".d")
    try:
        with open(depfile) as f:
            text = f.read()
        made = os.path.getmtime(depfile)
    except OSError:
        return None
    deps = [d.replace("\\ ", " ") for d in re.split(r"(?<!\\)\s+", text.replace("\\\n", " "))[1:] if d]
    try:
        if any(os.path.getmtime(d) > made for d in deps):
            return None
    except OSError:
        return None
    return deps


def scanned_headers(entry, args):
    """The headers the preprocessor finds (-MM: not the system's), when there is no fresh depfile."""
    cmd = [a for a in without_output(args) if a != "-c"] + ["-MM", "-MG"]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=entry["directory"])
    if r.returncode != 0:
        return None  # clang-tidy will report why it does not compile
    text = r.stdout.replace("\\\n", " ")
    return [d.replace("\\ ", " ") for d in re.split(r"(?<!\\)\s+", text.split(":", 1)[-1]) if d]


def cache_key(entry, common):
    args = entry_args(entry)
    deps = depfile_headers(entry, args)
    if deps is None:
        deps = scanned_headers(entry, args)
    if deps is None:
        return None
    h = hashlib.sha256(common)
    # The .clang-tidy files that apply: the file's folder's (if any) up to the clone's.
    folder = os.path.dirname(entry["file"])
    while folder.startswith(ROOT):
        config = os.path.join(folder, ".clang-tidy")
        if os.path.exists(config):
            with open(config, "rb") as f:
                h.update(folder[len(ROOT):].encode() + b"\0" + f.read())
        folder = os.path.dirname(folder)
    # Paths are taken relative to the clone, so that another clone of the same tree shares the cache.
    h.update(json.dumps([a.replace(ROOT, "<root>") for a in without_output(args)]).encode())
    for path in sorted({os.path.normpath(os.path.join(entry["directory"], d)) for d in deps} | {entry["file"]}):
        if path.startswith(ROOT + "/") and not path.startswith(ROOT + "/.deps/"):
            h.update(path[len(ROOT):].encode() + b"\0")
            with open(path, "rb") as f:
                h.update(hashlib.sha256(f.read()).digest())
    return h.hexdigest()


def run_tidy(path, db_dir):
    cmd = [TIDY, "-p", db_dir, "--quiet", "--header-filter=" + HEADER_FILTER, path]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    return r.returncode, r.stdout, r.stderr


def blocks(output):
    """Splits clang-tidy's output into diagnostics: a first line and its notes and source lines."""
    current = []
    for line in output.splitlines():
        m = DIAGNOSTIC.match(line)
        if m and current:
            yield current
            current = []
        if m or current:
            current.append(line)
    if current:
        yield current


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("databases", nargs="+", help="compile_commands.json files")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--no-cache", action="store_true", help="check everything, remember nothing")
    ap.add_argument("--only", nargs="*", default=[], help="check only these files")
    opts = ap.parse_args()
    started = time.time()
    only = {os.path.abspath(p) for p in opts.only}
    entries = load_entries([d for d in opts.databases if os.path.exists(d)], only)
    if not entries:
        print("tidy: no translation unit of ours in " + " ".join(opts.databases), file=sys.stderr)
        return 1
    # clang-tidy reads one database: the merged one, this run's own.
    db_dir = tempfile.mkdtemp(prefix="wws-tidy-")
    with open(os.path.join(db_dir, "compile_commands.json"), "w") as f:
        json.dump(list(entries.values()), f, indent=1)
    try:
        return check_all(opts, entries, db_dir, started)
    finally:
        shutil.rmtree(db_dir, ignore_errors=True)


def check_all(opts, entries, db_dir, started):
    version = subprocess.run([TIDY, "--version"], capture_output=True, text=True, check=True).stdout
    common = version.encode() + b"\0" + HEADER_FILTER.encode() + b"\0"
    os.makedirs(CACHE_DIR, exist_ok=True)

    def check(path):
        key = None if opts.no_cache else cache_key(entries[path], common)
        marker = key and os.path.join(CACHE_DIR, key)
        if marker and os.path.exists(marker):
            os.utime(marker)
            return path, "cached", 0, "", ""
        rc, out, err = run_tidy(path, db_dir)
        if rc == 0 and marker:
            open(marker, "w").close()
        return path, "checked", rc, out, err

    seen, findings, failed, cached = set(), 0, [], 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, opts.jobs)) as pool:
        futures = [pool.submit(check, path) for path in sorted(entries)]
        for done in concurrent.futures.as_completed(futures):
            path, how, rc, out, err = done.result()
            cached += how == "cached"
            if rc == 0:
                continue
            failed.append(os.path.relpath(path, ROOT))
            for b in blocks(out):
                # A header's finding is reported by every unit that includes it, under paths
                # spelled differently (build/../src/x.h): one normalised path, one report.
                m = DIAGNOSTIC.match(b[0])
                where = os.path.relpath(os.path.normpath(os.path.join(ROOT, m.group(1))), ROOT)
                b[0] = where + b[0][len(m.group(1)):]
                if b[0] not in seen:
                    seen.add(b[0])
                    findings += 1
                    print("\n".join(b), flush=True)
            if not list(blocks(out)):
                print(f"tidy: {os.path.relpath(path, ROOT)}: clang-tidy failed (status {rc})\n{out}{err}")
    # Markers not used for 30 days are dropped: the cache holds only what recent trees need.
    month_ago = time.time() - 30 * 86400
    for name in os.listdir(CACHE_DIR):
        p = os.path.join(CACHE_DIR, name)
        if os.path.getmtime(p) < month_ago:
            os.remove(p)
    took = time.time() - started
    print(f"tidy: {len(entries)} translation units ({cached} unchanged since a clean check) in {took:.0f} s: "
          + (f"{findings} findings in {len(failed)} of them" if failed else "clean"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
