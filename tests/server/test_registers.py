"""The register store on SQLite and PostgreSQL: import (CSV, GeoJSON, bad rows, idempotent),
edit and retire (a new signed version each), export, and the feed devices pull."""

import json

from sync.crypto import b64decode
from sync.registers import RegisterFeed, RegisterItem, RegisterSignatureError, open_item
from tests.server.conftest import API

CAMPS_CSV = """id,name_en,name_ar,side,lat,lon,radius_m
camp-jufra,Al Jufra air base,قاعدة الجفرة الجوية,east,29.198,16.0,4000
camp-misrata,Misrata camp,معسكر مصراتة,west,32.325,15.06,
"""


def _import(harness, headers, register, content, fmt="csv"):
    return harness.client.post(
        f"{API}/registers/{register}/import", json={"format": fmt, "content": content}, headers=headers
    )


def _feed(harness, device, since=0, limit=500) -> RegisterFeed:
    answer = harness.client.get(
        f"{API}/devices/me/registers", params={"since": since, "limit": limit}, headers=device.auth
    )
    assert answer.status_code == 200, answer.text
    return RegisterFeed.model_validate(answer.json())


def test_csv_import_is_idempotent_by_id_and_versions_each_change(harness, admin_headers, verifier_headers):
    first = _import(harness, admin_headers, "camps", CAMPS_CSV)
    assert first.status_code == 200, first.text
    assert first.json() == {"added": ["camp-jufra", "camp-misrata"], "changed": [], "unchanged": []}
    again = _import(harness, admin_headers, "camps", CAMPS_CSV).json()
    assert again == {"added": [], "changed": [], "unchanged": ["camp-jufra", "camp-misrata"]}
    renamed = CAMPS_CSV.replace("Misrata camp", "Misrata air college camp")
    assert _import(harness, admin_headers, "camps", renamed).json()["changed"] == ["camp-misrata"]
    listed = harness.client.get(f"{API}/registers/camps", headers=verifier_headers).json()
    by_id = {e["id"]: e for e in listed}
    assert by_id["camp-misrata"]["version"] == 2 and by_id["camp-jufra"]["version"] == 1
    assert by_id["camp-misrata"]["name_en"] == "Misrata air college camp"
    assert by_id["camp-jufra"]["geometry"] == {"type": "Point", "coordinates": [16.0, 29.198]}


def test_bad_rows_are_each_named_with_line_and_reason_and_nothing_is_imported(harness, admin_headers):
    bad = (
        "id,name_en,name_ar,side,lat,lon\n"
        "camp-a,Camp A,,east,29.1,16.0\n"
        "camp-b,,,east,29.1,16.0\n"  # line 3: no English name
        "camp-c,Camp C,,east,north,16.0\n"  # line 4: lat not a number
        "camp-d,Camp D,,east,95,16.0\n"  # line 5: lat out of range
        "camp-a,Camp A again,,east,29.1,16.0\n"  # line 6: the id again
        "bad id,Camp E,,east,29.1,16.0\n"  # line 7: not an id
    )
    answer = _import(harness, admin_headers, "camps", bad)
    assert answer.status_code == 422
    detail = answer.json()["detail"]
    assert detail.startswith("nothing imported: ")
    for line, words in ((3, "name_en"), (4, "lat: not a number"), (5, "lat within ±90"), (6, "also on line 2"), (7, "id")):
        assert f"line {line}: " in detail and words in detail, (line, detail)
    assert "line 2:" not in detail
    assert _import(harness, admin_headers, "camps", "id,name_en,colour\nx,X,red\n").status_code == 422
    assert harness.client.get(f"{API}/registers/camps", headers=admin_headers).json() == []


def test_references_must_exist_and_geojson_lines_import(harness, admin_headers):
    unit = "id,name_en,name_ar,side,type,home_camp\nunit-1,First Brigade,,west,brigade,camp-nowhere\n"
    answer = _import(harness, admin_headers, "units", unit)
    assert answer.status_code == 422 and "line 2: home_camp: 'camp-nowhere' is not an entry of camps" in answer.text
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[16.4, 31.2], [15.9, 29.1]]},
             "properties": {"id": "line-1", "name_en": "Line", "name_ar": "خط", "type": "withdrawal_line",
                            "beyond": "left"}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [16.4, 31.2]},
             "properties": {"id": "line-2", "name_en": "A point", "type": "agreed_line"}},
        ],
    }
    answer = _import(harness, admin_headers, "lines_and_areas", json.dumps(collection), "geojson")
    assert answer.status_code == 422 and "line 2: " in answer.text and "line 1:" not in answer.text
    collection["features"].pop()
    assert _import(harness, admin_headers, "lines_and_areas", json.dumps(collection), "geojson").status_code == 200
    exported = harness.client.get(
        f"{API}/registers/lines_and_areas/export", params={"format": "geojson"}, headers=admin_headers
    ).json()
    assert exported["features"][0]["geometry"]["type"] == "LineString"
    assert exported["features"][0]["properties"]["beyond"] == "left"


