"""The model's mechanisms, one module each, in the order a quarter runs them
(docs/MODEL.md, 1.3): drivers, attacks, decisions (policies), budgets, negotiation,
production, milestones, orders, standards, capability (with sustainment), cohesion.

Each module holds its formulas as functions of explicit arrays and one function that
advances its part of the state (sim.state) for a quarter, taking the state, its
parameters and, where it draws, its random stream. Learning-curve prices, used by several,
live in ``prices``.
"""
