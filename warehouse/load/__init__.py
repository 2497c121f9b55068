"""The load stage: a new build file with every raw file in its `raw` schema, unless no input
changed since the published build."""
