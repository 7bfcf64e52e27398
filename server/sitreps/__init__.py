"""Situation reports (docs/sitreps.md): the mission's periodic report from verified reports,
in English and Arabic, as a console page, PDF, HTML, JSON and CSV, signed by the server."""
