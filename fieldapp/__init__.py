"""FieldApp: the observer's offline-first, encrypted field reporting app."""

__version__ = "0.1.0"
