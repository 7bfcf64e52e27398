"""One module per console screen; each draws a state object from `server.console.state`."""
