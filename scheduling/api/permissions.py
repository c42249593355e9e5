from rest_framework.permissions import BasePermission

from accounts.models import STAFF_ROLES


def is_clinic_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.role in STAFF_ROLES)


class IsClinicStaff(BasePermission):
    """Manager, artist or front desk; clients and the public are refused."""

    message = "Only the clinic's staff can use this."

    def has_permission(self, request, view) -> bool:
        return is_clinic_staff(request.user)
