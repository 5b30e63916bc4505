"""The checks ``.ci/package`` runs on the built distributions (stdlib only, plus ``trove_classifiers`` in the
tools' venv).

``python check.py dists DIST_DIR SOURCE_LIST``: the sdist holds exactly the source tree (SOURCE_LIST, one
path a line: the repository's files) less what is left out on purpose, plus what setuptools generates; the
wheel holds exactly the package's files, ``py.typed`` and the LICENSE; the metadata PyPI shows is complete
(license, classifiers PyPI knows, URLs, authors, a lean ``test`` extra).

``python check.py mypy-expect FILE MYPY_OUTPUT``: mypy reported, on FILE, exactly the error codes FILE's
``# expect: CODE`` comments name, on those lines.
"""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

PACKAGE = "pulumi_openai_run"
LEFT_OUT_OF_SDIST = (".ci/", ".gitignore")
"""Repository files that are no part of the source a user builds or tests: CI's scripts, git's settings."""
SDIST_GENERATED = {"PKG-INFO", "setup.cfg"}
SDIST_GENERATED_DIR = f"{PACKAGE}.egg-info/"
WHEEL_DIST_INFO = {"METADATA", "WHEEL", "RECORD", "entry_points.txt", "top_level.txt", "licenses/LICENSE"}
URLS = {"Homepage", "Repository", "Issues", "Changelog", "Documentation"}
DEV_ONLY = {"ruff", "mypy"}


def fail(problems: list[str], what: str) -> None:
    if problems:
        print(f"{what}:", *problems, sep="\n  ", file=sys.stderr)
        raise SystemExit(1)


def one(dist_dir: Path, pattern: str) -> Path:
    [found] = dist_dir.glob(pattern)
    return found


def check_sdist(sdist: Path, source: set[str]) -> None:
    with tarfile.open(sdist) as tar:
        top = sdist.name.removesuffix(".tar.gz") + "/"
        names = {m.name.removeprefix(top) for m in tar.getmembers() if m.isfile()}
    expected = {path for path in source if not path.startswith(LEFT_OUT_OF_SDIST)}
    generated = {n for n in names if n in SDIST_GENERATED or n.startswith(SDIST_GENERATED_DIR)}
    fail([f"missing from the sdist: {p}" for p in sorted(expected - names)]
         + [f"in the sdist but not in the source tree: {p}" for p in sorted(names - expected - generated)],
         f"{sdist.name}: the sdist is not the source tree")
    print(f"sdist: {len(names)} files = the source tree's {len(expected)} (all but {', '.join(LEFT_OUT_OF_SDIST)})"
          f" + {len(generated)} generated")


def check_wheel(wheel: Path, source: set[str]) -> Path:
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        dist_info = next(n.split("/", 1)[0] for n in names if n.split("/", 1)[0].endswith(".dist-info"))
        metadata = zf.read(f"{dist_info}/METADATA").decode()
        license_text = zf.read(f"{dist_info}/licenses/LICENSE").decode()
    package = {p for p in source if p.startswith(f"{PACKAGE}/")}
    expected = package | {f"{dist_info}/{n}" for n in WHEEL_DIST_INFO}
    problems = [f"missing from the wheel: {p}" for p in sorted(expected - names)]
    problems += [f"in the wheel but not the package: {p}" for p in sorted(names - expected)]
    if f"{PACKAGE}/py.typed" not in names:
        problems.append("py.typed is missing: type checkers would treat the package as untyped")
    if "Apache License" not in license_text or "Version 2.0, January 2004" not in license_text:
        problems.append("dist-info/licenses/LICENSE is not the Apache License 2.0")
    fail(problems, f"{wheel.name}: the wheel is not the package")
    print(f"wheel: {len(names)} files = the package's {len(package)} (with py.typed) + dist-info "
          f"({', '.join(sorted(WHEEL_DIST_INFO))})")
    check_metadata(metadata)
    return wheel


def check_metadata(text: str) -> None:
    from trove_classifiers import classifiers as known  # the tools' venv has it; PyPI refuses unknown ones

    meta = Parser().parsestr(text)
    problems = []
    if meta["License-Expression"] != "Apache-2.0":
        problems.append(f"License-Expression is {meta['License-Expression']!r}, not 'Apache-2.0'")
    if meta.get_all("License-File") != ["LICENSE"]:
        problems.append(f"License-File is {meta.get_all('License-File')!r}, not ['LICENSE']")
    if not meta["Author"] and not meta["Author-email"]:
        problems.append("no Author")
    if not meta["Keywords"]:
        problems.append("no Keywords")
    classifiers = meta.get_all("Classifier") or []
    problems += [f"unknown classifier (PyPI refuses it): {c!r}" for c in classifiers if c not in known]
    for prefix in ("Development Status", "Intended Audience", "Topic", "Typing :: Typed", "Operating System"):
        if not any(c.startswith(prefix) for c in classifiers):
            problems.append(f"no {prefix} classifier")
    urls = {label for label, _, _ in (u.partition(", ") for u in meta.get_all("Project-URL") or [])}
    problems += [f"no {label} project URL" for label in sorted(URLS - urls)]
    if meta["Description-Content-Type"] != "text/markdown":
        problems.append(f"Description-Content-Type is {meta['Description-Content-Type']!r}, not text/markdown")
    extras = set(meta.get_all("Provides-Extra") or [])
    if not {"test", "dev"} <= extras:
        problems.append(f"extras are {sorted(extras)}, not test and dev")
    for requirement in meta.get_all("Requires-Dist") or []:
        name = re.split(r"[ <>=!~;\[]", requirement, maxsplit=1)[0].lower()
        if name in DEV_ONLY and "extra == \"test\"" in requirement:
            problems.append(f"the published test extra pulls in a dev tool: {requirement}")
    fail(problems, "METADATA")
    print(f"metadata: {meta['Name']} {meta['Version']}, {meta['License-Expression']}, {len(classifiers)} classifiers"
          f" (all known to PyPI), URLs {', '.join(sorted(urls))}, extras {', '.join(sorted(extras))}")


def mypy_expect(path: Path, output: str) -> None:
    expected = {(n, code) for n, line in enumerate(path.read_text().splitlines(), 1)
                for code in re.findall(r"# expect: ([a-z][a-z-]*)$", line)}
    reported = {(int(n), code) for n, code in re.findall(
        rf"^{re.escape(path.name)}:(\d+): error: .*\[([\w-]+)\]$", output, re.M)}
    fail([f"{path.name}:{n}: expected a [{code}] error, mypy reported none" for n, code in sorted(expected - reported)]
         + [f"{path.name}:{n}: unexpected [{code}] error" for n, code in sorted(reported - expected)]
         + ([] if reported else [output]),
         "mypy did not report the stack's mistakes as expected")
    print(f"mypy: the {len(expected)} expected errors in {path.name}, and no other")


def main(argv: list[str]) -> None:
    if argv[:1] == ["dists"] and len(argv) == 3:
        dist_dir, source = Path(argv[1]), set(Path(argv[2]).read_text().splitlines())
        check_sdist(one(dist_dir, "*.tar.gz"), source)
        check_wheel(one(dist_dir, "*.whl"), source)
    elif argv[:1] == ["mypy-expect"] and len(argv) == 3:
        mypy_expect(Path(argv[1]), Path(argv[2]).read_text())
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
