"""The observer's Flet app: state objects (plain Python) and one view module per screen.

Views only render and forward taps; state objects own the actions and call
`fieldapp.services`. Flet is imported only by `app.py` and `views/`.
"""
