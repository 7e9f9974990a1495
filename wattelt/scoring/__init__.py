"""Pure scoring and statistics, without Flask: domain scores, GAS T-scores, reliable change."""
