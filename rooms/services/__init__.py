"""The rooms' write paths, one module per sub-area: bookings (and series), the
correspondence address (mail), the organisations' calendar feeds."""
