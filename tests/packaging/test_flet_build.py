"""The app `flet build` makes holds the observer side only, resolves, and is what CI tests.

No Flutter or Android SDK here, so the build can't run: these tests build its inputs the way
flet-cli does (tests/packaging/flet_build.py) and check what a phone build depends on.
"""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from .flet_build import REPO_ROOT, flet_build_inputs, norm, read_pins, requirement_closure

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
MOBILE = read_pins(REPO_ROOT / "constraints" / "mobile.txt")
SERVER = read_pins(REPO_ROOT / "constraints" / "server.txt")
# geographiclib is not here: sync.geo (both ends) takes its geodesic through pygeodesy.
SERVER_ONLY = {
    "fastapi", "starlette", "uvicorn", "alembic", "psycopg", "psycopg-binary", "flet-web",
    "flet-map", "segno", "schemathesis", "playwright", "websockets",
}  # fmt: skip
APP_TOP_LEVEL = {"main.py", "pyproject.toml", "assets", "fieldapp", "sync"}


@pytest.fixture(scope="module", params=["android", "ios"])
def build(request):
    return flet_build_inputs(platform=request.param)


def test_the_app_package_holds_only_the_observer_side(build):
    top_level = {path.split("/", 1)[0] for path in build.files}
    assert top_level <= APP_TOP_LEVEL, f"flet build would also package {sorted(top_level - APP_TOP_LEVEL)}"
    assert "main.py" in build.files  # the entry file flet build wants at the app path's root
    assert {"assets/places.json", "assets/i18n/en.json", "assets/i18n/ar.json"} <= build.files
    assert "fieldapp/ui/app.py" in build.files and "sync/engine.py" in build.files
    for path in build.files:
        assert not path.startswith(("fieldapp/cli/", "server/", "tests/")), path
        assert "__pycache__" not in path and not path.endswith(".pyc"), path


def test_the_build_pulls_no_server_dependency(build):
    closure = requirement_closure(build.requirements, build.python_version)
    assert not SERVER_ONLY & set(closure), f"a phone build would install {sorted(SERVER_ONLY & set(closure))}"
    # and it does pull what the app imports
    assert {"flet", "flet-camera", "flet-geolocator", "cryptography", "sqlmodel", "pillow"} <= set(closure)


def _imports(path):
    """(module, level, imported names) of every import statement in a file, nested ones too."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, 0, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or "", node.level, tuple(alias.name for alias in node.names)


def _packaged_module(files, dotted):
    as_path = dotted.replace(".", "/")
    return f"{as_path}.py" in files or f"{as_path}/__init__.py" in files


def test_every_import_in_the_package_resolves_from_it(build):
    closure = set(requirement_closure(build.requirements, build.python_version))
    providers = {module: {norm(d) for d in dists} for module, dists in packages_distributions().items()}
    problems = []
    for path in sorted(p for p in build.files if p.endswith(".py")):
        package = path.rsplit("/", 1)[0].replace("/", ".") if "/" in path else ""
        for module, level, names in _imports(build.app_path / path):
            if level:  # relative: must be a packaged module (or a name in one)
                base = package.rsplit(".", level - 1)[0] if level > 1 else package
                dotted = f"{base}.{module}" if module else base
                ok = _packaged_module(build.files, dotted) or (
                    not module and all(_packaged_module(build.files, f"{dotted}.{n}") for n in names)
                )
            else:
                top = module.split(".")[0]
                if top in ("fieldapp", "sync", "main"):
                    ok = _packaged_module(build.files, module)
                else:
                    ok = top in sys.stdlib_module_names or bool(providers.get(top, set()) & closure)
            if not ok:
                problems.append(f"{path}: {'.' * level}{module} {names or ''}")
    assert not problems, "imports that would fail on the phone:\n" + "\n".join(problems)


def test_the_phone_pins_are_the_floor_the_ranges_start_at():
    android = PYPROJECT["tool"]["flet"]["android"]["dependencies"]
    assert android == PYPROJECT["tool"]["flet"]["ios"]["dependencies"]
    for pin in android:
        requirement = Requirement(pin)
        (spec,) = requirement.specifier
        assert spec.operator == "==" and MOBILE[norm(requirement.name)] == spec.version, pin
    for dependency in PYPROJECT["project"]["dependencies"]:
        requirement = Requirement(dependency)
        name = norm(requirement.name)
        floor, pinned = MOBILE[name], SERVER[name]
        assert requirement.specifier.contains(floor), f"{dependency} leaves out the phone's {floor}"
        assert requirement.specifier.contains(pinned), f"{dependency} leaves out the server's {pinned}"
        ranged = requirement.specifier != SpecifierSet(f"=={floor}")
        # a range's floor is the phone's version, so the floor job tests its oldest end
        lowest = [s.version for s in requirement.specifier if s.operator in (">=", "==")]
        assert lowest == [floor], f"{dependency}: its lowest version should be the phone's {floor}"
        assert ranged or name.startswith("flet"), f"{dependency}: only flet packages are pinned"


def test_every_package_of_the_main_install_is_pinned_for_the_server():
    groups = PYPROJECT["project"]["optional-dependencies"]
    for dependency in [*PYPROJECT["project"]["dependencies"], *(d for g in groups.values() for d in g)]:
        requirement = Requirement(dependency)
        pinned = SERVER.get(norm(requirement.name))
        assert pinned, f"{requirement.name} has no pin in constraints/server.txt"
        assert requirement.specifier.contains(pinned), f"server.txt's {pinned} is outside {dependency}"


def test_the_bundled_python_is_the_one_the_floor_job_tests():
    python = PYPROJECT["tool"]["flet"]["python_version"]
    assert python == "3.12"
    assert SpecifierSet(PYPROJECT["project"]["requires-python"]).contains(f"{python}.0")
    readme = (REPO_ROOT / "README.md").read_text()
    commands = re.findall(r"^flet build (?:apk|ipa)\b.*$", readme, flags=re.MULTILINE)
    assert commands, "README.md shows no `flet build apk` command"
    for command in commands:
        assert f"--python-version {python}" in command, command
    assert "python_version" in (REPO_ROOT / ".ci" / "phone-floor").read_text()


def test_android_declares_the_camera_and_location_permissions():
    permissions = PYPROJECT["tool"]["flet"]["android"]["permission"]
    for name in ("CAMERA", "ACCESS_FINE_LOCATION", "ACCESS_COARSE_LOCATION"):
        assert permissions.get(f"android.permission.{name}") is True, name
    info = PYPROJECT["tool"]["flet"]["ios"]["info"]
    assert info["NSCameraUsageDescription"] and info["NSLocationWhenInUseUsageDescription"]


def test_the_installed_command_has_the_server_verbs_pyproject_registers():
    """The laptop/server install (`./dev`, CI: `pip install -e .`) carries the entry points that
    give `fieldapp` its server verbs; the phone build (no metadata, no server/) has none."""
    from importlib.metadata import entry_points

    registered = PYPROJECT["project"]["entry-points"]["fieldapp.verbs"]
    installed = {entry.name: entry.value for entry in entry_points(group="fieldapp.verbs")}
    assert installed == registered, "the installed metadata is stale: reinstall with `pip install -e .`"
