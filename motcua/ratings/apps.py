from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "motcua.ratings"
    label = "ratings"
