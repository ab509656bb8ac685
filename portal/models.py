"""Site-wide data of the core app: organizations and the roles staff hold in them, the site profile
(footer, 网站标识), the work calendar and the audit log. Feature apps build on these; nothing here
knows about them."""

from axes.models import AccessAttempt
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from .fields import staff_reference
from .index_templates import validate_template


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
    conac_url = models.CharField(
        "党政机关网站标识链接",
        max_length=300,
        blank=True,
        help_text="开办单位在党政机关网站标识管理系统取得的标识证书地址（页脚“党政机关”标识链接到这里）",
    )
    jiucuo_url = models.CharField(
        "我为政府网站找错链接",
        max_length=300,
        blank=True,
        help_text="全国政府网站找错平台中本网站的入口地址（含网站标识码）",
    )
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
        return f"{timezone.localtime(self.at):%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("审计日志只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除。")


class Organization(models.Model):
    """发布机构. Its data feeds the 政府信息公开指南 (条例第十二条) and the 索引号 template."""

    name = models.CharField("机构全称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30)
    slug = models.SlugField("网址标识", max_length=40, unique=True, help_text="用于网址，如 llmzj")
    code = models.CharField(
        "组织机构代码",
        max_length=20,
        help_text="9位组织机构代码（如 01526257-2）或18位统一社会信用代码",
        validators=[RegexValidator(r"^[0-9A-Z]{8}-?[0-9A-Z]$|^[0-9A-Z]{18}$", "组织机构代码格式不正确。")],
    )
    index_template = models.CharField(
        "索引号模板",
        max_length=100,
        default="{code}/{year}-{seq:05d}",
        validators=[validate_template],
        help_text="可用占位符：{code}（去掉“-”的代码）、{code_raw}（原样代码）、{year}、{month}、{mmdd}、"
        "{seq}（流水号，可写位数如 {seq:05d}）。流水号按模板中最细的日期单位（年/月/日）重新计数。",
    )
    office_name = models.CharField("政府信息公开工作机构", max_length=100, blank=True)
    office_address = models.CharField("办公地址", max_length=200, blank=True)
    office_hours = models.CharField("办公时间", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    fax = models.CharField("传真", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    postcode = models.CharField("邮政编码", max_length=6, blank=True)
    website = models.CharField("互联网联系方式", max_length=200, blank=True, help_text="网址")
    reading_points = models.TextField("线下查阅点", blank=True, help_text="每行一个（条例第二十五条）")
    functions = models.TextField("机关职能", blank=True)
    order = models.PositiveIntegerField("排序", default=0)
    updated_at = models.DateTimeField("更新时间", auto_now=True, null=True)  # the 指南's 更新日期

    class Meta:
        db_table = "disclosures_organization"  # the table predates the move into the core app
        verbose_name = "发布机构"
        verbose_name_plural = "发布机构"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("disclosures:guide_org", args=[self.slug])


class Membership(models.Model):
    """A user's role in one organization; a user may hold different roles in different ones."""

    class Role(models.TextChoices):
        EDITOR = "editor", "编辑"
        REVIEWER = "reviewer", "审核员"
        LEADER = "leader", "领导"
        ADMIN = "admin", "管理员"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("角色", max_length=10, choices=Role.choices)

    class Meta:
        db_table = "disclosures_membership"
        verbose_name = "机构角色"
        verbose_name_plural = "机构角色"
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization.short_name} · {self.get_role_display()}"


class Leader(models.Model):
    """An organization's leader (条例第二十条（二）: 负责人姓名), shown on the 机构职能 page and used by
    the content check that flags a title naming someone who does not hold it now (a 严重表述错误)."""

    organization = models.ForeignKey(
        Organization, verbose_name="机构", on_delete=models.CASCADE, related_name="leaders"
    )
    name = models.CharField("姓名", max_length=30)
    title = models.CharField("职务", max_length=50, help_text="按正式称谓填写，如：县长、副县长、县民政局局长")
    duties = models.CharField("分工", max_length=300, blank=True)
    current = models.BooleanField("现任", default=True, help_text="离任后取消勾选（保留记录，检查时可识别前任）")
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "领导信息"
        verbose_name_plural = "领导信息"
        ordering = ["organization", "-current", "order", "id"]

    def __str__(self) -> str:
        return f"{self.title} {self.name}"


# ---- staff login security (portal/security.py) ---------------------------------------------------


class TwoFactorPolicy(models.Model):
    """One row: the roles whose users must log in with a second factor (TOTP). Roles named in the
    TWO_FACTOR_REQUIRED_ROLES setting are required as well and cannot be lifted here."""

    required_roles = models.JSONField("必须使用两步验证的角色", default=list, blank=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "两步验证要求"
        verbose_name_plural = "两步验证要求"

    def __str__(self) -> str:
        return "两步验证要求"


class LoginAttempt(AccessAttempt):
    """django-axes' record of failed logins per username and address, shown in Chinese with an
    audited 解除锁定 (portal/admin.py)."""

    class Meta:
        proxy = True
        verbose_name = "登录失败与锁定"
        verbose_name_plural = "登录失败与锁定"


class Authenticator(TOTPDevice):
    """A staff member's TOTP authenticator (django-otp), listed for administrators to reset."""

    class Meta:
        proxy = True
        verbose_name = "两步验证设备"
        verbose_name_plural = "两步验证设备"


class BackgroundJob(models.Model):
    """A long piece of work run by a background worker (portal/tasks.py): what it is, who started
    it, how far it has got, and how it ended (result or error). The worker is the django-tasks
    database backend; this row is what administrators see (后台 → 网站设置 → 后台任务) and retry."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "运行中"
        SUCCEEDED = "succeeded", "已完成"
        FAILED = "failed", "失败"

    handler = models.CharField("处理函数", max_length=200)
    label = models.CharField("任务", max_length=200)
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    task_id = models.CharField("队列编号", max_length=64, blank=True)
    attempts = models.PositiveIntegerField("执行次数", default=0)
    progress_done = models.PositiveIntegerField("已处理", default=0)
    progress_total = models.PositiveIntegerField("总数", default=0)
    progress_note = models.CharField("进度说明", max_length=200, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    created_by = staff_reference("发起人", editable=True)
    organization = models.ForeignKey(
        Organization, verbose_name="机构", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台任务"
        verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.label

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class PendingView(models.Model):
    """One page view not yet added to its object's count (portal/viewcounts.py; database mode).
    Rows are written without waiting for the commit to be flushed and folded by `flush_view_counts`."""

    counter = models.CharField("计数项", max_length=40)
    object_id = models.BigIntegerField("对象")

    class Meta:
        verbose_name = "待累计浏览"
        verbose_name_plural = "待累计浏览"
        indexes = [models.Index(fields=["counter", "object_id"], name="portal_pendingview_obj")]


class ViewCountBatch(models.Model):
    """A folded batch of view counts from Redis (portal/viewcounts.py): recorded in the same
    transaction as the counts, so a fold interrupted before the batch is deleted is not added twice."""

    name = models.CharField("批次", max_length=120, unique=True)
    folded_at = models.DateTimeField("累计时间", auto_now_add=True)

    class Meta:
        verbose_name = "浏览量累计批次"
        verbose_name_plural = "浏览量累计批次"
