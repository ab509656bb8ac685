"""A generated corpus of realistic Chinese disclosure items (for search tests and benchmarks).

Deterministic for a given seed. Items are created directly as published (bulk path), keeping the
invariants of real publication: each gets a unique 索引号 from its organization's template through
disclosures.index_numbers (sequences taken under the same row lock, in blocks), a 发布日期, and is
indexed for search; the run is audited with one summary entry. Not for production data.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from portal.audit import record
from portal.models import Organization

from . import index_numbers, search
from .models import Category, DisclosureItem, IndexSequence, ItemKind

ORGS = [
    ("龙陵县民政局", "县民政局", "llmzj", "01526257-2", "{code_raw}-/{year}-{mmdd}{seq:03d}", "龙民"),
    ("龙陵县财政局", "县财政局", "llczj", "01526261-0", "{code}/{year}-{seq:05d}", "龙财"),
    ("龙陵县教育体育局", "县教体局", "lljtj", "01526270-3", "{code}/{year}-{seq:05d}", "龙教"),
    ("龙陵县卫生健康局", "县卫健局", "llwjj", "01526288-7", "{code}/{year}-{seq:05d}", "龙卫"),
    ("龙陵县住房和城乡建设局", "县住建局", "llzjj", "01526295-X", "{code}/{year}-{seq:05d}", "龙建"),
    ("龙陵县农业农村局", "县农业农村局", "llnyj", "01526301-5", "{code}/{year}-{seq:05d}", "龙农"),
    ("龙陵县人力资源和社会保障局", "县人社局", "llrsj", "01526312-1", "{code}/{year}-{seq:05d}", "龙人社"),
    ("龙陵县自然资源局", "县自然资源局", "llzrj", "01526320-8", "{code}/{year}-{seq:05d}", "龙自然"),
]

TOWNS = ["龙山镇", "镇安镇", "勐糯镇", "腊勐镇", "象达镇", "龙江乡", "碧寨乡", "天宁镇", "平达乡", "木城乡"]
SYLLABLES = "松竹梅兰桃李杏柳杨槐榕桂枫樟茶岩石坡坝箐河沟塘湾寨营街铺桥田园冲垭岭峰溪泉湖"
TOPICS = {
    ItemKind.SOCIAL_ASSISTANCE: [
        "城乡最低生活保障",
        "特困人员救助供养",
        "临时救助",
        "医疗救助",
        "孤儿基本生活保障",
        "困难残疾人生活补贴",
        "重度残疾人护理补贴",
    ],
    ItemKind.ELDERLY_CARE: [
        "高龄津贴",
        "居家养老服务",
        "养老机构等级评定",
        "农村互助养老",
        "老年人能力评估",
        "敬老院消防安全",
    ],
    ItemKind.BUDGET: ["部门预算", "部门决算", "“三公”经费", "政府性基金预算", "国有资本经营预算", "预算绩效"],
    ItemKind.PROCUREMENT: [
        "办公设备采购",
        "物业管理服务采购",
        "道路维修工程",
        "校舍维修改造",
        "医疗设备采购",
        "信息化系统运维",
    ],
    ItemKind.POLICY: [
        "社会救助家庭经济状况核对",
        "养老服务补贴",
        "农村危房改造",
        "义务教育阶段资助",
        "基本医疗保险",
        "耕地保护",
        "就业创业扶持",
        "殡葬改革",
        "城镇老旧小区改造",
    ],
    ItemKind.ANNUAL_REPORT: ["政府信息公开工作"],
    ItemKind.GENERAL: [
        "安全生产",
        "防汛抗旱",
        "森林草原防火",
        "营商环境",
        "乡村振兴",
        "疫情防控",
        "人居环境整治",
        "婚姻登记",
        "地名普查",
        "志愿服务",
    ],
}
TITLES = {
    ItemKind.SOCIAL_ASSISTANCE: [
        "{town}{year}年{month}月{topic}名单公示",
        "关于{town}{topic}资金发放情况的公告",
        "{year}年第{q}季度{topic}审批结果公布",
    ],
    ItemKind.ELDERLY_CARE: ["{year}年{topic}发放情况公示", "关于开展{topic}工作的通知", "{town}{topic}项目进展情况"],
    ItemKind.BUDGET: ["{org}{year}年{topic}公开", "{org}{year}年{topic}情况说明", "关于{year}年{topic}的公告"],
    ItemKind.PROCUREMENT: ["{town}{topic}项目{stage}", "{org}{topic}（项目编号：LLCG{year}-{seq}）{stage}"],
    ItemKind.POLICY: [
        "关于印发《龙陵县{topic}实施办法》的通知",
        "关于进一步做好{topic}工作的意见",
        "龙陵县{topic}管理暂行规定",
        "关于调整{topic}标准的通知",
    ],
    ItemKind.ANNUAL_REPORT: ["{org}{year}年政府信息公开工作年度报告"],
    ItemKind.GENERAL: [
        "关于做好{year}年{topic}工作的通知",
        "{org}召开{topic}工作会议",
        "{town}扎实推进{topic}工作",
        "{year}年{topic}工作总结",
        "关于{topic}工作情况的通报",
    ],
}
STAGES = ["采购意向公开", "招标公告", "更正公告", "中标结果公告", "合同公示"]
SENTENCES = [
    "为深入贯彻落实党中央、国务院决策部署，按照省、市有关要求，结合我县实际，制定本{doc}。",
    "{town}共有{n}户{m}人纳入{topic}范围，发放资金{amount}万元。",
    "各乡（镇）人民政府要高度重视{topic}工作，明确分管领导和工作人员，确保各项措施落到实处。",
    "对{village}等{k}个村（社区）开展入户核查，核查结果在村务公开栏公示7天。",
    "公示期间如有异议，请向{org}反映，联系电话：0875-61{phone}。",
    "本项目预算金额{amount}万元，采购方式为{method}，资金来源为财政资金。",
    "{year}年全县{topic}工作取得明显成效，群众满意度达到{pct}%以上。",
    "请各单位于{year}年{month}月{day}日前将工作开展情况报送县{office}，电子版发送至指定邮箱。",
    "根据《中华人民共和国政府信息公开条例》第二十条规定，现将有关情况予以公开。",
    "本{doc}自{year}年{month}月{day}日起施行，有效期{valid}年，由{org}负责解释。",
    "下一步，我们将持续加强{topic}监督检查，畅通投诉举报渠道，主动接受社会监督。",
    "附件：{year}年{topic}明细表（Excel格式）、{topic}办事指南（PDF版）。",
    "{village}村民委员会组织召开民主评议会议，参会代表{k}人，评议结果已报{town}审核。",
    "资金通过“一卡通”直接发放到户，严禁截留、挤占、挪用，确保专款专用。",
    "第{q}季度共受理申请{n}件，审核确认{m}件，不予确认{k}件，均已书面告知申请人理由。",
    "县财政安排专项资金{amount}万元，重点支持{topic}和{topic2}两个方面。",
]
METHODS = ["公开招标", "竞争性磋商", "询价", "单一来源", "竞争性谈判"]


def _village(rng: random.Random) -> str:
    return rng.choice(SYLLABLES) + rng.choice(SYLLABLES) + "村"


def ensure_organizations() -> list[Organization]:
    orgs = []
    for order, (name, short, slug, code, template, _) in enumerate(ORGS, 1):
        org = Organization.objects.filter(slug=slug).first() or Organization.objects.filter(name=name).first()
        if org is None:
            org = Organization.objects.create(
                name=name,
                short_name=short,
                slug=slug,
                code=code,
                index_template=template,
                order=order,
                phone="0875-6120000",
            )
        orgs.append(org)
    return orgs


def ensure_categories() -> list[Category]:
    if not Category.objects.exists():
        from .demo import CATALOGUE, Demo, _build_catalogue

        _build_catalogue(Demo(), CATALOGUE)
    categories = list(Category.objects.order_by("path"))
    parents = {c.parent_id for c in categories}
    return [c for c in categories if c.pk not in parents]  # leaves


def _numbers_for(items: list[DisclosureItem], orgs: dict[int, Organization]) -> None:
    """Unique 索引号 through each organization's template and IndexSequence, a block per period."""
    groups: dict[tuple[int, str], list[DisclosureItem]] = defaultdict(list)
    for item in items:
        org = orgs[item.organization_id]
        day = timezone.localdate(item.published_at)
        groups[(org.pk, index_numbers.period_for(org.index_template, day))].append(item)
    for (org_pk, period), members in sorted(groups.items()):
        org = orgs[org_pk]
        IndexSequence.objects.get_or_create(organization=org, period=period)
        sequence = IndexSequence.objects.select_for_update().get(organization=org, period=period)
        first = sequence.last_value + 1
        sequence.last_value += len(members)
        sequence.save(update_fields=["last_value"])
        for offset, item in enumerate(members):
            item.index_number = index_numbers.render(
                org.index_template, org.code, timezone.localdate(item.published_at), first + offset
            )


