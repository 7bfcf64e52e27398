"""A refused filter or form value is shown on its own field, whatever kind of field it is."""

import asyncio
from types import SimpleNamespace

from server.console.state import AdminState, QueueState
from server.console.views.admin import AdminView
from server.console.views.queue import QueueView


async def _run(action):
    await action()
    return True


def test_a_refused_dropdown_value_shows_on_the_dropdown():
    view = QueueView(SimpleNamespace(queue=QueueState()))
    view.state_field.value = "lost"
    assert view._filters() is None
    assert view.state_field.error_text == "Unknown state 'lost'."
    view.state_field.value = "verified"
    assert view._filters() is not None and view.state_field.error_text is None


def test_a_missing_role_shows_on_the_role_dropdown():
    app = SimpleNamespace(admin=AdminState(), api=None, guard=_run)
    view = AdminView(app)
    view.new_username.value, view.new_password.value, view.new_role.value = "newcomer", "long enough pw", ""
    asyncio.run(view.create_user())
    assert view.new_role.error_text == "Choose verifier or admin."


def test_the_code_form_offers_the_servers_code_lifetime(tmp_path):
    """One source for an enrolment code's default lifetime: Settings.enrollment_code_ttl."""
    from datetime import timedelta

    from server.console.mounting import mount_console
    from server.main import create_app
    from server.settings import Settings

    settings = Settings.resolve(data_dir=tmp_path, environ={}, enrollment_code_ttl=timedelta(hours=6))
    app = create_app(settings)
    try:
        mount_console(app, settings)
        config = app.state.console
        assert config.code_hours == 6
        admin = AdminState(code_hours=config.code_hours)
        view = AdminView(SimpleNamespace(admin=admin, api=None, guard=_run))
        assert view.code_hours.value == "6"
    finally:
        app.state.context.close()
