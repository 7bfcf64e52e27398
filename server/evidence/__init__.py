"""Evidence packages (docs/evidence.md): one report, everything needed to check it offline."""

from .package import build_package

__all__ = ["build_package"]
