"""One report's evidence package (docs/evidence.md): files, a manifest of their SHA-256, the
server's signature over the manifest, all in the canonical zip of `sync.evidence_format`."""

import json
import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sync import evidence_format as fmt
from sync.canonical import canonical_bytes, sha256_hex
from sync.crypto import b64decode, b64encode, sign
from sync.log_protocol import format_time

from ..keys import ServerKeys
from ..storage import AttachmentStore
from .collect import EvidenceFacts, collect
from .summary import render_html, summary_content
from .summary_pdf import render_pdf

log = logging.getLogger("fieldapp.server.evidence")


def build_package(
    session: Session,
    record_id: str,
    *,
    keys: ServerKeys,
    store: AttachmentStore,
    now: datetime,
    actor: str,
) -> bytes:
    """The package's bytes. `actor` (who asked) is written in the manifest and the log line."""
    facts = collect(session, record_id, keys=keys, store=store, now=now)
    files = _files(facts, keys)
    for language, html_name, pdf_name in (
        ("en", fmt.SUMMARY_EN, fmt.SUMMARY_PDF_EN),
        ("ar", fmt.SUMMARY_AR, fmt.SUMMARY_PDF_AR),
    ):
        content = summary_content(facts, language)
        files[html_name] = render_html(content).encode("utf-8")
        files[pdf_name] = render_pdf(content, created_at=now)
    manifest = canonical_bytes(_manifest(facts, files, keys, now=now, actor=actor))
    files[fmt.MANIFEST] = manifest
    files[fmt.MANIFEST_SIGNATURE] = b64encode(sign(keys.sign_private, fmt.MANIFEST_LABEL + manifest)).encode()
    log.info(
        "evidence.package", extra={"fields": {"record_id": record_id, "actor": actor, "files": len(files)}}
    )
    return fmt.write_zip(files)


def _files(facts: EvidenceFacts, keys: ServerKeys) -> dict[str, bytes]:
    report, device = facts.report, facts.device
    record_leaf = next(e.proof for e in facts.entries if e.role == "record")
    receipt = {
        "record_id": report.record_id,
        "device_id": report.device_id,
        "seq": report.seq,
        "body_hash": report.body_hash,
        "received_at": format_time(report.received_at),
        "leaf_index": record_leaf.leaf_index,
    }
    receipt_signature = sign(keys.sign_private, fmt.RECEIPT_LABEL + canonical_bytes(receipt))
    files = {
        fmt.RECORD_BODY: report.body,
        fmt.RECORD_SIGNATURE: report.signature,
        fmt.DEVICE_KEY: fmt.public_key_pem(_raw(device.public_key)),
        fmt.DEVICE_ENROLMENT: _json(
            {
                "device_id": device.id,
                "public_key": device.public_key,
                "fingerprint": sha256_hex(_raw(device.public_key)),
                "label": device.label,
                "enrolled_at": format_time(device.enrolled_at),
                "revoked_at": format_time(device.revoked_at) if device.revoked_at else None,
            }
        ),
        fmt.SERVER_KEY: fmt.public_key_pem(keys.sign_private.public_key().public_bytes_raw()),
        fmt.SERVER_RECEIPT: _json({"receipt": receipt, "signature": b64encode(receipt_signature)}),
        fmt.TREE_HEAD: _json(facts.head.model_dump()),
        fmt.LOG_ENTRIES: _json([{"role": e.role, **e.proof.model_dump()} for e in facts.entries]),
        fmt.DECISIONS: _json(
            [
                {
                    "id": e.id,
                    "actor": e.actor,
                    "at": format_time(e.at),
                    "from_state": e.from_state,
                    "to_state": e.to_state,
                    "reason": e.reason,
                }
                for e in facts.events
            ]
        ),
    }
    for photo, data in facts.photos:
        if data is not None:
            files[fmt.photo_path(photo.sha256, photo.mime)] = data
    return files


def _manifest(
    facts: EvidenceFacts, files: dict[str, bytes], keys: ServerKeys, *, now: datetime, actor: str
) -> dict[str, Any]:
    report = facts.report
    return {
        "format": fmt.FORMAT,
        "version": fmt.VERSION,
        "record_id": report.record_id,
        "device_id": report.device_id,
        "state": report.state,
        "created_at": format_time(now),
        "created_by": actor,
        "server_public_key": keys.sign_public_b64,
        "tree_size": facts.head.tree_size,
        "chain": {
            "previous": "none" if report.seq == 1 else ("included" if facts.previous else "missing"),
            "next": "included" if facts.following else "none",
        },
        "photos_missing": sorted(photo.sha256 for photo, data in facts.photos if data is None),
        "files": [
            {"path": name, "sha256": sha256_hex(data), "size": len(data)}
            for name, data in sorted(files.items())
        ],
    }


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _raw(public_key_b64: str) -> bytes:
    return b64decode(public_key_b64)
