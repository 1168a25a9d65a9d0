"""The site's page for a 405. Django's `require_POST` and its kin answer with an empty body, so
an address that only takes a form's POST, opened as a link or typed, showed a blank page."""

from django.shortcuts import render


class MethodNotAllowedPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or response.streaming or response.content:
            return response  # the API's problems, and any 405 that says something already
        page = render(request, "405.html", {"method": request.method}, status=405)
        page["Allow"] = response["Allow"]
        return page
