"""The admin site of the portal: Django's, with the staff login of portal/security.py — password,
then the one-time code (or setting up an authenticator) when needed, lockout, Chinese pages.

portal.apps.PortalAdminConfig replaces django.contrib.admin in INSTALLED_APPS (settings, “Staff
login security”), so `admin.site` everywhere is this site. The views are thin; the rules are in portal/security.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.admin import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import LoginView
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


class OneTimeCodeForm(forms.Form):
    code = forms.CharField(
        label="动态验证码",
        max_length=8,
        help_text="打开手机上的身份验证器，输入本账户当前显示的 6 位数字。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError("请输入 6 位数字的动态验证码。")
        return code


class PortalLoginView(LoginView):
    """Django's login view; when a second step is due, the password only starts it."""

    def form_valid(self, form):
        from . import security

        user = form.get_user()
        step = security.second_step(user)
        if step is None:
            return super().form_valid(form)
        security.start_pending(self.request, user, self.get_success_url(), step)
        return HttpResponseRedirect(reverse("admin:login_verify" if step == "verify" else "admin:two_factor"))


class PortalAdminSite(AdminSite):
    site_header = "政务公开管理后台"
    site_title = "政务公开管理后台"
    index_title = "工作台"

    def has_permission(self, request):
        from . import security

        return super().has_permission(request) and security.second_factor_ok(request)

    @method_decorator(never_cache)
    def login(self, request, extra_context=None):
        from django.contrib.admin.forms import AdminAuthenticationForm

        from . import security

        if request.user.is_authenticated and request.user.is_staff and not security.second_factor_ok(request):
            # Logged in without a second factor the account now needs (an administrator turned it
            # on, or the authenticator was reset): start again through the two-step login.
            security.end_session(request, "本账户需要两步验证，请重新登录")
            messages.warning(request, "本账户需要两步验证，请重新登录。")
        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": "登录",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return PortalLoginView.as_view(
            extra_context=context,
            authentication_form=self.login_form or AdminAuthenticationForm,
            template_name=self.login_template or "admin/login.html",
        )(request)

    def get_urls(self):
        return [
            path("login/verify/", self.login_verify, name="login_verify"),
            path("login/two-factor/", self.two_factor, name="two_factor"),
            path("login/two-factor/qr.svg", self.two_factor_qr, name="two_factor_qr"),
        ] + super().get_urls()

    def _back_to_login(self, request):
        messages.info(request, "登录已过期，请重新输入用户名和密码。")
        return HttpResponseRedirect(reverse("admin:login", current_app=self.name))

    @method_decorator(never_cache)
    def login_verify(self, request):
        """Second step of the login: the code of the user's authenticator."""
        from . import security

        user, note = security.pending_login(request, "verify")
        if user is None:
            return self._back_to_login(request)
        form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            if security.is_locked(request, user):
                return security.lockout_response(request, credentials={"username": user.get_username()})
            device, error = security.check_code(request, user, form.cleaned_data["code"])
            if device is not None:
                security.finish_login(request, user, device, note["backend"])
                return HttpResponseRedirect(note["next"])
            form.add_error("code", error)
        request.current_app = self.name
        context = {
            **self.each_context(request),
            "title": "两步验证",
            "form": form,
            "login_username": user.get_username(),
        }
        return TemplateResponse(request, "admin/portal/login_verify.html", context)

    def _enrolling_user(self, request):
        """(user, note): a login waiting for its authenticator to be set up, or a logged-in staff
        member setting one up of their own accord (note None)."""
        from . import security

        user, note = security.pending_login(request, "setup")
        if user is None and self.has_permission(request):
            return request.user, None
        return user, note

    @method_decorator(never_cache)
    def two_factor(self, request):
        """Setting up an authenticator: required by the role (during login) or chosen by the user."""
        from django_otp import login as otp_login

        from . import security

        user, note = self._enrolling_user(request)
        if user is None:
            return self._back_to_login(request)
        request.current_app = self.name
        context = {**self.each_context(request), "title": "设置两步验证", "required": note is not None}
        existing = security.confirmed_authenticator(user)
        if existing is not None and note is None:
            return TemplateResponse(request, "admin/portal/two_factor_setup.html", {**context, "existing": existing})
        device = security.enrollment_device(request, user)
        form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            if security.confirm_authenticator(request, user, device, form.cleaned_data["code"]):
                if note is not None:
                    security.finish_login(request, user, device, note["backend"])
                    return HttpResponseRedirect(note["next"])
                otp_login(request, device)
                messages.success(request, "两步验证已启用：以后登录时，输入密码后还需输入身份验证器上的动态验证码。")
                return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
            form.add_error("code", "动态验证码不正确，请确认手机时间准确，并输入验证器当前显示的 6 位数字。")
        context.update(
            form=form,
            secret=security.secret_text(device),
            otpauth_uri=device.config_url,
            login_username=user.get_username(),
        )
        return TemplateResponse(request, "admin/portal/two_factor_setup.html", context)

    @method_decorator(never_cache)
    def two_factor_qr(self, request):
        """The QR code of the authenticator being set up, drawn here (SVG); it holds the secret, so
        it is never cached and only the user setting it up gets it."""
        from django_otp.qr import write_qrcode_image

        from . import security

        user, _note = self._enrolling_user(request)
        device = security.enrollment_device(request, user, create=False) if user is not None else None
        if device is None:
            return HttpResponse(status=404)
        response = HttpResponse(content_type="image/svg+xml")
        write_qrcode_image(device.config_url, response)
        return response
