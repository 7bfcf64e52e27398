"""`fieldapp record --help`: the kinds and an example, pointing to the whole format."""

import argparse
import textwrap

RECORD_EPILOG = """\
kinds: {kinds}

A record (one JSON object; an array or JSON lines for several):
  {{"kind": "violation", "observed_at": "2026-11-27T10:00:00+02:00",
   "location": {{"lat": 31.2, "lon": 16.6}}, "observed_by": "heard",
   "certainty": "probable", "description": "shelling to the NE",
   "details": {{"type": "shelling", "count": 4}}}}
location may also be {{"mgrs": "33RVN 12345 67890"}} or a place of the offline
list by name or id: {{"place": "Sirte"}}.
Every key, each kind's details and their values: docs/record-format.md
"""


class KindsInHelp(argparse.ArgumentParser):
    """A parser whose help ends with the kinds, read from the vocabulary only when shown
    (it imports pydantic, which other verbs need not pay for)."""

    def format_help(self) -> str:
        from fieldapp.model import KINDS

        kinds = textwrap.fill(", ".join(KINDS), 78, subsequent_indent="       ")
        self.epilog = RECORD_EPILOG.format(kinds=kinds)
        return super().format_help()
