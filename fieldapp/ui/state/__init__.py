"""Plain-Python state behind the screens: testable without Flet or a browser."""
