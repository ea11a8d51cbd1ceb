"""The rooms' admin, one module per sub-area: resources, bookings, closures and
reports (`bookings`); the correspondence address (`mail`). Importing the package
registers both."""

from rooms.admin import bookings, mail  # noqa: F401 - registration
