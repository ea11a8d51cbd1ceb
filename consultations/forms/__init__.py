"""The consultations' forms, one module per sub-area: appointments, trainings, advisors."""
