import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Everything loaded so far (Django, the apps, URL patterns, translations) lives as long as the process:
# move it out of the collector's reach, so that a full collection under load scans only the objects
# requests create (tens of milliseconds less per collection) and forked workers keep sharing its pages.
gc.freeze()
