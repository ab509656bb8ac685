"""Site-wide data: the site profile (footer, 网站标识), the work calendar and the audit log."""

from django.conf import settings
from django.db import models


class SiteProfile(models.Model):
    """One row: what the footer and head meta of every page show (政府网站发展指引)."""

    site_name = models.CharField("网站名称", max_length=100, default="政府信息公开平台")
    site_domain = models.CharField("网站域名", max_length=100, blank=True)
    sponsor = models.CharField("主办单位", max_length=100)
    site_code = models.CharField(
        "网站标识码", max_length=10, blank=True, help_text="10位数字（区划代码+序号），或 bm+8位数字"
    )
    icp_number = models.CharField("ICP备案号", max_length=50, blank=True, help_text="如：滇ICP备05001234号-1")
    psb_number = models.CharField("公安备案号", max_length=50, blank=True, help_text="如：滇公网安备 53052302000001号")
    phone = models.CharField("联系电话", max_length=50, blank=True)
    email = models.EmailField("联系邮箱", blank=True)
    address = models.CharField("联系地址", max_length=200, blank=True)
    parent_portal_name = models.CharField("上级门户名称", max_length=100, blank=True)
    parent_portal_url = models.CharField("上级门户网址", max_length=200, blank=True)
    demo = models.BooleanField("演示数据", default=False, editable=False)

    class Meta:
        verbose_name = "网站信息"
        verbose_name_plural = "网站信息"

    def __str__(self) -> str:
        return self.site_name

    @property
    def psb_record_code(self) -> str:
        """The 14 digits of the 公安备案号, for the beian.gov.cn link."""
        digits = "".join(ch for ch in self.psb_number if ch.isdigit())
        return digits if len(digits) == 14 else ""

    @classmethod
    def current(cls) -> "SiteProfile":
        profile = cls.objects.order_by("pk").first()
        return profile or cls(sponsor="（未设置主办单位）")


class CalendarDay(models.Model):
    """An exception to the Monday–Friday week: a holiday on a weekday or a 调休 working weekend day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "法定节假日（休息）"
        WORKDAY = "workday", "调休上班日"

    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=50, blank=True, help_text="如：春节、国庆节")
    source = models.CharField("来源", max_length=50, default="手工录入")

    class Meta:
        verbose_name = "节假日与调休"
        verbose_name_plural = "节假日与调休"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """A year whose holidays have been entered completely; other years fall back to weekends only."""

    year = models.PositiveIntegerField("年份", unique=True)
    source = models.CharField("来源", max_length=100, default="手工录入")
    complete = models.BooleanField("已完整录入", default=True)

    class Meta:
        verbose_name = "已录入年份"
        verbose_name_plural = "已录入年份"
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class AuditEntry(models.Model):
    """Append-only record of every state change. Keeps plain copies of what it describes so it
    survives deletion of the object (no foreign keys that cascade)."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField("操作人姓名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=50, db_index=True)
    organization_id = models.BigIntegerField("机构ID", null=True, blank=True, db_index=True)
    organization_name = models.CharField("机构", max_length=100, blank=True)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象ID", max_length=50, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=300, blank=True)
    from_state = models.CharField("原状态", max_length=30, blank=True)
    to_state = models.CharField("新状态", max_length=30, blank=True)
    reason = models.TextField("理由/说明", blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    data = models.JSONField("附加数据", default=dict, blank=True)

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除。")
