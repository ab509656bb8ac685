from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def annual_report_warnings(context):
    """Dashboard warnings about last year's report (条例第四十九条: 1月31日前公布)."""
    from reports.workflow import overdue_warnings

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return overdue_warnings(request.user)
