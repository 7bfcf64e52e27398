"""Nothing an observer typed appears in any file of the data dir, in any common encoding."""

import base64

from core_fixtures import FAST, StepClock, observation

from fieldapp.services import create_device, unlock_device

MARKER = "ZQXMARKER7431"


def encodings(text: str) -> list[bytes]:
    raw = text.encode("utf-8")
    forms = [raw, text.encode("utf-16-le"), text.encode("utf-16-be")]
    # base64 of the marker at each of the three alignments it can have inside a longer text
    for prefix in (b"", b"a", b"ab"):
        encoded = base64.b64encode(prefix + raw)
        # drop the groups that mix in the prefix or the padding: the rest is the marker's alone
        forms.append(encoded[4 if prefix else 0 : -4])
    return [form for form in forms if len(form) >= 8]


def every_file_bytes(directory):
    return {path: path.read_bytes() for path in directory.rglob("*") if path.is_file()}


def test_marker_is_in_no_file_of_the_data_dir(tmp_path):
    device = create_device(tmp_path, "pw", kdf=FAST, clock=StepClock())
    details = {"type": "shelling", "count": 3, "weapon": f"{MARKER} rocket", "damage": f"{MARKER} school"}
    draft = device.record(observation(description=f"draft {MARKER}", details=details))
    device.record(observation(description=f"final {MARKER}", place=f"{MARKER} village"), finalize=True)
    device.record_many(
        [
            {
                "kind": "unit_movement",
                "observed_at": "2025-05-01T09:00:00Z",
                "location": {"lat": 31.0, "lon": 16.0, "source": "manual"},
                "observed_by": "saw",
                "certainty": "confirmed",
                "description": "",
                "controlling_side": f"{MARKER} side",
                "details": {"unit": f"{MARKER} Brigade", "from_place": MARKER, "to_place": MARKER},
            }
        ],
        finalize=True,
    )
    device.save_draft(observation(description=f"edited {MARKER}"), record_id=draft)
    device.update_settings(server_url=f"https://{MARKER.lower()}.example.org", language="ar")
    device.sync_settings.set(device_credential=f"{MARKER}-credential")
    # the content really is there, and readable once unlocked
    assert sum(MARKER in v.record.get("description", "") for v in device.list_page().items) == 2
    # while still open (WAL not yet checkpointed) and after closing
    files_open = every_file_bytes(tmp_path)
    device.lock()
    files_closed = every_file_bytes(tmp_path)
    names = {path.name for path in files_open} | {path.name for path in files_closed}
    assert {"vault.json", "fieldapp.db", "fieldapp.db-wal", "settings.json"} <= names
    for files in (files_open, files_closed):
        for path, content in files.items():
            for form in encodings(MARKER) + encodings(MARKER.lower()):
                assert form not in content, f"{form!r} found in {path.name}"

    with unlock_device(tmp_path, "pw", kdf=FAST) as again:
        assert again.get(draft).record["description"] == f"edited {MARKER}"
