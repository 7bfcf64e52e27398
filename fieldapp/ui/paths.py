"""Where the app finds its assets (one definition for the device and the server: `sync.assets`)."""

from sync.assets import ASSETS_DIR as ASSETS_DIR
