"""The coalition bot application: entry point, settings, wiring and scheduling."""
