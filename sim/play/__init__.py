"""Play a nation: a turn-based game on the model (sim.play.game), its log (sim.play.log),
what the player sees (sim.play.briefing), a live explorer of one run (sim.play.explorer)
and the web app serving both (sim.play.app, sim.play.server; docs/PLAY.md)."""
