"""Realistic Harbin snapshots for each document kind: the staff preview page and tests use them."""

import copy

from pdf.render import KINDS

AUTHORITY = "哈尔滨市道里区市场监督管理局"
GOVERNMENT = "哈尔滨市道里区人民政府"
NATURAL_RESOURCES = "哈尔滨市道里区自然资源和规划局"
HOUSING = "哈尔滨市道里区住房和城乡建设局"


def remedies(reviewer: str, document: str) -> str:
    """The remedies an adverse decision states (行政许可法 art. 38): 60 days, 6 months."""
    return (
        f"如不服本决定，可以自收到本{document}之日起六十日内向{reviewer}申请行政复议，"
        "或者在六个月内依法向人民法院提起行政诉讼。"
    )


# A district bureau's decision is reviewed by the district government, the district
# government's by the city government (行政复议法 2023, art. 24).
REMEDIES = remedies(GOVERNMENT, "通知书")

COMMON = {
    "authority_name": AUTHORITY,
    "issue_date_cn": "二〇二六年十一月二十九日",
    "holder_name": "哈尔滨市便民家政服务有限公司",
    "holder_code": "91230102MA1234567A",
    "application_number": "PA2026000017",
    "verify_url": "http://127.0.0.1:5000/verify/q7Lm2xVb9KcT4wRz8NfHs3JdYp6Ge5Ua",
    "progress_url": "http://127.0.0.1:5000/progress",
}

PREMISE_FACTS = [
    {"label": "企业名称", "value": "哈尔滨市便民家政服务有限公司"},
    {"label": "统一社会信用代码", "value": "91230102MA1234567A"},
    {"label": "住所", "value": "哈尔滨市道里区经纬街266号院2号楼1单元301室"},
    {"label": "新增经营场所", "value": "道里区兆麟街道索菲亚小区3栋1单元102室"},
    {"label": "服务类别", "value": "家政服务"},
    {"label": "该场所经营范围", "value": "家政服务；养老服务（不含医疗服务）；居民日常生活服务"},
]

# --- the transition period: an elderly-care operator in an office building it leases -----
LAND = {
    "authority_name": GOVERNMENT,
    "holder_name": "哈尔滨市道里区颐康养老服务有限公司",
    "holder_code": "91230102MA1C8KQ45T",
    "application_number": "LT2026000023",
}
LAND_FACTS = [
    {"label": "经营主体", "value": "哈尔滨市道里区颐康养老服务有限公司"},
    {"label": "用地主体（不变更）", "value": "哈尔滨经纬物资贸易有限公司"},
    {"label": "用地主体同意情况", "value": "已出具书面同意意见；房屋租赁合同租期至2036年10月31日"},
    {"label": "不动产权证书号", "value": "黑（2018）哈尔滨市不动产权第0038216号"},
    {"label": "建筑地址", "value": "哈尔滨市道里区经纬街274号院1号楼"},
    {"label": "建筑面积", "value": "1286.45平方米"},
    {"label": "现状用途及规划条件", "value": "商务金融用地（办公），容积率2.8，建筑密度35%"},
    {"label": "拟兴办的普惠性服务", "value": "社区嵌入式养老服务机构（日间照料、短期托养、老年助餐）"},
    {
        "label": "普惠承诺",
        "value": "日间照料每人每月不高于1200元；老年助餐每餐不高于12元；收费标准报区民政局备案并公示",
    },
]
LAND_PERIOD = {"first_day_cn": "二〇二六年十一月二十七日", "last_day_cn": "二〇三一年十一月二十六日"}

# --- fire-safety filings: two small community facilities and the renovated elderly-care building --
FIRE = {"authority_name": HOUSING}
NURSERY = {
    "holder_name": "哈尔滨市道里区河松托育服务有限公司",
    "holder_code": "91230102MA7G3R2N8X",
    "application_number": "FF2026000041",
}
NURSERY_FACTS = [
    {"label": "工程名称", "value": "河松小区二期社区托育服务中心装修改造工程"},
    {"label": "工程地址", "value": "哈尔滨市道里区河松小区二期12号楼1层"},
    {"label": "设施类型", "value": "托育服务（社区服务设施）"},
    {"label": "人员密集场所", "value": "是"},
    {"label": "建筑面积", "value": "286.4平方米"},
    {"label": "工程总投资", "value": "26.8万元"},
    {"label": "竣工验收合格日期", "value": "二〇二六年十一月二十三日"},
]

