"""Analyses of model results against data."""
