"""The signed link of an update request (``actions.UpdateRequest``), signed as the
partnerships' invitations sign theirs (csp_tracker.links)."""

from csp_tracker.links import SignedLink

UPDATE_REQUEST_LINK = SignedLink(view="actions:request", salt="actions.UpdateRequest.link")

update_request_token = UPDATE_REQUEST_LINK.token
update_request_token_matches = UPDATE_REQUEST_LINK.matches
update_request_link = UPDATE_REQUEST_LINK.url
