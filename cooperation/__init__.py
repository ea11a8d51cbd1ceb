"""City–NGO cooperation: the public consultation of city acts with NGOs, the yearly
Cooperation Programme with its report, and the NGO Consultation Team."""
