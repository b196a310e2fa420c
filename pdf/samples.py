"""Realistic Harbin snapshots for each document kind: the staff preview page and tests use them."""
import copy

from pdf.render import KINDS

AUTHORITY = "哈尔滨市道里区市场监督管理局"
REMEDIES = ("如不服本决定，可以自收到本通知书之日起六十日内向哈尔滨市道里区人民政府申请行政复议，"
            "或者在六个月内依法向人民法院提起行政诉讼。")

COMMON = {
    "authority_name": AUTHORITY,
    "issue_date_cn": "二〇二六年十一月二十九日",
    "holder_name": "哈尔滨市便民家政服务有限公司",
    "holder_code": "91230102MA1234567X",
    "application_number": "PA2026000017",
    "verify_url": "http://127.0.0.1:5000/verify/q7Lm2xVb9KcT4wRz8NfHs3JdYp6Ge5Ua",
}

PREMISE_FACTS = [
    {"label": "企业名称", "value": "哈尔滨市便民家政服务有限公司"},
    {"label": "统一社会信用代码", "value": "91230102MA1234567X"},
    {"label": "住所", "value": "哈尔滨市道里区经纬街266号院2号楼1单元301室"},
    {"label": "新增经营场所", "value": "道里区兆麟街道索菲亚小区3栋1单元102室"},
    {"label": "服务类别", "value": "家政服务"},
    {"label": "该场所经营范围", "value": "家政服务；养老服务（不含医疗服务）；居民日常生活服务"},
]

KIND_DATA = {
    "receipt": {
        "number": "哈道市监收字〔2026〕第000311号",
        "facts": PREMISE_FACTS[:4] + [
            {"label": "申请编号", "value": "PA2026000017"},
            {"label": "收到材料", "value": "市场主体登记（备案）申请书（申请书.pdf）；经营场所使用证明"
                                          "（房屋租赁合同.pdf）；房屋所有权证明（不动产权证书.pdf）"},
        ],
        "deadline_cn": "二〇二六年十二月二日",
    },
    "correction_notice": {
        "number": "哈道市监补字〔2026〕第000087号",
        "facts": PREMISE_FACTS,
        "items": [
            {"label": "经营场所使用证明", "reason": "租赁合同已过期（租期至2026年10月31日），请提交有效期内的租赁合同"},
            {"label": "新增经营场所", "reason": "门牌号与不动产权证书记载不一致，应为经纬街266号院"},
        ],
    },
    "registration_notice": {
        "number": "哈道市监经登字〔2026〕第000123号",
        "facts": PREMISE_FACTS,
    },
    "refusal_notice": {
        "number": "哈道市监不登字〔2026〕第000009号",
        "facts": PREMISE_FACTS,
        "reasons": "申请增加的经营场所位于南岗区，与你单位住所不属于同一县级登记机关管辖，"
                   "不适用免于设立分支机构的规定，应当向经营场所所在地登记机关申请分支机构设立登记。",
        "remedies": REMEDIES,
    },
    "revocation_decision": {
        "number": "哈道市监撤登字〔2026〕第000002号",
        "facts": PREMISE_FACTS,
        "reasons": "你单位申请时提交的房屋租赁合同系伪造，出租人出具书面说明从未与你单位签订该合同，"
                   "属于提交虚假材料取得登记的情形。",
        "remedies": REMEDIES.replace("本通知书", "本决定书"),
    },
}


def sample_snapshot(kind: str) -> dict:
    """A fresh (deep-copied, safe to mutate) snapshot for `kind` with every key it needs."""
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    return copy.deepcopy({**COMMON, **KIND_DATA[kind]})
