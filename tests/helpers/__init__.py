"""Support code for the tests: databases, factories and the real browser."""
