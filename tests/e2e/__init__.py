"""End-to-end tests: the real bot as a subprocess against a loopback fake of Discord's API v10."""
