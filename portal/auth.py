"""Sign-in throttling: django-axes' check, for every sign-in that comes with a request."""
from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render


class ThrottlingBackend(AxesStandaloneBackend):
    """Refuse a locked-out user name and address; leave request-less sign-ins (shell, test client) alone.

    Every sign-in over HTTP (the enterprise login page, the admin login) passes its request, so this
    check cannot be stepped around from outside; code that authenticates without one is trusted code.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets: what happened and when to try again, in the visitor's language."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_timedelta": cool_off,
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
