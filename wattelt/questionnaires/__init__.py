"""Questionnaire definitions as versioned data files, and their loader (see the measurement issue)."""
