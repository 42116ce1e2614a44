"""Run nbval over notebooks/ under set-ups that differ from the machine that stored the outputs.

    python tools/portability.py                    # the default set-ups, then a summary
    python tools/portability.py haswell oldest     # only these
    python tools/portability.py --list             # what each set-up changes

A notebook's printed output must not depend on the CPU's BLAS kernel, the thread count, the hash
seed or the admitted versions of numpy and matplotlib (README, "For developers"). Each
set-up runs `pytest notebooks` (nbval, strict, as in pyproject.toml) in its own environment:

- threads-1, threads-2: OPENBLAS_NUM_THREADS=1 (as CI) and =2;
- haswell, sandybridge, nehalem: another OpenBLAS kernel (OPENBLAS_CORETYPE; a kernel this CPU
  can run, as on most laptops and cloud machines), the default thread count and a random
  PYTHONHASHSEED;
- oldest: the oldest numpy and matplotlib requirements.txt admits (constraints/oldest.txt), in a
  virtual environment of their own (.venv-oldest/, made on first use and reused while
  requirements.txt and the constraints are unchanged), one thread.

The kernel and thread count OpenBLAS really used are read back from the library and shown. Each
notebook nbval rejects is executed once more in the same set-up (nbconvert), and the summary
shows, for each rejected cell, the stored lines next to the fresh ones (as nbval compares them,
sanitized). Logs, JUnit files and the re-run notebooks go to build/portability/. Exit status 1
if any set-up fails.
"""

