"""Admin-side tags of the workflow: audit action names and the staff dashboard (工作台)."""

from django import template

from portal.audit import action_label

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    return action_label(code)


@register.inclusion_tag("admin/disclosures/dashboard.html", takes_context=True)
def workflow_dashboard(context):
    from disclosures import dashboard

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    return dashboard.for_user(request.user)
