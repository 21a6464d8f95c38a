"""Citizen account pages: register, verify, sign in, reset the password, keep the profile.

Views only read the form and call a service; every rule lives in `services` and `forms`.
Each form posts with Django's CSRF token (CsrfViewMiddleware), like every form of the site.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core import ratelimit
from motcua.core.errors import DomainError
from motcua.org import selectors, services
from motcua.org.forms import (
    EmailPasswordResetForm,
    PhoneResetForm,
    PhoneResetRequestForm,
    ProfileForm,
    RegistrationForm,
    ResendForm,
    SignInForm,
    VerificationForm,
)
from motcua.org.models import VerificationChannel, VerificationPurpose

# The address a registration is waiting on, so the verification page can pre-fill it.
PENDING_SESSION_KEY = "motcua_pending_identifier"


def _status(error: DomainError) -> int:
    return 429 if isinstance(error, ratelimit.RateLimited) else 200


def _sent_message(request: HttpRequest, channel: str) -> None:
    if channel == VerificationChannel.SMS:
        messages.info(request, _("We sent a 6-digit code by SMS to your phone. It is valid for 10 minutes."))
    else:
        messages.info(
            request, _("We sent a 6-digit code to your e-mail address. It is valid for 10 minutes.")
        )


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error("__all__", code="rate_limited"):
            response.status_code = 429
        return response


def register(request: HttpRequest) -> HttpResponse:
    """Create an inactive account and send the verification code."""
    if request.user.is_authenticated:
        return redirect("accounts:profile")
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ratelimit.hit("register", ratelimit.client_ip(request))
            user, channel = services.citizen_register(
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                password=data["password1"],
                personal_identifier=data["personal_identifier"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status = _status(error)
        else:
            request.session[PENDING_SESSION_KEY] = user.email or user.phone
            _sent_message(request, channel)
            return redirect("accounts:verify")
    return render(request, "accounts/register.html", {"form": form}, status=status)


def verify(request: HttpRequest) -> HttpResponse:
    """Enter the code: the account becomes active, gets the citizen role and is signed in."""
    pending = request.session.get(PENDING_SESSION_KEY, "")
    form = VerificationForm(request.POST or None, initial={"identifier": pending})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.account_verify(
                identifier=form.cleaned_data["identifier"], code=form.cleaned_data["code"]
            )
        except DomainError as error:
            form.add_error("code" if error.code.startswith("code_") else None, error.message)
            status = _status(error)
        else:
            request.session.pop(PENDING_SESSION_KEY, None)
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(request, _("Your account is verified. Welcome!"))
            return redirect("accounts:profile")
    identifier = form["identifier"].value() or pending
    return render(
        request,
        "accounts/verify.html",
        {
            "form": form,
            "resend_form": ResendForm(prefix="resend", initial={"identifier": identifier}),
            "identifier": identifier,
        },
        status=status,
    )


@require_POST
def verify_resend(request: HttpRequest) -> HttpResponse:
    """Send a new code to a registration still waiting for one. Says the same whatever the address."""
    form = ResendForm(request.POST, prefix="resend")
    user = (
        selectors.user_by_identifier(form.cleaned_data["identifier"], active=False)
        if form.is_valid()
        else None
    )
    try:
        if user is not None and user.last_login is None:
            _sent_message(
                request, services.verification_code_send(user=user, purpose=VerificationPurpose.ACTIVATE)
            )
        else:
            messages.info(
                request, _("If this address is waiting for verification, a new code is on its way.")
            )
    except DomainError as error:
        messages.error(request, error.message)
    if form.is_valid():
        request.session[PENDING_SESSION_KEY] = form.cleaned_data["identifier"]
    return redirect("accounts:verify")


class EmailPasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail (a signed link), limited per IP."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    form_class = EmailPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        try:
            ratelimit.hit("password_reset", ratelimit.client_ip(self.request))
        except ratelimit.RateLimited as refused:
            form.add_error(None, refused.message)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


def password_reset_phone(request: HttpRequest) -> HttpResponse:
    """Ask for a reset code by SMS. The answer is the same whether or not the number has an account."""
    form = PhoneResetRequestForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.hit("password_reset", ratelimit.client_ip(request))
            services.password_reset_code_send(phone=form.cleaned_data["phone"])
        except DomainError as error:
            form.add_error(None, error.message)
            status = _status(error)
        else:
            messages.info(
                request,
                _("If an account uses this number, we sent it a 6-digit code. It is valid for 10 minutes."),
            )
            return redirect(
                f"{reverse_lazy('accounts:password_reset_phone_confirm')}?phone={form.cleaned_data['phone']}"
            )
    return render(request, "accounts/password_reset_phone.html", {"form": form}, status=status)


def password_reset_phone_confirm(request: HttpRequest) -> HttpResponse:
    """Enter the SMS code and a new password."""
    form = PhoneResetForm(request.POST or None, initial={"phone": request.GET.get("phone", "")[:20]})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.password_reset_by_code(
                phone=data["phone"], code=data["code"], new_password=data["password1"]
            )
        except DomainError as error:
            form.add_error("code" if error.code.startswith("code_") else None, error.message)
            status = _status(error)
        else:
            messages.success(request, _("Your password has been changed. You can sign in now."))
            return redirect("accounts:login")
    return render(request, "accounts/password_reset_phone_confirm.html", {"form": form}, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The applicant data kept on the account; it pre-fills new dossiers."""
    user = request.user
    initial = {
        "full_name": user.full_name,
        "personal_identifier": user.personal_identifier,
        "phone": user.phone,
        "email": user.email,
        "address": user.address,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your profile has been saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})
