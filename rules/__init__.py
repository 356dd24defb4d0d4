"""Pure rules: time parsing, question text, permissions and domain errors; no Discord, no database."""
