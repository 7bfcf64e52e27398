"""What `flet build apk|ipa` would take from this repository: the app's files and requirements.

Read the way flet-cli 1.0.5 reads them (flet_cli/commands/build_base.py, package_python_app):
the app path is `[tool.flet.app] path` under the project root; the files are that directory as
serious_python's `package` copies it — every entry whose path relative to the app path is not
in the exclude list, which is `build`, `[tool.flet.app] exclude` and flet-cli's default
excludes (hidden top-level entries, virtual environments, `__pycache__`); the requirements are
`project.dependencies` plus `[tool.flet.<platform>] dependencies`, each handed to pip (with
`--only-binary :all:` and Flet's mobile index). flet-cli's own helpers are used where it has them.
"""

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from flet_cli.utils.app_excludes import find_default_excludes
from flet_cli.utils.project_dependencies import get_project_dependencies
from flet_cli.utils.pyproject_toml import load_pyproject_toml
from packaging.requirements import Requirement

REPO_ROOT = Path(__file__).resolve().parents[2]

# Markers as pip evaluates them for an Android arm64 phone on the bundled Python.
ANDROID_MARKERS = {
    "sys_platform": "android",
    "platform_system": "Android",
    "platform_machine": "aarch64",
    "os_name": "posix",
    "platform_python_implementation": "CPython",
    "implementation_name": "cpython",
}


@dataclass(frozen=True)
class BuildInputs:
    app_path: Path
    files: frozenset[str]  # posix paths relative to the app path
    requirements: tuple[str, ...]
    python_version: str


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def flet_build_inputs(project_dir: Path = REPO_ROOT, platform: str = "android") -> BuildInputs:
    get = load_pyproject_toml(project_dir)
    app_path = project_dir / (get("tool.flet.app.path") or ".")
    exclude = ["build", *(get(f"tool.flet.{platform}.app.exclude") or get("tool.flet.app.exclude") or [])]
    include = get(f"tool.flet.{platform}.app.include") or get("tool.flet.app.include") or []
    exclude += find_default_excludes(app_path, include, exclude)
    requirements = get_project_dependencies(get("project.dependencies")) or []
    requirements += get_project_dependencies(get(f"tool.flet.{platform}.dependencies")) or []
    return BuildInputs(
        app_path=app_path,
        files=frozenset(_copied_files(app_path, {os.path.normpath(p) for p in exclude})),
        requirements=tuple(requirements),
        python_version=str(get("tool.flet.python_version")),
    )


def _copied_files(root: Path, exclude: set[str], directory: Path | None = None) -> Iterable[str]:
    """serious_python's copyDirectory: an entry is left out when its relative path is excluded."""
    for entry in sorted((directory or root).iterdir()):
        relative = os.path.relpath(entry, root)
        if relative in exclude:
            continue
        if entry.is_dir():
            yield from _copied_files(root, exclude, entry)
        elif entry.is_file():
            yield Path(relative).as_posix()


def requirement_closure(requirements: Iterable[str], python_version: str) -> dict[str, str]:
    """Every distribution the requirements pull in on an Android phone: name -> installed version.

    Uses this environment's installed metadata for each package's own requirements (the
    versions differ from the phone's, their dependency names hardly ever do)."""
    markers = {**ANDROID_MARKERS, "python_version": python_version}
    markers["python_full_version"] = f"{python_version}.0"
    found: dict[str, str] = {}
    todo = [(Requirement(r), "") for r in requirements]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({**markers, "extra": extra}):
            continue
        try:
            dist = distribution(requirement.name)
        except PackageNotFoundError as exc:
            raise AssertionError(f"{requirement.name} (needed on the phone) is not installed here") from exc
        key = norm(requirement.name)
        wanted = [(Requirement(r), e) for r in dist.requires or [] for e in ("", *requirement.extras)]
        if key in found and not requirement.extras:
            continue
        found[key] = dist.version
        todo += wanted
    return found


def read_pins(path: Path) -> dict[str, str]:
    """`name==version` lines of a constraints file (comments and blank lines ignored)."""
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[norm(name)] = version.strip()
    return pins
