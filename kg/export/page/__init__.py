"""The static files of the HTML export (page template, script, style), read with ``importlib.resources``."""
