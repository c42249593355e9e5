"""The Content-Security-Policy header: CONTENT_SECURITY_POLICY from settings, plus the
origin of the photo bucket's signed links in img-src when photos are kept in object
storage (photos.storage.photo_storage_origin). Worked out from the storage in use, so the
policy cannot drift from where the photos really come from."""

from csp.middleware import CSPMiddleware as BaseCSPMiddleware

from photos.storage import photo_storage_origin


class CSPMiddleware(BaseCSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        origin = photo_storage_origin()
        if origin:
            update = dict(parts.update or {})
            existing = update.get("img-src") or []
            if isinstance(existing, str):
                existing = [existing]
            update["img-src"] = [*existing, origin]
            parts.update = update
        return parts
