"""The `fieldapp` command line: a headless face on the same use cases as the app."""
