"""The consultations' write paths and rules, one module per sub-area: appointments,
trainings (registrations, waiting list) and availability (advisors' weekly hours)."""
