"""Entry file for `flet build apk|ipa` and `flet run`: starts the observer app.

The data dir comes from the platform: FLET_APP_STORAGE_DATA (set by Flet on phones),
else FIELDAPP_DATA_DIR, else the user data dir. On a laptop use `fieldapp app`.
"""

import flet as ft

from fieldapp.ui.app import main

if __name__ == "__main__":
    ft.run(main)
