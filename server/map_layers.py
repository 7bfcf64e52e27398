"""The mission's own map layers: GeoJSON an administrator uploads (agreed lines, areas,
camps), drawn on every map (console tiles and static maps), and the agreement's registers
that have a geometry (lines and areas, camps, crossings, storage sites), drawn beside them.

A layer is stored whole, already checked (server.basemap.layers.parse_geojson): what is in
the table always draws. `MapLayerStore.layer_set()` is what the tile renderer asks for on
each tile; it is cached for a few seconds, so a tile costs no query, and an upload made
through another process shows within that time (the version changes, so browsers fetch
the new tiles).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel, col

from .basemap import style
from .basemap.layers import COLOUR, LayerError, LayerFeature, ParsedFeature, drawable, parse_geojson
from .basemap.tiles import LayerSet, layer_version
from .clock import Clock, utc_now
from .errors import InvalidInput, NotFound
from .models import UTCDateTime

MAX_LAYER_BYTES = 1_000_000  # one upload's GeoJSON text
MAX_LAYERS = 50
MAX_NAME = 80
CACHE_SECONDS = 5.0
REGISTERS_DRAWN = ("lines_and_areas", "camps", "crossings", "storage_sites")


class MapLayerRow(SQLModel, table=True):
    __tablename__ = "map_layers"
    id: str = Field(primary_key=True, max_length=36)
    name: str = Field(max_length=MAX_NAME)
    colour: str = Field(max_length=7)
    feature_count: int
    features: str = Field(sa_column=sa.Column(sa.Text(), nullable=False))  # checked FeatureCollection
    created_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    created_by: str = Field(max_length=64)


@dataclass(frozen=True)
class MapLayerInfo:
    id: str
    name: str
    colour: str
    feature_count: int
    created_at: datetime
    created_by: str

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "colour": self.colour,
            "feature_count": self.feature_count,
            "created_at": self.created_at.isoformat(),
            "created_by": self.created_by,
        }


def _info(row: MapLayerRow) -> MapLayerInfo:
    return MapLayerInfo(row.id, row.name, row.colour, row.feature_count, row.created_at, row.created_by)


def check_layer(name: str, colour: str | None, geojson: str | bytes) -> tuple[str, str, list[ParsedFeature]]:
    """The name, colour and features of an upload, or InvalidInput saying what is wrong."""
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"a layer needs a name of 1 to {MAX_NAME} characters")
    colour = colour or style.LAYER_LINE
    if not COLOUR.match(colour):
        raise InvalidInput("the colour must be #rrggbb")
    size = len(geojson.encode() if isinstance(geojson, str) else geojson)
    if size > MAX_LAYER_BYTES:
        raise InvalidInput(f"the GeoJSON is {size} bytes; at most {MAX_LAYER_BYTES} are accepted")
    try:
        features = parse_geojson(geojson)
    except LayerError as exc:
        raise InvalidInput(f"not a layer the maps can draw: {exc}") from None
    return name, colour.lower(), features


class MapLayerStore:
    """Layers in the database, and the drawable set every map shows."""

    def __init__(self, session_factory: Any, *, clock: Clock | None = None) -> None:
        self.session_factory = session_factory
        self.clock = clock
        self._cached: tuple[float, LayerSet] | None = None
        self._lock = threading.Lock()

    def _now(self) -> datetime:
        return (self.clock or utc_now)()

    def list(self) -> list[MapLayerInfo]:
        with self.session_factory() as session:
            rows = session.scalars(sa.select(MapLayerRow).order_by(col(MapLayerRow.created_at))).all()
            return [_info(r) for r in rows]

    def add(self, *, name: str, colour: str | None, geojson: str | bytes, actor: str) -> MapLayerInfo:
        name, colour, features = check_layer(name, colour, geojson)
        collection = {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"name": f.name} if f.name else {}, "geometry": f.geometry}
                for f in features
            ],
        }
        row = MapLayerRow(
            id=str(uuid.uuid4()), name=name, colour=colour, feature_count=len(features),
            features=json.dumps(collection, separators=(",", ":")), created_at=self._now(), created_by=actor,
        )
        with self.session_factory() as session, session.begin():
            count = session.scalar(sa.select(sa.func.count()).select_from(MapLayerRow)) or 0
            if count >= MAX_LAYERS:
                raise InvalidInput(f"at most {MAX_LAYERS} layers: delete one first")
            session.add(row)
        self.forget()
        return _info(row)

    def delete(self, layer_id: str) -> None:
        with self.session_factory() as session, session.begin():
            row = session.get(MapLayerRow, layer_id)
            if row is None:
                raise NotFound("no such map layer")
            session.delete(row)
        self.forget()

    def geojson(self) -> dict[str, Any]:
        """Every layer's features in one FeatureCollection (properties name them)."""
        out: list[dict[str, Any]] = []
        with self.session_factory() as session:
            for row in session.scalars(sa.select(MapLayerRow).order_by(col(MapLayerRow.created_at))).all():
                for feature in json.loads(row.features)["features"]:
                    feature["properties"] = {**feature.get("properties", {}), "layer": row.name, "colour": row.colour}
                    out.append(feature)
        return {"type": "FeatureCollection", "features": out}

    def forget(self) -> None:
        with self._lock:
            self._cached = None

    def layer_set(self) -> LayerSet:
        """What the tiles draw now (cached CACHE_SECONDS)."""
        with self._lock:
            cached = self._cached
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        current = self._load()
        with self._lock:
            self._cached = (time.monotonic(), current)
        return current

    def _load(self) -> LayerSet:
        from .registers.tables import RegisterEntryRow

        parts: list[str] = []
        features: list[LayerFeature] = []
        with self.session_factory() as session:
            entries = session.scalars(
                sa.select(RegisterEntryRow)
                .where(col(RegisterEntryRow.register_name).in_(REGISTERS_DRAWN))
                .where(col(RegisterEntryRow.retired).is_(False))
                .order_by(col(RegisterEntryRow.register_name), col(RegisterEntryRow.id))
            ).all()
            for entry in entries:
                geometry = json.loads(entry.data).get("geometry")
                if isinstance(geometry, dict):
                    parts.append(f"r:{entry.register_name}:{entry.id}:{entry.version}")
                    features.append(
                        drawable(geometry, name=entry.name_en, colour=style.REGISTER_LINE, fill=style.REGISTER_FILL)
                    )
            for row in session.scalars(sa.select(MapLayerRow).order_by(col(MapLayerRow.created_at))).all():
                parts.append(f"l:{row.id}:{row.colour}")
                for feature in json.loads(row.features)["features"]:
                    name = (feature.get("properties") or {}).get("name", "")
                    features.append(drawable(feature["geometry"], name=name, colour=row.colour))
        return LayerSet(version=layer_version(parts), features=tuple(features))


def store_for(app: Any) -> MapLayerStore:
    """The app's one store (its cache is shared by the API and the tile route)."""
    store = getattr(app.state, "map_layers", None)
    if store is None:
        context = app.state.context
        store = MapLayerStore(context.session_factory, clock=context.clock)
        app.state.map_layers = store
    return store