import argparse
import difflib
import hashlib
import os
import random
import re
import subprocess
import sys
import time
import venv
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbval.plugin import get_sanitize_patterns

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "portability"
OLDEST_VENV = ROOT / ".venv-oldest"
CONSTRAINTS = ROOT / "constraints" / "oldest.txt"
SANITIZE = ROOT / "nbval_sanitize.cfg"
# Variables that change what the notebooks compute; each set-up starts without any of them.
CLEARED = (
    "OPENBLAS_NUM_THREADS",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "PYTHONHASHSEED",
    "MPLBACKEND",
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PROBE = r"""
import ctypes, re, sys
import numpy, matplotlib
libs = sorted(set(re.findall(r"(/\S*openblas\S*\.so\S*)", open("/proc/self/maps").read())))
core, threads = "?", "?"
for path in libs:
    lib = ctypes.CDLL(path)
    for prefix in ("scipy_openblas_", "openblas_"):
        for suffix in ("64_", ""):
            name = getattr(lib, f"{prefix}get_corename{suffix}", None)
            count = getattr(lib, f"{prefix}get_num_threads{suffix}", None)
            if name and count:
                name.restype = ctypes.c_char_p
                core, threads = name().decode(), count()
print(numpy.__version__, matplotlib.__version__, core, threads, sys.version.split()[0])
"""


@dataclass
class SetUp:
    name: str
    what: str
    env: dict
    oldest: bool = False
    random_hash_seed: bool = True


SETUPS = {
    s.name: s
    for s in (
        SetUp("threads-1", "one OpenBLAS thread, as CI", {"OPENBLAS_NUM_THREADS": "1"}),
        SetUp("threads-2", "two OpenBLAS threads", {"OPENBLAS_NUM_THREADS": "2"}),
        SetUp(
            "haswell",
            "OpenBLAS's Haswell kernel, default threads",
            {"OPENBLAS_CORETYPE": "Haswell"},
        ),
        SetUp("sandybridge", "the Sandy Bridge kernel", {"OPENBLAS_CORETYPE": "SandyBridge"}),
        SetUp("nehalem", "the Nehalem kernel (SSE only)", {"OPENBLAS_CORETYPE": "Nehalem"}),
        SetUp(
            "oldest",
            "the oldest numpy and matplotlib admitted, one thread",
            {"OPENBLAS_NUM_THREADS": "1"},
            oldest=True,
        ),
    )
}
DEFAULT = ("threads-1", "threads-2", "haswell", "oldest")


@dataclass
class Result:
    setup: SetUp
    seconds: float = 0.0
    versions: str = ""
    hash_seed: str = "-"
    passed: int = 0
    failed: dict = field(default_factory=dict)  # test id -> description lines
    problem: str = ""
    other: str = ""  # time spent besides nbval: making the venv, re-running rejected notebooks


def stamp():
    digest = hashlib.sha256()
    for path in (ROOT / "requirements.txt", CONSTRAINTS):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def oldest_python(log):
    """The interpreter of .venv-oldest, made or brought up to date first."""
    python = OLDEST_VENV / "bin" / "python"
    marker = OLDEST_VENV / ".portability-stamp"
    if python.exists() and marker.exists() and marker.read_text() == stamp():
        return python
    print(
        f"  preparing {OLDEST_VENV.name}/ (pip install -r requirements.txt -c {CONSTRAINTS.name})"
    )
    if not python.exists():
        venv.create(OLDEST_VENV, with_pip=True)
    command = [str(python), "-m", "pip", "install", "--quiet", "-r", "requirements.txt"]
    command += ["-c", str(CONSTRAINTS.relative_to(ROOT))]
    done = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    if done.returncode:
        raise RuntimeError(f"could not install the oldest versions (see {log.name})")
    marker.write_text(stamp())
    return python


def environment(setup, hash_seed):
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env.update(setup.env)
    if hash_seed is not None:
        env["PYTHONHASHSEED"] = str(hash_seed)
    return env


def code_cells(cells):
    """The notebook's code cells: nbval's "Cell N" is the N-th of them (counting from 0)."""
    return [i for i, cell in enumerate(cells) if cell.cell_type == "code"]


def read_junit(path):
    """(passed, {notebook: {nbval cell number: what nbval said}}) from pytest's JUnit file."""
    passed, failed = 0, {}
    for case in ET.parse(path).getroot().iter("testcase"):
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        if failure is None:
            passed += case.find("skipped") is None
            continue
        notebook = case.get("classname", "").replace(".ipynb", "").replace(".", "/") + ".ipynb"
        match = re.search(r"Cell (\d+)", case.get("name", ""))
        text = ANSI.sub("", (failure.get("message") or "") + (failure.text or ""))
        kind = re.search(r"mismatch '[^']+'", text) or re.search(r"Cell \d+: [^\n]+", text)
        number = int(match.group(1)) if match else -1
        failed.setdefault(notebook, {})[number] = kind.group(0) if kind else "failed"
    return passed, failed


def shown_text(cell):
    """What a code cell printed: streams, plain-text results and errors, as nbval sanitizes it."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            parts.append(f"{output.get('ename')}: {output.get('evalue')}")
        else:
            parts.append(output.get("data", {}).get("text/plain", ""))
    text = "".join(part if part.endswith("\n") else part + "\n" for part in parts if part)
    for regex, replacement in get_sanitize_patterns(SANITIZE.read_text(encoding="utf-8")):
        text = re.sub(regex, replacement, text)
    return text


def stored_and_fresh(stored, fresh):
    """The lines that differ, paired: ["stored: ...", "fresh:  ...", ...]."""
    old, new = [], []
    for line in difflib.ndiff(stored.splitlines(), fresh.splitlines()):
        if line.startswith("- "):
            old.append(line[2:])
        elif line.startswith("+ "):
            new.append(line[2:])
    lines = []
    for index in range(max(len(old), len(new))):
        if index < len(old):
            lines.append(f"stored: {old[index]}")
        if index < len(new):
            lines.append(f"fresh:  {new[index]}")
    return lines or ["(the printed text is the same; an image or another output differs)"]


def diagnose(python, env, failed, log, result):
    """Run each notebook nbval rejected once more (nbconvert, same set-up): stored vs fresh."""
    folder = OUT / result.setup.name
    folder.mkdir(parents=True, exist_ok=True)
    for notebook, cells in sorted(failed.items()):
        command = [str(python), "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute"]
        command += ["--allow-errors", "--output-dir", str(folder), notebook]
        subprocess.run(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        stored = nbformat.read(ROOT / notebook, as_version=4).cells
        fresh_path = folder / Path(notebook).name
        fresh = nbformat.read(fresh_path, as_version=4).cells if fresh_path.exists() else None
        for number, kind in sorted(cells.items()):
            code = code_cells(stored)
            index = code[number] if 0 <= number < len(code) else None
            label = f"{Path(notebook).stem} nbval Cell {number}"
            if index is None:
                result.failed[label] = [kind]
                continue
            label += f" = notebook cell {index} ({kind})"
            if fresh is None:
                result.failed[label] = ["(could not re-run the notebook; see the log)"]
                continue
            result.failed[label] = stored_and_fresh(
                shown_text(stored[index]), shown_text(fresh[index])
            )


def run(setup, seed_source):
    OUT.mkdir(parents=True, exist_ok=True)
    result = Result(setup)
    with open(OUT / f"{setup.name}.log", "w", encoding="utf-8") as log:
        try:
            started = time.monotonic()
            python = oldest_python(log) if setup.oldest else Path(sys.executable)
            if setup.oldest:
                result.other += f"venv {time.monotonic() - started:.0f} s; "
            log.flush()
            hash_seed = seed_source.randrange(1, 2**32 - 1) if setup.random_hash_seed else None
            env = environment(setup, hash_seed)
            result.hash_seed = str(hash_seed) if hash_seed is not None else "unset"
            probe = subprocess.run(
                [str(python), "-c", PROBE], env=env, capture_output=True, text=True, cwd=ROOT
            )
            result.versions = probe.stdout.strip() or f"(probe failed: {probe.stderr.strip()})"
            junit = OUT / f"{setup.name}.xml"
            command = [str(python), "-m", "pytest", "notebooks", "-p", "no:cacheprovider"]
            command += ["-q", "-vv", "--tb=long", f"--junitxml={junit}"]
            log.write(f"$ {' '.join(command)}\n{setup.env} PYTHONHASHSEED={result.hash_seed}\n")
            log.flush()
            started = time.monotonic()
            subprocess.run(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
            result.seconds = time.monotonic() - started
            if not junit.exists():
                raise RuntimeError(f"pytest wrote no report (see {log.name})")
            result.passed, failed = read_junit(junit)
            log.flush()
            started = time.monotonic()
            diagnose(python, env, failed, log, result)
            if failed:
                result.other += (
                    f"re-run of the rejected notebooks {time.monotonic() - started:.0f} s"
                )
        except (OSError, RuntimeError) as error:
            result.problem = str(error)
    return result


def summary(results):
    lines = ["", "== portability summary (nbval over notebooks/)", ""]
    header = f"{'set-up':12} {'numpy':7} {'mpl':7} {'kernel':10} {'threads':>7} {'hash seed':>10}"
    lines.append(header + f" {'nbval':>6}  result")
    for r in results:
        numpy_v, mpl_v, core, threads, *_ = (r.versions.split() + ["?"] * 5)[:5]
        status = r.problem or f"{r.passed} passed, {len(r.failed)} failed"
        lines.append(
            f"{r.setup.name:12} {numpy_v:7} {mpl_v:7} {core:10} {threads:>7} {r.hash_seed:>10}"
            f" {r.seconds:5.0f}s  {status}"
        )
    for r in results:
        for label, described in r.failed.items():
            lines.append(f"  {r.setup.name}: {label}")
            lines += [f"      {line}" for line in described[:8]]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("setups", nargs="*", help=f"set-ups to run (default: {' '.join(DEFAULT)})")
    parser.add_argument("--list", action="store_true", help="list the set-ups and exit")
    parser.add_argument("--seed", type=int, help="seed for the random PYTHONHASHSEEDs")
    args = parser.parse_args(argv)
    if args.list:
        for s in SETUPS.values():
            print(f"{s.name:12} {s.what}: {s.env}{' + random PYTHONHASHSEED' * s.random_hash_seed}")
        return 0
    unknown = [name for name in args.setups if name not in SETUPS]
    if unknown:
        parser.error(f"unknown set-up {unknown[0]!r}; choose from {', '.join(SETUPS)}")
    seed_source = random.Random(args.seed)
    results = []
    for name in args.setups or DEFAULT:
        print(f"== {name}: {SETUPS[name].what}", flush=True)
        results.append(run(SETUPS[name], seed_source))
        last = results[-1]
        print(
            f"   {last.problem or f'{last.passed} passed, {len(last.failed)} failed'}"
            f", nbval {last.seconds:.0f} s ({last.versions})"
            f"{'; ' + last.other.strip('; ') if last.other else ''}",
            flush=True,
        )
    print(summary(results))
    return 1 if any(r.failed or r.problem for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
