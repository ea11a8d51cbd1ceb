"""The benchmark's floor: the cheapest view Django can serve (see bench/run.py).

Routed only when CWOP_BENCH_FLOOR=1 (cwop_portal/urls.py), so it never exists in a
normal deployment. The whole middleware stack still runs for it: the floor is what
a page costs with no view work and no database query.
"""

from django.http import HttpResponse


def floor(request):
    return HttpResponse("ok")
