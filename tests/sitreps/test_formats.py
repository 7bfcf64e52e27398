"""The report's formats: the signed JSON verifies (and fails after a changed number), the PDF
renders in English and Arabic (pdftoppm, pdftotext), the CSV tables carry the same numbers,
and the admin command writes each."""

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date, timedelta

import pytest

from server.sitreps.labels import TEXT
from sync import verify_cli
from sync.canonical import canonical_bytes
from sync.sitrep_format import verify_sitrep
from tests.server.conftest import API
from tests.sitreps.seed import Seeded, at, random_reports, store

DAY = date(2026, 11, 3)
HEADINGS = (
    "title",
    "summary",
    "violations",
    "movements",
    "fighters",
    "weapons",
    "freedom",
    "report_list",
    "map",
)


@pytest.fixture
def seeded(registered):
    items = random_reports(11, first_day=DAY - timedelta(days=3), days=4, count=250)
    items.append(
        Seeded(
            "00000000-0000-4000-8000-00000000c001",
            "heavy_weapons",
            "verified",
            at(DAY, 11, 0),
            31.10,
            16.60,
            {"system": "T-72 tank", "count": 4},
        )
    )  # in the Sirte demilitarised area
    store(registered.ctx.engine, items)
    return registered


# Drawing a PDF does not depend on the database (test_numbers.py and the JSON and CSV tests here
# run on both): on SQLite only, as it is the slowest part of the suite.
ON_SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _get(harness, headers, **params):
    answer = harness.client.get(f"{API}/sitreps", params={"date": DAY.isoformat(), **params}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer


def test_the_signed_json_verifies_and_fails_after_a_changed_count(seeded, verifier_headers, tmp_path, capsys):
    answer = _get(seeded, verifier_headers, format="json")
    assert answer.headers["content-type"].startswith("application/json")
    checks = verify_sitrep(answer.content)
    assert all(c.ok for c in checks), [c.line() for c in checks]
    document = answer.json()
    assert document["report"]["server_key"] == seeded.ctx.keys.sign_public_b64
    assert len(document["report"]["reports"]) >= 20
    assert all(
        len(r["body_hash"]) == 64
        for r in document["report"]["reports"] + document["report"]["earlier_records"]
    )
    assert any(
        w["record_id"] == "00000000-0000-4000-8000-00000000c001"
        and {r["rule"] for r in w["reasons"]} >= {"in_demilitarised_area", "outside_storage_sites"}
        for w in document["report"]["heavy_weapons"]
    )

    # One count changed: the signature no longer holds, and the recount says where.
    changed = json.loads(answer.content)
    row = next(v for a in changed["report"]["areas"] for v in a["violations"] if v["current"])
    row["current"] += 1
    tampered = canonical_bytes(changed)
    failed = {c.what for c in verify_sitrep(tampered) if not c.ok}
    assert "the server's signature over the report" in failed
    assert "every area's counts are the listed records' counts" in failed

    # A record dropped from the list: the numbers no longer rest on the listed records.
    dropped = json.loads(answer.content)
    dropped["report"]["reports"].pop()
    assert {c.what for c in verify_sitrep(canonical_bytes(dropped)) if not c.ok} >= {
        "the server's signature over the report",
        "the number of records counted is the listed records'",
    }

    good, bad = tmp_path / "sitrep.json", tmp_path / "tampered.json"
    good.write_bytes(answer.content)
    bad.write_bytes(tampered)
    assert verify_cli.main([str(good), "--server-key", seeded.ctx.keys.sign_public_b64]) == 0
    assert "VERIFIED: all" in capsys.readouterr().out
    assert verify_cli.main([str(bad)]) == 1
    assert "NOT VERIFIED" in capsys.readouterr().out


def _words(text: str) -> set[str]:
    # Arabic comes back from the PDF in presentation forms, a line's words in either order, and
    # a ligature's letters (lam-alef, lam-yeh) in swapped order (pdftotext): each word is
    # compared as its letters, sorted.
    return {"".join(sorted(w)) for w in re.findall(r"\w+", unicodedata.normalize("NFKC", text))}


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None and not os.environ.get("CI"),
    reason="poppler-utils missing (./dev and .ci/run install it)",
)
@ON_SQLITE_ONLY
def test_the_pdf_renders_with_its_table_headings_in_both_languages(seeded, verifier_headers, tmp_path):
    for language in ("en", "ar"):
        pdf = _get(seeded, verifier_headers, format="pdf", lang=language).content
        assert pdf.startswith(b"%PDF-")
        path = tmp_path / f"sitrep-{language}.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / language)], check=True)
        pages = sorted(tmp_path.glob(f"{language}-*.png"))
        assert len(pages) >= 3  # tables, lists, the map annex
        assert all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 3000 for p in pages)
        text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True).stdout.decode()
        words = _words(text)
        for key in (*HEADINGS, "this_period", "previous", "change", "area", "type"):
            label = TEXT[language][key]
            missing = _words(label) - words
            assert not missing, (language, key, missing)
        page_label = "Page 1 of" if language == "en" else "الصفحة"
        assert page_label in unicodedata.normalize("NFKC", text)
        assert "Africa/Tripoli" in text


def test_html_and_csv_say_the_same_numbers(seeded, verifier_headers):
    document = _get(seeded, verifier_headers, format="json").json()["report"]
    html = _get(seeded, verifier_headers, format="html", lang="ar").text
    assert '<html lang="ar" dir="rtl">' in html and TEXT["ar"]["violations"] in html
    assert "data:image/png;base64," in html  # the map annex inline
    answer = _get(seeded, verifier_headers, format="csv", table="violations")
    assert answer.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(answer.text.lstrip("\ufeff"))))
    by_key = {(r["area_id"], r["type"]): r for r in rows}
    for area in document["areas"]:
        for row in area["violations"]:
            cell = by_key[area["id"], row["type"]]
            assert (int(cell["current"]), int(cell["previous"]), int(cell["since"])) == (
                row["current"],
                row["previous"],
                row["since"],
            )
    listed = list(
        csv.DictReader(
            io.StringIO(_get(seeded, verifier_headers, format="csv", table="reports").text.lstrip("\ufeff"))
        )
    )
    assert [r["record_id"] for r in listed] == [r["record_id"] for r in document["reports"]]


@ON_SQLITE_ONLY
def test_the_admin_command_writes_each_format(seeded, tmp_path):
    data_dir = str(seeded.settings.data_dir)
    url = seeded.settings.database_url
    for fmt, extra in (("json", []), ("pdf", ["--lang", "ar"]), ("csv", ["--table", "freedom_of_movement"])):
        out = tmp_path / f"out.{fmt}"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "server",
                "admin",
                "sitrep",
                "--date",
                DAY.isoformat(),
                "--format",
                fmt,
                *extra,
                "--out",
                str(out),
                "--data-dir",
                data_dir,
                "--database-url",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        assert f"wrote {out}" in done.stderr
    assert all(c.ok for c in verify_sitrep((tmp_path / "out.json").read_bytes()))
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF-")
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "admin",
            "sitrep",
            "--date",
            "2026-13-01",
            "--format",
            "pdf",
            "--out",
            str(tmp_path / "x.pdf"),
            "--data-dir",
            data_dir,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "not a date" in bad.stderr
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "server",
            "admin",
            "sitrep",
            "--from",
            "2026-11-05",
            "--to",
            "2026-11-01",
            "--format",
            "json",
            "--out",
            str(tmp_path / "y.json"),
            "--data-dir",
            data_dir,
            "--database-url",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 1 and refused.stderr.startswith("error: the period ends")
    assert not (tmp_path / "y.json").exists()
