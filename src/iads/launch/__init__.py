"""Launch stage: launchers fire the rounds of the salvos the command post ordered."""
