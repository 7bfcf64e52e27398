"""The observer's Flet app: state objects (plain Python) and one view module per screen.

Views only render and forward taps; state objects own the actions and call
`fieldapp.services`; `shell.AppShell` is what a view may use of the app. Flet is
imported only by `app.py` and `views/` (elsewhere only for the type checker).
"""