KIND_DATA = {
    "receipt": {
        "number": "哈道市监收字〔2026〕311号",
        "facts": PREMISE_FACTS[:4]
        + [
            {"label": "申请编号", "value": "PA2026000017"},
            {
                "label": "收到材料",
                "value": "市场主体登记（备案）申请书（申请书.pdf）；经营场所使用证明"
                "（房屋租赁合同.pdf）；房屋所有权证明（不动产权证书.pdf）",
            },
        ],
        "deadline_cn": "二〇二六年十二月二日",
    },
    "correction_notice": {
        "number": "哈道市监补字〔2026〕87号",
        "facts": PREMISE_FACTS,
        "items": [
            {"label": "经营场所使用证明", "reason": "租赁合同已过期（租期至2026年10月31日），请提交有效期内的租赁合同"},
            {"label": "新增经营场所", "reason": "门牌号与不动产权证书记载不一致，应为经纬街266号院"},
        ],
    },
    "registration_notice": {
        "number": "哈道市监经登字〔2026〕123号",
        "facts": PREMISE_FACTS,
    },
    "refusal_notice": {
        "number": "哈道市监不登字〔2026〕9号",
        "facts": PREMISE_FACTS,
        "reasons": "申请增加的经营场所位于南岗区，与你单位住所不属于同一县级登记机关管辖，"
        "不适用免于设立分支机构的规定，应当向经营场所所在地登记机关申请分支机构设立登记。",
        "remedies": REMEDIES,
    },
    "revocation_decision": {
        "number": "哈道市监撤登字〔2026〕2号",
        "facts": PREMISE_FACTS,
        "reasons": "你单位申请时提交的房屋租赁合同系伪造，出租人出具书面说明从未与你单位签订该合同，"
        "属于提交虚假材料取得登记的情形。",
        "remedies": remedies(GOVERNMENT, "决定书"),
    },
    "acceptance_notice": {
        **LAND,
        "authority_name": NATURAL_RESOURCES,
        "number": "哈道自然资规受字〔2026〕14号",
        "issue_date_cn": "二〇二六年十月三十日",
        "facts": LAND_FACTS,
        "deadline_cn": "二〇二六年十一月二十七日",
    },
    "non_acceptance_notice": {
        **LAND,
        "authority_name": NATURAL_RESOURCES,
        "holder_name": "哈尔滨市道里区星耀娱乐有限公司",
        "holder_code": "91230102MA1BXP7T3P",
        "application_number": "LT2026000031",
        "number": "哈道自然资规不受字〔2026〕2号",
        "issue_date_cn": "二〇二六年十一月十日",
        "facts": [
            {"label": "经营主体", "value": "哈尔滨市道里区星耀娱乐有限公司"},
            {"label": "建筑地址", "value": "哈尔滨市道里区经纬街274号院3号楼"},
            {"label": "建筑面积", "value": "640.00平方米"},
            {"label": "拟兴办的服务", "value": "量贩式KTV"},
            {"label": "普惠承诺", "value": "无"},
        ],
        "reasons": "你单位拟兴办的量贩式KTV属于娱乐场所经营，不属于国家支持产业、行业提供的普惠性生活服务，"
        "依法不适用存量建筑过渡期支持政策。",
        "remedies": remedies(GOVERNMENT, "通知书"),
    },
    "transition_approval": {
        **LAND,
        **LAND_PERIOD,
        "number": "哈道政批字〔2026〕6号",
        "issue_date_cn": "二〇二六年十一月二十六日",
        "facts": LAND_FACTS,
        "opinions": [
            {
                "department": "哈尔滨市道里区民政局",
                "agree": "同意",
                "text": "符合我区养老服务设施专项规划，属于普惠性养老服务。",
            },
            {
                "department": "哈尔滨市道里区住房和城乡建设局",
                "agree": "同意",
                "text": "房屋安全鉴定为B级，满足养老服务设施使用要求；改造后应依法办理消防验收备案。",
            },
            {
                "department": NATURAL_RESOURCES,
                "agree": "同意",
                "text": "该地块无征收计划，土壤环境符合要求；期满后可按新用途协议办理用地手续。",
            },
        ],
    },
    "non_approval_decision": {
        **LAND,
        "application_number": "LT2026000027",
        "number": "哈道政不批字〔2026〕1号",
        "issue_date_cn": "二〇二六年十二月八日",
        "facts": LAND_FACTS[:2]
        + [{"label": "建筑地址", "value": "哈尔滨市道里区公路四处家属楼5号楼"}]
        + LAND_FACTS[5:],
        "reasons": "经哈尔滨市道里区住房和城乡建设局核查，该建筑房屋安全鉴定结论为C级（局部危房），"
        "不满足改作养老服务设施的使用要求；\n经哈尔滨市道里区自然资源和规划局审查，"
        "该建筑所在地块已列入2027年度国有土地上房屋征收计划。",
        "remedies": remedies("哈尔滨市人民政府", "决定书"),
    },
    "termination_decision": {
        **LAND,
        **LAND_PERIOD,
        "number": "哈道政终字〔2028〕1号",
        "issue_date_cn": "二〇二八年六月十五日",
        "facts": LAND_FACTS,
        "reasons": "你单位自2028年3月起将该建筑一层转租给哈尔滨市道里区鼎盛餐饮管理有限公司经营商业餐饮，"
        "并自2028年4月起停止提供日间照料服务，已不再提供普惠性生活服务。",
        "remedies": remedies("哈尔滨市人民政府", "决定书"),
    },
    "filing_receipt": {
        **FIRE,
        **NURSERY,
        "number": "哈道住建消备字〔2026〕51号",
        "issue_date_cn": "二〇二六年十一月二十七日",
        "facts": NURSERY_FACTS,
        "route_zh": "简易程序",
        "mode_zh": "告知承诺",
        "late": False,
    },
    "exemption_confirmation": {
        **FIRE,
        "holder_name": "哈尔滨市道里区福寿餐饮服务有限公司",
        "holder_code": "91230102MABY4HU61G",
        "application_number": "FF2026000044",
        "number": "哈道住建消免字〔2026〕12号",
        "issue_date_cn": "二〇二六年十一月十八日",
        "facts": [
            {"label": "工程名称", "value": "公路四处家属楼社区老年助餐点装修工程"},
            {"label": "工程地址", "value": "哈尔滨市道里区公路四处家属楼3号楼1层"},
            {"label": "设施类型", "value": "社区餐饮（社区服务设施）"},
            {"label": "人员密集场所", "value": "否"},
            {"label": "建筑面积", "value": "168.00平方米"},
            {"label": "工程总投资", "value": "12.50万元"},
            {"label": "竣工验收合格日期", "value": "2026年11月16日"},
        ],
    },
    "rectification_notice": {
        **FIRE,
        **{k: LAND[k] for k in ("holder_name", "holder_code")},
        "application_number": "FF2027000008",
        "number": "哈道住建消改字〔2027〕3号",
        "issue_date_cn": "二〇二七年四月十二日",
        "facts": [
            {"label": "工程名称", "value": "经纬街274号院1号楼社区养老服务中心装修改造工程"},
            {"label": "工程地址", "value": "哈尔滨市道里区经纬街274号院1号楼"},
            {"label": "设施类型", "value": "养老服务（社区服务设施）"},
            {"label": "人员密集场所", "value": "是"},
            {"label": "建筑面积", "value": "1286.45平方米"},
            {"label": "工程总投资", "value": "186.00万元"},
            {"label": "备案凭证编号", "value": "哈道住建消备字〔2027〕6号"},
        ],
        "findings": "（一）二层东侧疏散楼梯间乙级防火门闭门器缺失，不能自行关闭；\n"
        "（二）一层助餐区应急照明灯具3处不亮，疏散指示标志设置不连续；\n"
        "（三）三层走廊室内消火栓箱内水带、水枪缺失。",
        "recheck_due_cn": "二〇二七年五月十二日",
        "remedies": remedies(GOVERNMENT, "通知书"),
    },
    "inspection_result": {
        **FIRE,
        **NURSERY,
        "number": "哈道住建消查字〔2026〕19号",
        "issue_date_cn": "二〇二六年十二月十六日",
        "facts": NURSERY_FACTS
        + [
            {"label": "备案凭证编号", "value": "哈道住建消备字〔2026〕51号"},
            {"label": "检查日期", "value": "2026年12月15日"},
        ],
        "passed": True,
        "findings": "检查人员现场查验了防火分隔、安全疏散、消防设施和消防电气，"
        "未发现不符合国家工程建设消防技术标准的问题。",
    },
}


def sample_snapshot(kind: str) -> dict:
    """A fresh (deep-copied, safe to mutate) snapshot for `kind` with every key it needs."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    # a kind without a sample here brings its own (DocumentKind.sample, declared with its procedure)
    return copy.deepcopy({**COMMON, **(KIND_DATA.get(kind) or KINDS[kind].get("sample") or {})})
