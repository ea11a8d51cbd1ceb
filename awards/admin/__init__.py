"""The awards admin, one module per sub-area."""

from awards.admin import competitions, jury, nominations, votes  # noqa: F401 - registration
