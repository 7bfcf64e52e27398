"""Evidence packages: made by the server, checked offline; any one-byte change fails and says where."""

import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from sync import evidence_format as fmt
from sync.evidence_format import _layout
from sync.evidence_verify import holds, verify_package
from tests.evidence.conftest import ABSENT, PHOTO
from tests.support.live_server import REPO_ROOT


def test_a_package_holds_everything_needed_and_verifies(made):
    _harness, _record_id, data = made
    files = fmt.read_zip(data)
    assert set(files) == {
        fmt.MANIFEST, fmt.MANIFEST_SIGNATURE, fmt.RECORD_BODY, fmt.RECORD_SIGNATURE, fmt.DEVICE_KEY,
        fmt.DEVICE_ENROLMENT, fmt.SERVER_KEY, fmt.SERVER_RECEIPT, fmt.TREE_HEAD, fmt.LOG_ENTRIES,
        fmt.DECISIONS, fmt.SUMMARY_EN, fmt.SUMMARY_AR, fmt.SUMMARY_PDF_EN, fmt.SUMMARY_PDF_AR,
        fmt.photo_path(hashlib.sha256(PHOTO).hexdigest(), "image/jpeg"),
    }  # fmt: skip
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None  # any zip tool reads it
    checks = verify_package(data)
    lines = [c.line() for c in checks]
    assert holds(checks), "\n".join(lines)
    assert sum(c.outcome == "ok" for c in checks) >= 30
    for expected in (
        "ok    the device's signature over the record's exact bytes",
        "ok    the server's signature over the manifest",
        "ok    the server's signature over its receipt",
        "ok    inclusion of the record leaf 1 in the signed tree",
        "ok    inclusion of the previous leaf 0 in the signed tree",
        "ok    inclusion of the next leaf 2 in the signed tree",
        "ok    the report's state is its last decision's",
    ):
        assert expected in lines, "\n".join(lines)
    assert any(line.startswith("note  photo " + ABSENT) for line in lines)
    assert sum("chain: the logged record" in line for line in lines) == 2
    assert sum(line.startswith("ok    decision ") for line in lines) == 2
    assert "تقرير عربي" in files[fmt.SUMMARY_AR].decode() and 'dir="rtl"' in files[fmt.SUMMARY_AR].decode()
    # nothing of other reports: their content never appears, only their leaves' hashes
    assert b"convoy number" not in data.replace(files[fmt.RECORD_BODY], b"")


