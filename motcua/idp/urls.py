"""The demo provider under /vneid-demo/: its sign-in page, and the OpenID Connect endpoints under o/."""

from django.urls import include, path, re_path
from oauth2_provider import views as oauth2_views

from motcua.idp import views

app_name = "idp"

oidc_patterns = (
    [
        path("authorize/", views.AuthorizationView.as_view(), name="authorize"),
        path("token/", oauth2_views.TokenView.as_view(), name="token"),
        path("revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="revoke-token"),
        re_path(
            r"^\.well-known/openid-configuration/?$",
            oauth2_views.ConnectDiscoveryInfoView.as_view(),
            name="oidc-connect-discovery-info",
        ),
        path(".well-known/jwks.json", oauth2_views.JwksInfoView.as_view(), name="jwks-info"),
        path("userinfo/", views.UserInfoView.as_view(), name="user-info"),
        path("logout/", views.LogoutView.as_view(), name="rp-initiated-logout"),
    ],
    "oauth2_provider",  # the namespace django-oauth-toolkit reverses its endpoints in
)

urlpatterns = [
    path("dang-nhap/", views.sign_in, name="sign_in"),
]

# Mounted from config/urls.py as two includes: this app's pages (namespace idp), and o/ (oauth2_provider).
provider_patterns = [path("o/", include(oidc_patterns))]
