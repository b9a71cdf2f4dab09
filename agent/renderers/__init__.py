"""Renderer plug-ins: each declares its name and formats and streams bytes into a sink."""
