"""`Cache-Control: no-store` on every HTML page that does not say otherwise.

A browser going Back reuses its stored copy of a page without asking, however stale: a motion
page from before the reader's own post, or before anyone else's. Not stored, the page is fetched
afresh on return. Responses that set their own Cache-Control (the API's ETags, static files)
keep it.
"""

from django.utils.cache import patch_cache_control


class NoStoreHtmlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if is_html and not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True)
        return response
