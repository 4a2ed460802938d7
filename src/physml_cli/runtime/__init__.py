"""The command runtime every command shares: option groups (options), the output policy
(outputs), signals and checkpoints (signals), provenance and what is shown (emit)."""
