"""Apache Storm launcher: the streamparse topologies as Flux definitions, run in local mode or submitted."""
