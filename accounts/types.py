"""Who a request's user can be, for type hints."""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts.models import User

# Anyone a permission rule may be asked about, signed in or not.
AnyUser = User | AnonymousUser


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a page behind ``login_required``: its user is signed in."""

    user: User
