"""Discord-facing commands and views; each turns an interaction into a service call and back."""
