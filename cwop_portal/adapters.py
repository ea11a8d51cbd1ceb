from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are identified by their e-mail address, stored lower-case."""

    def clean_email(self, email):
        return super().clean_email(email).strip().lower()
