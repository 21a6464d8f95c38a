from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from motcua.org import views, vneid_views
from motcua.org.decorators import citizen_passwords_required as _local

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", vneid_views.sign_out, name="logout"),
    # Sign-in with VNeID (OpenID Connect): to the provider, back with a code, linking a local account.
    path("vneid/", vneid_views.vneid_login, name="vneid_login"),
    path("vneid/callback/", vneid_views.vneid_callback, name="vneid_callback"),
    path("vneid/lien-ket/", vneid_views.vneid_link, name="vneid_link"),
    path("vneid/lien-ket/xong/", vneid_views.vneid_link_done, name="vneid_link_done"),
    path("dang-ky/", _local(views.register), name="register"),
    path("xac-minh/", _local(views.verify), name="verify"),
    path("xac-minh/gui-lai/", _local(views.verify_resend), name="verify_resend"),
    path("ho-so-ca-nhan/", views.profile, name="profile"),
    path("ho-so-ca-nhan/ma-api/<int:token_id>/thu-hoi/", views.token_revoke, name="token_revoke"),
    path("ho-so-ca-nhan/ma-api/thu-hoi-tat-ca/", views.tokens_revoke_all, name="tokens_revoke_all"),
    # A new e-mail address ("email") or phone number ("dien-thoai") waiting for its code.
    path("ho-so-ca-nhan/xac-minh/<slug:kind>/", views.contact_confirm, name="contact_confirm"),
    path("ho-so-ca-nhan/xac-minh/<slug:kind>/gui-lai/", views.contact_resend, name="contact_resend"),
    path("ho-so-ca-nhan/xac-minh/<slug:kind>/huy/", views.contact_cancel, name="contact_cancel"),
    # Password reset by e-mail: Django's signed links.
    path("quen-mat-khau/", _local(views.EmailPasswordResetView.as_view()), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/",
        _local(auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        _local(
            auth_views.PasswordResetConfirmView.as_view(
                template_name="accounts/password_reset_confirm.html",
                success_url=reverse_lazy("accounts:password_reset_complete"),
            )
        ),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        _local(
            auth_views.PasswordResetCompleteView.as_view(
                template_name="accounts/password_reset_complete.html"
            )
        ),
        name="password_reset_complete",
    ),
    # Password reset by phone: a code by SMS.
    path("quen-mat-khau/dien-thoai/", _local(views.password_reset_phone), name="password_reset_phone"),
    path(
        "quen-mat-khau/dien-thoai/ma/",
        _local(views.password_reset_phone_confirm),
        name="password_reset_phone_confirm",
    ),
]
