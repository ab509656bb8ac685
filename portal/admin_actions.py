"""One way for every app's admin to offer the steps of its workflow.

An app lists its steps as `Action`s (label, the form the step needs, the domain function it
calls). The mixin gives each step a confirmation page at `<pk>/<action_path>/<name>/` (GET shows
the form, POST runs it) and a one-POST endpoint for change-page buttons; both call the same
domain function, which checks role, separation of duties and content itself, so a forged POST
meets the same guards as a button. Refusals come back as a Chinese message (403 for who the user
is, 400 for what the content is); nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse


class ConfirmForm(forms.Form):
    """A step that needs nothing but a confirmation."""

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class Action:
    label: str
    run: Callable  # (obj, user, cleaned_data, request) -> result
    form: type[forms.Form] = ConfirmForm
    intro: str = ""
    danger: bool = False
    done: str | Callable = ""  # success message, or (obj, result) -> message
    initial: Callable | None = None  # (obj) -> initial form data
    button: str = ""  # the submit button's text (default “确认<label>”)
    submit_name: str = ""  # name of the submit button, when several forms share a page
    also: tuple[str, ...] = ()  # other steps shown (and posted) on this step's page
    shown: Callable | None = None  # (obj) -> bool: whether this step's form appears on a shared page

    def make_form(self, obj, data=None):
        initial = self.initial(obj) if self.initial else None
        try:
            return self.form(data, initial=initial, obj=obj)
        except TypeError:  # a plain form that does not take the object
            return self.form(data, initial=initial)

    def success(self, obj, result) -> str:
        if callable(self.done):
            return self.done(obj, result)
        return self.done or f"已{self.label}。"


def error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or "您没有权限执行此操作。"


class ActionAdminMixin:
    action_specs: dict[str, Action] = {}
    action_path = "do"
    action_template = "admin/portal/action.html"
    action_includes: list[str] = []  # templates shown above the form (findings, comparisons …)

    # ---- hooks an app may override ----------------------------------------------------------
    def action_context(self, request, obj, name: str) -> dict:
        """Extra context for the confirmation page (findings, comparisons, deadlines …)."""
        return {}

    def action_redirect(self, request, obj, name: str, result) -> str:
        return self.change_url(obj)

    def action_refusal(self, request, obj, name: str) -> str:
        """Why the step's page is not offered for `obj` now ('' when it is); the step's function
        still decides when it runs."""
        return ""

    # ---- machinery --------------------------------------------------------------------------
    def change_url(self, obj) -> str:
        return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])

    def action_url_name(self) -> str:
        return f"{self.model._meta.app_label}_{self.model._meta.model_name}_{self.action_path}"

    def get_urls(self):
        name = self.action_url_name()
        return [
            path(f"<int:pk>/{self.action_path}/<str:action>/", self.admin_site.admin_view(self.action_view), name=name),
            path("<int:pk>/transition/", self.admin_site.admin_view(self.action_post_view), name=f"{name}_post"),
        ] + super().get_urls()

    def _object(self, request, pk):
        obj = self.get_object(request, str(pk))
        if obj is None:
            raise Http404("对象不存在或不在您的管理范围内。")
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def run_action(self, request, obj, name: str, data) -> tuple[bool, object, str, forms.Form, int]:
        """Validate the step's form and call its function. Returns (ok, result, error, form, status)."""
        spec = self.action_specs[name]
        form = spec.make_form(obj, data)
        if not form.is_valid():
            return False, None, "", form, 400
        try:
            result = spec.run(obj, request.user, form.cleaned_data, request)
        except PermissionDenied as exc:
            return False, None, error_text(exc), form, 403
        except ValidationError as exc:
            return False, None, error_text(exc), form, 400
        return True, result, "", form, 200

    def _posted_step(self, request, name: str) -> str:
        for other in self.action_specs[name].also:
            submit = self.action_specs[other].submit_name
            if submit and submit in request.POST:
                return other
        return name

    def action_view(self, request, pk: int, action: str):
        obj = self._object(request, pk)
        spec = self.action_specs.get(action)
        if spec is None:
            raise Http404("没有这个操作。")
        refusal = self.action_refusal(request, obj, action)
        if refusal:
            messages.error(request, refusal)
            return HttpResponseRedirect(self.change_url(obj))
        status, error, posted, bound = 200, "", None, None
        if request.method == "POST":
            posted = self._posted_step(request, action)
            ok, result, error, bound, status = self.run_action(request, obj, posted, request.POST)
            if ok:
                messages.success(request, self.action_specs[posted].success(obj, result))
                return HttpResponseRedirect(self.action_redirect(request, obj, posted, result))
        forms_shown = []
        for name in (action, *spec.also):
            step = self.action_specs[name]
            if name != action and step.shown is not None and not step.shown(obj):
                continue
            forms_shown.append((name, step, bound if name == posted else step.make_form(obj)))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"{spec.label}：{obj}",
            "action": spec,
            "action_name": action,
            "forms": forms_shown,
            "error": error,
            "change_url": self.change_url(obj),
            "state_label": getattr(obj, "status_label", None) or obj.get_status_display(),
            "action_includes": self.action_includes,
            **self.action_context(request, obj, action),
        }
        return TemplateResponse(request, self.action_template, context, status=status)

    def action_post_view(self, request, pk: int):
        """Buttons on the change page post here with `action=<name>` and the step's fields."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self._object(request, pk)
        name = request.POST.get("action", "")
        if name not in self.action_specs:
            raise Http404("没有这个操作。")
        ok, result, error, form, _status = self.run_action(request, obj, name, request.POST)
        if ok:
            messages.success(request, self.action_specs[name].success(obj, result))
            return HttpResponseRedirect(self.action_redirect(request, obj, name, result))
        messages.error(request, error or "；".join(e for errors in form.errors.values() for e in errors))
        return HttpResponseRedirect(self.change_url(obj))
