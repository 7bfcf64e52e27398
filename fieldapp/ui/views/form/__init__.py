"""The observation form screen, one module per section (kind, details, location, photos)."""

from fieldapp.ui.views.form.screen import ObservationFormScreen

__all__ = ["ObservationFormScreen"]
