import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.live_server import live_server
from tests.sync.faulty_proxy import FaultyProxy


@dataclasses.dataclass
class Server:
    data_dir: Path
    url: str

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """One real `fieldapp serve` per test module (each test uses its own device)."""
    data_dir = tmp_path_factory.mktemp("server")
    with live_server(data_dir) as url:
        yield Server(data_dir, url)


@pytest.fixture
def proxy(server) -> Iterator[FaultyProxy]:
    with FaultyProxy(server.port) as faulty:
        yield faulty
