"""The Preferences window and how its appearance settings are applied (theme, font size)."""
