"""Measuring what decoding a photo costs: a child interpreter calls the device's or the
console's decoding on a file's bytes (from several threads at once) and reports how far its
peak RSS rose. Its peak is reset (Linux /proc/self/clear_refs) just before the calls, so
nothing the test process holds, and no earlier peak, can hide or fake the cost."""

import json
import random
import subprocess
import sys
from io import BytesIO
from pathlib import Path

from PIL import Image

from .photo_files import make_png_bomb

ROOT = Path(__file__).resolve().parents[2]

# Runs in a child interpreter: warm up (imports, Pillow's plugins), then call CALL on the
# file's bytes from THREADS threads at once; print how far the calls raised the peak RSS.
PROBE = r"""
import io, json, re, sys, threading
from pathlib import Path
from PIL import Image

call, path, threads = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
if call == "device-thumbnail":
    from fieldapp.services.photos import thumbnail as run
elif call == "device-hints":
    from fieldapp.services.photos import photo_hints as run
else:
    from server.thumbnails import thumbnail_jpeg
    def run(data):
        return thumbnail_jpeg(data, max_px=320)

small = io.BytesIO()
Image.new("RGB", (40, 30)).save(small, "PNG")
run(small.getvalue())
data = path.read_bytes()
outcomes = []
start = threading.Barrier(threads)

def work():
    start.wait()
    try:
        run(data)
        outcomes.append("ok")
    except Exception as exc:
        outcomes.append(type(exc).__name__)

def status_kib(name):
    return int(re.search(name + r":\s+(\d+)", Path("/proc/self/status").read_text()).group(1))

Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from now
before = status_kib("VmRSS")
workers = [threading.Thread(target=work) for _ in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
grown = status_kib("VmHWM") - before
print(json.dumps({"grown_mib": grown / 1024, "outcomes": outcomes}))
"""


def probe(call: str, path: Path, threads: int = 1) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, call, str(path), str(threads)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def bomb_file(directory: Path) -> Path:
    """The issue's picture: a 136 KiB PNG of 12,000 × 12,000 pixels (144 MB decoded)."""
    path = directory / "bomb.png"
    path.write_bytes(make_png_bomb())
    assert 130 * 1024 < path.stat().st_size < 140 * 1024
    return path


def noise_png_file(directory: Path, side: int = 1500) -> Path:
    """A PNG of random pixels, quick to compress (level 1), 6.75 MB decoded at 1500 × 1500."""
    noise = Image.frombytes("RGB", (side, side), random.Random(3).randbytes(side * side * 3))
    out = BytesIO()
    noise.save(out, "PNG", compress_level=1)
    path = directory / "noise.png"
    path.write_bytes(out.getvalue())
    return path


def assert_a_few_at_a_time(call: str, path: Path) -> None:
    """Six decodes asked for at once hold the memory of a few, not of six."""
    one = probe(call, path, threads=1)
    six = probe(call, path, threads=6)
    assert one["outcomes"] == ["ok"] and six["outcomes"] == ["ok"] * 6
    assert one["grown_mib"] > 10, one  # the decode itself is measurable
    assert six["grown_mib"] < 3 * one["grown_mib"], (one, six)
