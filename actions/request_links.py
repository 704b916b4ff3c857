"""The signed token of an update request's link (``actions.UpdateRequest``), as the
partnerships' invitations sign theirs: Django's salted HMAC over the request's id and its
random secret, so only the service, with its secret key, makes a link that works."""

from django.utils.crypto import constant_time_compare, salted_hmac

from actions.models import UpdateRequest

# What the link's token is signed for (salted_hmac's key_salt).
REQUEST_TOKEN_SALT = "actions.UpdateRequest.link"


def update_request_token(update_request: UpdateRequest) -> str:
    value = f"{update_request.pk}:{update_request.secret}"
    return salted_hmac(REQUEST_TOKEN_SALT, value, algorithm="sha256").hexdigest()


def update_request_token_matches(update_request: UpdateRequest, token: str) -> bool:
    return constant_time_compare(update_request_token(update_request), token)
