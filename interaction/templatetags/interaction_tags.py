"""The 互动回应 panel of the admin index (工作台); disclosures' dashboard knows nothing of it."""

from django import template

register = template.Library()


@register.inclusion_tag("admin/interaction/_panel.html", takes_context=True)
def interaction_dashboard(context):
    from interaction import dashboard

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    return {"panel": dashboard.for_user(request.user)}
