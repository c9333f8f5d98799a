"""normalize stages: entities to canonical actors, places to the gazetteer, times to date windows."""
