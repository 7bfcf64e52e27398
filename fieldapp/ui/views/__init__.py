"""One module per screen; each builds controls from a state object and the translator."""
