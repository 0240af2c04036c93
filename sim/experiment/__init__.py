"""Experiments: many seeded replications, streamed to a run folder, comparable across
scenarios on common random numbers."""