def test_a_one_byte_change_anywhere_fails_and_says_where(made):
    _harness, _record_id, data = made
    files = fmt.read_zip(data)
    _, regions = _layout(files)
    covered = {
        r.what.removeprefix("the content of ") for r in regions if r.what.startswith("the content of ")
    }
    assert covered == set(files) and {fmt.SUMMARY_PDF_EN, fmt.SUMMARY_PDF_AR} <= covered  # the PDFs too
    for region in regions:
        for at in sorted({region.start, (region.start + region.end) // 2, region.end - 1}):
            changed = bytearray(data)
            changed[at] ^= 0x01
            checks = verify_package(bytes(changed))
            failures = [c.line() for c in checks if c.outcome == "FAIL"]
            assert failures, f"byte {at} ({region.what}) changed and the package still verified"
            if region.what.startswith("the content of "):
                name = region.what.removeprefix("the content of ")
                assert any(name in line for line in failures), (region.what, failures)


def test_a_rebuilt_package_with_one_file_changed_fails_at_that_file(made):
    """Repacked canonically (so the container is perfect): the manifest's hash names the file."""
    _harness, _record_id, data = made
    files = fmt.read_zip(data)
    for name in sorted(files):
        changed = dict(files)
        content = bytearray(changed[name])
        content[len(content) // 2] ^= 0x20
        changed[name] = bytes(content)
        failures = [c.line() for c in verify_package(fmt.write_zip(changed)) if c.outcome == "FAIL"]
        assert failures, name
        expected = "manifest" if name in (fmt.MANIFEST, fmt.MANIFEST_SIGNATURE) else name
        assert any(expected in line for line in failures), (name, failures)


def test_extra_or_missing_files_and_a_foreign_server_key_fail(made):
    _harness, _record_id, data = made
    files = fmt.read_zip(data)
    extra = verify_package(fmt.write_zip({**files, "notes.txt": b"added later"}))
    assert "FAIL  sha256 notes.txt: a file the manifest does not list" in [c.line() for c in extra]
    missing = {k: v for k, v in files.items() if k != fmt.TREE_HEAD}
    assert not holds(verify_package(fmt.write_zip(missing)))
    other = os.urandom(32)
    pinned = verify_package(data, server_key=other)
    assert not holds(pinned) and any("the server key is the pinned one" in c.line() for c in pinned)
    assert holds(verify_package(data, server_key=fmt.public_key_from_pem(files[fmt.SERVER_KEY])))
    assert next(c.line() for c in verify_package(b"not a zip")).startswith("FAIL  the package opens as a zip")


def test_the_verifier_runs_with_nothing_but_the_sync_package(made, tmp_path):
    """A small separate install: a copy of sync/ and its dependencies, and no fieldapp,
    server, SQLAlchemy, httpx or Flet importable at all."""
    _harness, _record_id, data = made
    package = tmp_path / "evidence.zip"
    package.write_bytes(data)
    install = tmp_path / "install"
    shutil.copytree(REPO_ROOT / "sync", install / "sync", ignore=shutil.ignore_patterns("__pycache__"))
    entry = install / "verify.py"
    entry.write_text(
        "import importlib.abc, sys\n"
        f"sys.path.insert(0, {str(install)!r})\n"
        "BLOCKED = {'fieldapp', 'server', 'sqlalchemy', 'sqlmodel', 'fastapi', 'httpx', 'flet', 'tests'}\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in BLOCKED:\n"
        "            raise ImportError(f'{name} is not part of the verifier install')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import sync\n"
        f"assert sync.__file__.startswith({str(install)!r}), sync.__file__\n"
        "from sync.verify_cli import main\n"
        "sys.exit(main())\n"
    )
    run = [sys.executable, "-I", str(entry), str(package)]
    good = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.splitlines()[-1].startswith("VERIFIED: all ")
    changed = bytearray(data)
    changed[len(changed) // 3] ^= 0x04
    package.write_bytes(bytes(changed))
    bad = subprocess.run(run, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and bad.stdout.splitlines()[-1].startswith("NOT VERIFIED: ")


def test_the_admin_command_writes_a_package_fieldapp_verify_accepts(made, tmp_path):
    harness, record_id, first = made
    out = tmp_path / "from-cli.zip"
    data_dir = str(harness.settings.data_dir)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    env.pop("FIELDAPP_DATABASE_URL", None)

    def fieldapp(*args):
        command = [sys.executable, "-m", "fieldapp", *args]
        return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120)

    made_it = fieldapp("admin", "evidence", "--record", record_id, "--out", str(out), "--data-dir", data_dir)
    assert made_it.returncode == 0, made_it.stderr
    earlier = tmp_path / "earlier.zip"
    earlier.write_bytes(first)
    checked = fieldapp("verify", str(out), "--pin-from", str(earlier))
    assert checked.returncode == 0, checked.stdout
    assert "ok    the server key is the pinned one" in checked.stdout
    unknown = fieldapp("admin", "evidence", "--record", "00000000-0000-4000-8000-000000000000", "--out",
                       str(tmp_path / "x.zip"), "--data-dir", data_dir)  # fmt: skip
    assert unknown.returncode == 1 and unknown.stderr.startswith("error: no such report")
    assert not (tmp_path / "x.zip").exists()
    missing = fieldapp("verify", str(tmp_path / "nope.zip"))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert Path(out).stat().st_size == len(fmt.write_zip(fmt.read_zip(out.read_bytes())))


def test_a_manifest_entry_without_a_path_fails_instead_of_crashing_the_verifier(made):
    import json

    _harness, _record_id, data = made
    files = fmt.read_zip(data)
    manifest = json.loads(files[fmt.MANIFEST])
    manifest["files"].append({"sha256": "0" * 64, "size": 1})
    checks = verify_package(fmt.write_zip({**files, fmt.MANIFEST: json.dumps(manifest).encode()}))
    assert not holds(checks)
    assert any("manifest" in c.line() for c in checks if c.outcome == "FAIL")
