"""A bundle file is untrusted input (issue 10, point 8, bundles): `fieldapp admin import-bundle`
inflates with the API's bound, so a 2 MB file that would inflate to 2 GiB is refused with one
clear line while the process stays small."""

import json
import subprocess
import sys
import zlib
from pathlib import Path

from tests.support.live_server import REPO_ROOT

MIB = 1024 * 1024


def _zero_member() -> bytes:
    """One gzip member holding 1 MiB of zeros (about 1 KB)."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return deflate.compress(b"\0" * MIB) + deflate.flush()


def _import_measured(path: Path, data_dir: Path) -> tuple[subprocess.CompletedProcess, int]:
    """Run the command in a fresh wrapper, so the peak RSS measured is this command's alone."""
    init = [sys.executable, "-m", "fieldapp", "admin", "init", "--data-dir", str(data_dir)]
    subprocess.run(init, cwd=REPO_ROOT, check=True, capture_output=True, timeout=120)
    command = [
        sys.executable,
        "-m",
        "fieldapp",
        "admin",
        "import-bundle",
        str(path),
        "--data-dir",
        str(data_dir),
    ]
    wrapper = (
        "import resource, subprocess, sys, json\n"
        f"done = subprocess.run({command!r}, capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(json.dumps([done.returncode, done.stdout, done.stderr, peak]))\n"
    )
    outer = subprocess.run(
        [sys.executable, "-c", wrapper],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    code, stdout, stderr, peak_kib = json.loads(outer.stdout)
    return subprocess.CompletedProcess(command, code, stdout, stderr), peak_kib * 1024


def test_a_gzip_bomb_bundle_is_refused_with_one_line_and_little_memory(tmp_path):
    bomb = tmp_path / "outbox.fieldapp-bundle.json.gz"
    bomb.write_bytes(_zero_member() * 2048)  # gzip members may follow each other: 2 GiB inflated
    assert bomb.stat().st_size < 3 * MIB
    done, peak = _import_measured(bomb, tmp_path / "server")
    assert done.returncode == 1, done
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: "), done.stderr
    assert "over 64 MiB once decompressed" in done.stderr
    assert peak < 300 * MIB, f"peak RSS {peak / MIB:.0f} MiB"


def test_an_uncompressed_bundle_over_the_bound_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.json"
    with open(big, "wb") as handle:
        handle.truncate(65 * MIB)  # sparse: no disk used
    done, peak = _import_measured(big, tmp_path / "server")
    assert done.returncode == 1 and "over 64 MiB" in done.stderr, done.stderr
    assert peak < 200 * MIB, f"peak RSS {peak / MIB:.0f} MiB"
