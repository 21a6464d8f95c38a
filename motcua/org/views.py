"""Citizen account pages: register, verify, sign in, reset the password, keep the profile and confirm a
new e-mail address or phone number with the code sent to it.

Views only read the form and call a service; every rule lives in `services` and `forms`.
Each form posts with Django's CSRF token (CsrfViewMiddleware), like every form of the site.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.core import ratelimit
from motcua.core.errors import DomainError
from motcua.org import selectors, services, vneid
from motcua.org.forms import (
    ContactCodeForm,
    EmailPasswordResetForm,
    PhoneResetForm,
    PhoneResetRequestForm,
    ProfileForm,
    RegistrationForm,
    ResendForm,
    SignInForm,
    VerificationForm,
)
from motcua.org.models import TokenRevocation, VerificationChannel, VerificationPurpose

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["vneid_available"] = vneid.is_available(self.request)
        context["local_vneid"] = settings.MOTCUA_LOCAL_IDP and not settings.MOTCUA_VNEID_DISCOVERY_URL
        return context

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


# The URL word of each address change a profile can wait on.
CHANGE_KINDS = {"email": VerificationPurpose.CHANGE_EMAIL, "dien-thoai": VerificationPurpose.CHANGE_PHONE}
_KIND_OF = {purpose: kind for kind, purpose in CHANGE_KINDS.items()}
# The profile field a refusal is about, to show the message beside it.
_ERROR_FIELDS = {"email_taken": "email", "phone_taken": "phone"}


def _change_purpose(kind: str) -> str:
    if kind not in CHANGE_KINDS:
        raise Http404
    return CHANGE_KINDS[kind]


def _change_code_sent(request: HttpRequest, purpose: str) -> None:
    if purpose == VerificationPurpose.CHANGE_PHONE:
        text = _(
            "We sent a 6-digit code by SMS to the new phone number. It is valid for 10 minutes; until you "
            "enter it, your account keeps its current number."
        )
    else:
        text = _(
            "We sent a 6-digit code to the new e-mail address. It is valid for 10 minutes; until you "
            "enter it, your account keeps its current address."
        )
    messages.info(request, text)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """The applicant data kept on the account; it pre-fills new dossiers. A new e-mail address or phone
    number waits for the code sent to it (contact_confirm); the page lists those changes."""
    user = request.user
    initial = {
        "full_name": user.full_name,
        "personal_identifier": user.personal_identifier,
        "phone": user.phone,
        "email": user.email,
        "address": user.address,
    }
    form = ProfileForm(request.POST or None, initial=initial, identity_locked=user.identity_verified)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.profile_update(user=user, **form.cleaned_data)
        except DomainError as error:
            user.refresh_from_db()  # nothing was saved; drop what the service set on this instance
            form.add_error(_ERROR_FIELDS.get(error.code), ValidationError(error.message, code=error.code))
            status = _status(error)
        else:
            messages.success(request, _("Your profile has been saved."))
            for purpose in saved.codes_sent:
                _change_code_sent(request, purpose)
            if saved.awaiting:
                return redirect("accounts:contact_confirm", kind=_KIND_OF[saved.awaiting[0]])
            return redirect("accounts:profile")
    pending = [
        {"kind": _KIND_OF[code.purpose], "code": code} for code in selectors.contact_changes_pending(user)
    ]
    context = {"form": form, "pending_changes": pending, "tokens": selectors.api_tokens_of(user)}
    return render(request, "accounts/profile.html", context, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's own API tokens (someone else's is simply not found)."""
    if services.api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("The API token has been revoked; programs using it are signed out."))
    return redirect(f"{reverse_lazy('accounts:profile')}#api-tokens")


@login_required
@require_POST
def tokens_revoke_all(request: HttpRequest) -> HttpResponse:
    """Revoke every API token of the user at once."""
    count = services.api_tokens_revoke_all(user=request.user, reason=TokenRevocation.BY_USER)
    if count:
        messages.success(request, _("All your API tokens have been revoked."))
    return redirect(f"{reverse_lazy('accounts:profile')}#api-tokens")


@login_required
def contact_confirm(request: HttpRequest, kind: str) -> HttpResponse:
    """Enter the code sent to the new e-mail address or phone number; it then replaces the account's."""
    purpose = _change_purpose(kind)
    pending = selectors.contact_change_pending(request.user, purpose)
    if pending is None:
        messages.info(request, _("No change is waiting for a code."))
        return redirect("accounts:profile")
    is_email = purpose == VerificationPurpose.CHANGE_EMAIL
    form = ContactCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_change_confirm(
                user=request.user, purpose=purpose, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            if selectors.contact_change_pending(request.user, purpose) is None:
                # Too many wrong codes, or the address was taken meanwhile: the change is dropped.
                messages.error(request, error.message)
                messages.info(
                    request,
                    _("The change was cancelled. To try again, enter the new address on your profile."),
                )
                return redirect("accounts:profile")
            form.add_error("code" if error.code.startswith("code_") else None, error.message)
            status = _status(error)
        else:
            messages.success(
                request,
                _("Your new e-mail address is confirmed.")
                if is_email
                else _("Your new phone number is confirmed."),
            )
            remaining = selectors.contact_changes_pending(request.user)
            if remaining:
                return redirect("accounts:contact_confirm", kind=_KIND_OF[remaining[0].purpose])
            return redirect("accounts:profile")
    context = {
        "form": form,
        "kind": kind,
        "is_email": is_email,
        "pending": pending,
        "current": request.user.email if is_email else request.user.phone,
    }
    return render(request, "accounts/contact_confirm.html", context, status=status)


@login_required
@require_POST
def contact_resend(request: HttpRequest, kind: str) -> HttpResponse:
    """Send a new code to the address waiting for confirmation (after a short wait, within the limits)."""
    purpose = _change_purpose(kind)
    try:
        services.contact_change_resend(user=request.user, purpose=purpose)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        _change_code_sent(request, purpose)
    return redirect("accounts:contact_confirm", kind=kind)


@login_required
@require_POST
def contact_cancel(request: HttpRequest, kind: str) -> HttpResponse:
    """Drop the address change waiting for its code; the account keeps its current address."""
    if services.contact_change_cancel(user=request.user, purpose=_change_purpose(kind)):
        messages.info(request, _("The change was cancelled. Your account keeps its current address."))
    return redirect("accounts:profile")
