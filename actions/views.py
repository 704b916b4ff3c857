from django.http import HttpRequest, HttpResponse


def action_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


def my_actions(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")
