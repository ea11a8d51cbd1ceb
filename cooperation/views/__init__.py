"""The cooperation app's views, one module per sub-area."""
