"""The cooperation app's management commands."""
