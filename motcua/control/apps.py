from django.apps import AppConfig


class ControlConfig(AppConfig):
    name = "motcua.control"
    label = "control"
