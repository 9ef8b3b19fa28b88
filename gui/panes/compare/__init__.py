"""The Compare pane: models side by side, blind votes and the leaderboard, question-set scoring."""
