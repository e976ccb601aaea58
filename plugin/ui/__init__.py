"""Widgets and dialogs of the plugin (built in code; each file one widget)."""
