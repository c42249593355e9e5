"""API sign-in with a token, held to the clinic's two-factor rule.

A token is a password that never asks for a code. While the clinic requires
two-factor sign-in for staff, a token works only for someone who has set up their
authenticator app (accounts.two_factor.api_token_refusal); otherwise the API answers
401 and says why. Tokens are made by the manager in the settings admin, which itself
opens only after their code.
"""

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .two_factor import api_token_refusal


class TwoFactorTokenAuthentication(TokenAuthentication):
    """DRF's "Authorization: Token <key>", refused for staff who owe two-factor."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        refusal = api_token_refusal(user)
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        return user, token
