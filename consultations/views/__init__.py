"""The consultations' pages, one module per sub-area: appointments, trainings, and the
advisors' own pages."""
