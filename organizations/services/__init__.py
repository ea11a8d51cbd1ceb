"""The write paths of the directory, one module per sub-area: organisations
(profiles, memberships, moderation, the contact relay) and news."""
