"""Demo data, in an app of its own: it builds on every domain app, and no module outside it imports it."""
