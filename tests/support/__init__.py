"""Shared test helpers: a real server on loopback, and a test device that signs and seals records.

- `tests.support.live_server`: `live_server(data_dir, database_url=None)` runs
  `python -m fieldapp serve` on 127.0.0.1 (free port) and yields its base URL;
  `create_enrollment_code(data_dir)` and `create_user(data_dir, username, password, role)`
  prepare it through the server's own admin functions.
- `tests.support.devices`: `make_device(seed=None)` -> `TestDevice` (Ed25519 identity,
  valid records, signed chain, sealed envelopes).
"""
