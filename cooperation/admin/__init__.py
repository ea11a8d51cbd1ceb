"""The cooperation app's admin, one module per sub-area."""

from cooperation.admin import consultations, programme, team  # noqa: F401 - registration