def make_item(
    rng: random.Random,
    serial: int,
    orgs: list[Organization],
    by_kind: dict,
    all_leaves: list,
    start: datetime.datetime,
    span_seconds: int,
    doc_counter: dict,
) -> DisclosureItem:
    org_index = rng.randrange(len(orgs))
    org = orgs[org_index]
    prefix = ORGS[org_index][5] if org_index < len(ORGS) else org.short_name[:2]
    kind = rng.choices(list(TOPICS), weights=[3, 2, 2, 2, 3, 1, 6])[0]
    category = rng.choice(by_kind.get(kind) or all_leaves)
    published_at = start + datetime.timedelta(seconds=rng.randrange(span_seconds))
    year = timezone.localtime(published_at).year
    topic = rng.choice(TOPICS[kind])
    slots = dict(
        town=rng.choice(TOWNS),
        year=year,
        month=rng.randint(1, 12),
        day=rng.randint(1, 28),
        q=rng.randint(1, 4),
        topic=topic,
        topic2=rng.choice(TOPICS[ItemKind.GENERAL]),
        org=org.short_name,
        stage=rng.choice(STAGES),
        seq=f"{serial:06d}",
        doc="办法" if kind == ItemKind.POLICY else "方案",
        n=rng.randint(10, 3000),
        m=rng.randint(10, 9000),
        k=rng.randint(2, 60),
        amount=f"{rng.randint(1, 99999) / 10:.1f}",
        phone=f"{rng.randint(0, 99999):05d}",
        method=rng.choice(METHODS),
        pct=rng.randint(85, 99),
        office=rng.choice(["民政局办公室", "财政局预算股", "政府办公室", "应急管理局"]),
        valid=rng.choice([2, 3, 5]),
    )
    title = rng.choice(TITLES[kind]).format(**slots)
    paragraphs = []
    for _ in range(rng.randint(3, 7)):
        sentences = []
        for _ in range(rng.randint(1, 3)):
            slots["village"] = _village(rng)
            slots["topic"] = rng.choice(TOPICS[kind])
            sentences.append(rng.choice(SENTENCES).format(**slots))
        paragraphs.append("<p>" + "".join(sentences) + "</p>")
    number = ""
    validity = ""
    if kind == ItemKind.POLICY or (kind == ItemKind.GENERAL and rng.random() < 0.3):
        key = (prefix, year)
        doc_counter[key] = doc_counter.get(key, 0) + 1
        number = (
            f"{prefix}{'规' if kind == ItemKind.POLICY and rng.random() < 0.3 else '发'}〔{year}〕{doc_counter[key]}号"
        )
    if kind == ItemKind.POLICY:
        validity = rng.choices(["valid", "expired", "repealed"], weights=[8, 1, 1])[0]
    return DisclosureItem(
        organization=org,
        category=category,
        kind=kind,
        title=title[:300],
        body="".join(paragraphs),
        summary=f"{org.short_name}发布{topic}相关信息。",
        keywords=f"{topic} {slots['town']}",
        document_number=number,
        written_date=timezone.localdate(published_at) - datetime.timedelta(days=rng.randint(0, 10)),
        validity=validity,
        source=org.name,
        status=DisclosureItem.Status.PUBLISHED,
        published_at=published_at,
        approved_at=published_at,
    )


