from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from motcua.org import views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.SignInView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("dang-ky/", views.register, name="register"),
    path("xac-minh/", views.verify, name="verify"),
    path("xac-minh/gui-lai/", views.verify_resend, name="verify_resend"),
    path("ho-so-ca-nhan/", views.profile, name="profile"),
    path("ho-so-ca-nhan/ma-api/<int:token_id>/thu-hoi/", views.token_revoke, name="token_revoke"),
    path("ho-so-ca-nhan/ma-api/thu-hoi-tat-ca/", views.tokens_revoke_all, name="tokens_revoke_all"),
    # A new e-mail address ("email") or phone number ("dien-thoai") waiting for its code.
    path("ho-so-ca-nhan/xac-minh/<slug:kind>/", views.contact_confirm, name="contact_confirm"),
    path("ho-so-ca-nhan/xac-minh/<slug:kind>/gui-lai/", views.contact_resend, name="contact_resend"),
    path("ho-so-ca-nhan/xac-minh/<slug:kind>/huy/", views.contact_cancel, name="contact_cancel"),
    # Password reset by e-mail: Django's signed links.
    path("quen-mat-khau/", views.EmailPasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    # Password reset by phone: a code by SMS.
    path("quen-mat-khau/dien-thoai/", views.password_reset_phone, name="password_reset_phone"),
    path(
        "quen-mat-khau/dien-thoai/ma/",
        views.password_reset_phone_confirm,
        name="password_reset_phone_confirm",
    ),
]
