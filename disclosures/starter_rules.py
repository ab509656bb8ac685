"""The starter set of content rules shipped with the portal, each with its source. Loaded by a
migration into ContentRule (administrators edit, extend or switch them off in the admin; export and
import as CSV). Kept small and uncontroversial: names of the state and of institutions changed by
the 2018 reform of the State Council, and the kind of spam that hacked government sites carry."""

STATE_NAME = "《中华人民共和国宪法》（国名、国徽、国旗）"
REFORM_2018 = "《国务院机构改革方案》（2018年3月17日第十三届全国人民代表大会第一次会议批准）"
VETO = "国办秘函〔2019〕19号 政府网站检查指标：发布或链接反动、暴力、色情等内容为单项否决"

STARTER_RULES = [
    # kind, pattern, suggestion, source[, characters that cancel a match when they follow it]
    ("typo", "中华人民共合国", "中华人民共和国", STATE_NAME),
    ("typo", "中华人名共和国", "中华人民共和国", STATE_NAME),
    ("typo", "中化人民共和国", "中华人民共和国", STATE_NAME),
    ("typo", "社会注意", "社会主义", "常见错别字"),
    ("typo", "既往开来", "继往开来", "常见错别字"),
    ("typo", "再接再励", "再接再厉", "常见错别字"),
    ("typo", "不径而走", "不胫而走", "常见错别字"),
    ("typo", "按步就班", "按部就班", "常见错别字"),
    ("wording", "国家卫生和计划生育委员会", "国家卫生健康委员会", REFORM_2018),
    ("wording", "卫生和计划生育局", "卫生健康局（按本地机构改革后的名称）", REFORM_2018),
    ("wording", "国土资源部", "自然资源部", REFORM_2018, "门"),
    ("wording", "国土资源局", "自然资源局（按本地机构改革后的名称）", REFORM_2018),
    ("wording", "环境保护部", "生态环境部", REFORM_2018, "门"),
    ("wording", "农业部", "农业农村部", REFORM_2018, "门"),
    ("wording", "文化部", "文化和旅游部", REFORM_2018, "门"),
    ("wording", "国家工商行政管理总局", "国家市场监督管理总局", REFORM_2018),
    ("wording", "国家安全生产监督管理总局", "应急管理部", REFORM_2018),
    ("wording", "国家质量监督检验检疫总局", "国家市场监督管理总局", REFORM_2018),
    ("wording", "国家食品药品监督管理总局", "国家药品监督管理局（药品）/国家市场监督管理总局", REFORM_2018),
    ("wording", "监察部", "国家监察委员会", REFORM_2018, "门"),
    ("wording", "台湾总统", "台湾地区领导人", "新华社新闻信息报道中的禁用词和慎用词"),
    ("wording", "北朝鲜", "朝鲜", "新华社新闻信息报道中的禁用词和慎用词"),
    ("sensitive", "六合彩", "", VETO),
    ("sensitive", "网络赌场", "", VETO),
    ("sensitive", "代开发票", "", VETO),
    ("sensitive", "裸聊", "", VETO),
]
