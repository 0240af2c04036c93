"""Dashboards: self-contained plotly pages built from stored results (never re-running)."""
