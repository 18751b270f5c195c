"""The sync engine: rules (the spec as data), runs and logs, planning, links. No Flask request objects."""
