"""Plotly figures and exports, as pure functions from scores to figures and files."""