def generate(count: int, *, seed: int = 1, batch_size: int = 1000, progress=None, actor=None) -> int:
    """Create `count` published items; returns how many were created."""
    rng = random.Random(seed)
    orgs = ensure_organizations()
    leaves = ensure_categories()
    by_kind: dict[str, list[Category]] = defaultdict(list)
    for c in leaves:
        by_kind[c.kind].append(c)
    org_map = {o.pk: o for o in orgs}
    tz = datetime.timezone(datetime.timedelta(hours=8))
    start = datetime.datetime(2016, 1, 1, 8, tzinfo=tz)
    end = min(datetime.datetime(2026, 6, 30, 18, tzinfo=tz), timezone.now() - datetime.timedelta(hours=1))
    span = int((end - start).total_seconds())
    bar = progress(total=count) if progress else None
    with search.bulk_load(count >= 20_000):
        created = _generate(rng, count, batch_size, orgs, org_map, by_kind, leaves, start, span, bar)
    if bar:
        bar.close()
    record(
        "corpus.generate",
        actor=actor,
        reason="生成检索测试语料（批量发布，已分配索引号并建立检索索引）",
        data={"count": count, "seed": seed},
    )
    return created


def _generate(rng, count, batch_size, orgs, org_map, by_kind, leaves, start, span, bar) -> int:
    doc_counter: dict = {}
    created = 0
    while created < count:
        n = min(batch_size, count - created)
        items = [make_item(rng, created + i + 1, orgs, by_kind, leaves, start, span, doc_counter) for i in range(n)]
        with transaction.atomic():
            _numbers_for(items, org_map)
            # bulk_create skips save(): the generated bodies are plain <p> paragraphs, within the allow-list.
            DisclosureItem.objects.bulk_create(items, batch_size=500)
            search.save_entries([search.build_entry(item, attachment_text="") for item in items])
        created += n
        if bar:
            bar.update(n)
    return created
