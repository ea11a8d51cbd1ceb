"""The rooms' pages, one module per sub-area: bookings (rooms, calendars, the booking
form, my bookings) and the correspondence address (mail)."""