def test_retire_keeps_the_entry_and_publishes_a_signed_version(harness, admin_headers, verifier_headers):
    _import(harness, admin_headers, "camps", CAMPS_CSV)
    device = harness.device(admin_headers, seed=4)
    before = _feed(harness, device)
    assert len(before.items) == 2 and not before.more
    answer = harness.client.post(f"{API}/registers/camps/camp-jufra/retire", headers=admin_headers)
    assert answer.status_code == 200 and answer.json()["retired"] is True and answer.json()["version"] == 2
    assert harness.client.post(f"{API}/registers/camps/camp-jufra/retire", headers=verifier_headers).status_code == 403
    assert harness.client.post(f"{API}/registers/camps/camp-none/retire", headers=admin_headers).status_code == 404
    listed = harness.client.get(f"{API}/registers/camps", headers=verifier_headers).json()
    assert {e["id"] for e in listed} == {"camp-jufra", "camp-misrata"}  # never deleted
    after = _feed(harness, device, since=before.cursor)
    assert len(after.items) == 1
    entry = open_item(after.items[0], device.server_sign_key)
    assert (entry.id, entry.version, entry.retired) == ("camp-jufra", 2, True)


def test_the_feed_pages_by_cursor_and_every_item_is_signed_by_the_server(harness, admin_headers):
    rows = "".join(f"camp-{n},Camp {n},,east,29.{n},16.0\n" for n in range(7))
    _import(harness, admin_headers, "camps", "id,name_en,name_ar,side,lat,lon\n" + rows)
    device = harness.device(admin_headers, seed=5)
    seen, cursor = [], 0
    while True:
        page = _feed(harness, device, since=cursor, limit=3)
        seen += [open_item(item, device.server_sign_key).id for item in page.items]
        cursor = page.cursor
        if not page.more:
            break
    assert seen == [f"camp-{n}" for n in range(7)]
    assert _feed(harness, device, since=cursor).items == []
    item = _feed(harness, device).items[0]
    body = bytearray(b64decode(item.body))
    body[body.index(b"Camp 0")] = ord("K")  # one byte changed on the way
    import base64

    tampered = RegisterItem(cursor=item.cursor, body=base64.b64encode(bytes(body)).decode(), signature=item.signature)
    try:
        open_item(tampered, device.server_sign_key)
    except RegisterSignatureError:
        pass
    else:
        raise AssertionError("a changed entry passed its signature check")


def test_register_endpoints_refuse_bad_input_with_4xx(harness, admin_headers, verifier_headers):
    device = harness.device(admin_headers, seed=6)
    cases = [
        ("get", f"{API}/registers/weapons", None, verifier_headers),
        ("get", f"{API}/devices/me/registers?since=-1", None, device.auth),
        ("get", f"{API}/devices/me/registers?limit=100000", None, device.auth),
        ("post", f"{API}/registers/camps/import", {"format": "xml", "content": ""}, admin_headers),
        ("post", f"{API}/registers/camps/import", {"format": "geojson", "content": "{not json"}, admin_headers),
        ("post", f"{API}/registers/camps/import", {"format": "geojson", "content": "[1]"}, admin_headers),
        ("post", f"{API}/registers/camps/import", {"format": "csv", "content": ""}, admin_headers),
        ("put", f"{API}/registers/camps", {"entries": [{"id": "x", "name_en": "X", "geometry": [[[[[]]]]]}]},
         admin_headers),
        ("put", f"{API}/registers/camps", {"entries": [{"id": "x", "name_en": "\ud800"}]}, admin_headers),
        ("put", f"{API}/registers/obligations", {"entries": [{"id": "o", "name_en": "O", "type": "unit_to_camp",
                                                               "deadline": "someday"}]}, admin_headers),
        ("get", f"{API}/tracker?area=bad%20id", None, verifier_headers),
        ("get", f"{API}/tracker/flags?record_id=nope", None, verifier_headers),
        ("post", f"{API}/registers/camps/bad%20id/retire", None, admin_headers),
    ]
    for method, url, body, headers in cases:
        kwargs = {"headers": headers}
        if body is not None:
            kwargs["content"] = json.dumps(body).encode()
            kwargs["headers"] = {**headers, "Content-Type": "application/json"}
        answer = getattr(harness.client, method)(url, **kwargs)
        assert 400 <= answer.status_code < 500, (url, answer.status_code, answer.text)
    assert harness.client.get(f"{API}/devices/me/registers", headers=verifier_headers).status_code in (401, 403)


def test_concurrent_edits_each_get_their_own_version_and_the_feed_stays_in_order(harness, admin_headers):
    from concurrent.futures import ThreadPoolExecutor

    from server.registers import store

    _import(harness, admin_headers, "camps", CAMPS_CSV)
    ctx = harness.ctx

    def rename(n: int) -> None:
        with ctx.transaction() as session:
            store.put_entries(session, "camps", [(1, {"id": "camp-jufra", "name_en": f"Jufra {n}",
                                                      "geometry": {"type": "Point", "coordinates": [16.0, 29.2]}})],
                              keys=ctx.keys, clock=ctx.clock, actor="t")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(rename, range(8)))
    with ctx.transaction() as session:
        [jufra] = [e for e in store.list_entries(session, "camps") if e.id == "camp-jufra"]
        feed = store.feed(session, since=0, limit=500)
    assert jufra.version == 9  # the import's 1, then one per rename, none lost to a race
    device = harness.device(admin_headers, seed=7)
    versions = [open_item(i, device.server_sign_key).version for i in feed.items
                if open_item(i, device.server_sign_key).id == "camp-jufra"]
    assert versions == list(range(1, 10))  # cursor order is version order
