"""The HTTP layer: routers, authentication, body limits, error mapping."""
