"""Which verbs the `fieldapp` command has: the observer's always, the server's only where the
server side registered them (the `fieldapp.verbs` entry points), and `fieldapp/` never names
the server — not in an import, not in a string a module could be imported by."""

import ast
import re
import tomllib
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from fieldapp.cli.main import EXIT_USAGE, SERVER_SIDE_VERBS, VERB_GROUP, main

ROOT = Path(__file__).resolve().parents[2]
OBSERVER_VERBS = (
    "init", "record", "amend", "list", "show", "finalize", "passphrase", "wipe",
    "enroll", "sync", "export-bundle", "app", "verify",
)  # fmt: skip
# A string that could name the server package to an importer: `server`, `server.cli`,
# `server.cli:register`, `server/launcher.py`, or such a dotted name inside a longer text.
# Prose ("the server", "server_url", "settings.server", "the server.") does not match.
MODULE_NAME = re.compile(r"^server([.:/]\S*)?$|(?<![\w.\[])server[.:/][A-Za-z_]")


def registered_entry_points() -> list[EntryPoint]:
    """What pyproject.toml registers in the group (what an install with the server has)."""
    table = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"][VERB_GROUP]
    return [EntryPoint(name=name, value=value, group=VERB_GROUP) for name, value in table.items()]


def listed_verbs(capsys, **options) -> set[str]:
    with pytest.raises(SystemExit) as done:
        main(["--help"], **options)
    assert done.value.code == 0
    listing = capsys.readouterr().out.split("positional arguments:", 1)[1].split("options:", 1)[0]
    return set(re.findall(r"^    (\S+)", listing, flags=re.MULTILINE))


def references_to_server(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name.split(".")[0] == "server"]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "server":
                found.append(f"from {node.module} import ...")
        elif isinstance(text := getattr(node, "value", None), str) and MODULE_NAME.search(text):
            found.append(f"line {node.lineno}: {text[:80]!r}")
    return found


def test_fieldapp_names_no_server_module_in_imports_or_strings():
    sources = sorted((ROOT / "fieldapp").rglob("*.py"))
    assert len(sources) > 50  # the whole package was read
    problems = {str(p.relative_to(ROOT)): refs for p in sources if (refs := references_to_server(p))}
    assert not problems, problems


def test_the_scan_sees_each_way_of_naming_the_server(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import server.cli\n"
        "from server import admin\n"
        "import importlib\n"
        "importlib.import_module('server.cli')\n"
        "NAME = 'server'\n"
        "ENTRY = 'server.demo:register'\n"
        "TEXT = 'see server/launcher.py'\n"
        "FINE = ('the server', 'server_url', 'settings.server', 'reach the server.', 'fieldapp[server]')\n"
    )
    assert len(references_to_server(sample)) == 6


def test_without_the_server_side_help_lists_only_the_observer_verbs(capsys):
    assert listed_verbs(capsys, extra_verbs=[]) == set(OBSERVER_VERBS)


@pytest.mark.parametrize("verb", SERVER_SIDE_VERBS)
def test_a_server_verb_without_the_server_side_says_so_in_one_line(capsys, verb):
    assert main([verb, "--help"], extra_verbs=[]) == EXIT_USAGE
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith(f"error: `fieldapp {verb}` belongs to the verification server"), err
    assert "not include" in err


def test_an_unknown_verb_is_still_argparse_s_usage_error(capsys):
    with pytest.raises(SystemExit) as done:
        main(["frobnicate"], extra_verbs=[])
    assert done.value.code == EXIT_USAGE
    assert "invalid choice" in capsys.readouterr().err


def test_the_server_side_registers_serve_admin_and_demo(capsys):
    entries = registered_entry_points()
    assert all(entry.module.split(".")[0] == "server" for entry in entries)
    assert listed_verbs(capsys, extra_verbs=entries) == {*OBSERVER_VERBS, *SERVER_SIDE_VERBS}
