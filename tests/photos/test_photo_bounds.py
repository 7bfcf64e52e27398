"""Decoding photos within bounds (issue 10, point 8): a picture whose pixels would not fit in
memory is refused from its header, before any decoding, and decoding runs a few at a time.

Memory is measured in a fresh interpreter each time: its peak RSS is reset (Linux
/proc/self/clear_refs) just before the calls and read after them, so nothing else this test
process holds, and no earlier peak, can hide or fake the cost.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fieldapp.services import PhotoUnreadable, photo_hints, thumbnail
from server.thumbnails import PhotoNotShown, thumbnail_jpeg

from .photo_files import make_jpeg, make_png, make_png_bomb

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


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """The issue's picture: a 136 KiB PNG of 12,000 × 12,000 pixels (144 MB decoded)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.png"
    path.write_bytes(make_png_bomb())
    assert 130 * 1024 < path.stat().st_size < 140 * 1024
    return path


def test_a_decompression_bomb_is_refused_without_decoding_it(bomb):
    data = bomb.read_bytes()
    with pytest.raises(PhotoUnreadable, match="12000 × 12000"):
        thumbnail(data)
    assert photo_hints(data).empty
    with pytest.raises(PhotoNotShown):
        thumbnail_jpeg(data, max_px=320)
    assert PhotoNotShown.status_code == 422


@pytest.mark.parametrize("call", ["device-thumbnail", "device-hints", "server-thumbnail"])
def test_refusing_a_decompression_bomb_costs_a_few_mib(bomb, call):
    measured = probe(call, bomb)
    expected = (
        "ok" if call == "device-hints" else {"device-thumbnail": "PhotoUnreadable"}.get(call, "PhotoNotShown")
    )
    assert measured["outcomes"] == [expected]
    assert measured["grown_mib"] < 8, measured


def test_a_large_but_honest_jpeg_still_gets_a_thumbnail():
    """The bound is on what is decoded: a JPEG is decoded at 1/8 scale for a thumbnail, so a
    camera's 48-megapixel photo stays welcome."""
    from io import BytesIO

    from PIL import Image

    big = BytesIO()
    Image.new("RGB", (8000, 6000), (120, 60, 30)).save(big, "JPEG", quality=70)
    small = Image.open(BytesIO(thumbnail(big.getvalue(), max_px=320)))
    assert small.size == (320, 240)
    assert Image.open(BytesIO(thumbnail_jpeg(big.getvalue(), max_px=200))).size == (200, 150)
    assert not photo_hints(make_jpeg()).empty and photo_hints(make_png()).taken_at is not None


@pytest.mark.parametrize("call", ["device-thumbnail", "server-thumbnail"])
def test_thumbnails_are_made_a_few_at_a_time(tmp_path, call):
    """Six thumbnails asked for at once hold the memory of a few decodes, not of six."""
    import random
    from io import BytesIO

    from PIL import Image

    side = 1500
    noise = Image.frombytes("RGB", (side, side), random.Random(3).randbytes(side * side * 3))
    path = tmp_path / "noise.png"
    out = BytesIO()
    noise.save(out, "PNG", compress_level=1)
    path.write_bytes(out.getvalue())
    one = probe(call, path, threads=1)
    six = probe(call, path, threads=6)
    assert one["outcomes"] == ["ok"] and six["outcomes"] == ["ok"] * 6
    assert one["grown_mib"] > 10, one  # the decode itself is measurable
    assert six["grown_mib"] < 3 * one["grown_mib"], (one, six)
