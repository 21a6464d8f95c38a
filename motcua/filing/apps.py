from django.apps import AppConfig


class FilingConfig(AppConfig):
    name = "motcua.filing"
    label = "filing"
