"""The cooperation app's services (the write paths), one module per sub-area."""
