"""A form filled as an observer would fill it for a valid violation (shared by the form tests)."""

from fieldapp.ui.state.observation_form import ObservationForm


def complete(form: ObservationForm) -> ObservationForm:
    form.choose_kind("violation")
    form.lat, form.lon = "31.2", "16.58"
    form.observed_by, form.certainty = "heard", "probable"
    form.description = "shelling north of the road"
    form.details = {"type": "shelling"}
    return form


def filled_form(clock) -> ObservationForm:
    return complete(ObservationForm(clock=clock))
