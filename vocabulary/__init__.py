"""The shared vocabulary (pure Python): service categories, Harbin's divisions (GB/T 2260), the street offices
the article names, and authority kinds. Procedures, forms, models and pages all read it from here."""

# the inclusive life services (DOMAIN §1): identifiers every procedure uses, (value, zh, en)
SERVICE_CATEGORIES = (
    ("elderly_care", "养老服务", "elderly care"),
    ("childcare", "托育服务", "childcare"),
    ("housekeeping", "家政服务", "housekeeping"),
    ("community_catering", "社区餐饮（助餐）", "community catering"),
    ("convenience_retail", "便民商业", "convenience retail"),
    ("repair", "维修服务", "repair"),
    ("hairdressing_beauty", "美容美发", "hairdressing and beauty"),
    ("laundry", "洗染服务", "laundry"),
    ("fitness", "健身服务", "fitness"),
    ("culture", "文化服务", "culture"),
    ("sports", "体育服务", "sports"),
    ("other", "其他生活服务", "other services"),
)

CITY = ("230100", "哈尔滨市", "哈")

# code -> (name, document-number abbreviation)
DIVISIONS: dict[str, tuple[str, str]] = {
    "230102": ("道里区", "哈道"),
    "230103": ("南岗区", "哈南"),
    "230104": ("道外区", "哈道外"),
    "230108": ("平房区", "哈平"),
    "230109": ("松北区", "哈松"),
    "230110": ("香坊区", "哈香"),
    "230111": ("呼兰区", "哈呼"),
    "230112": ("阿城区", "哈阿"),
    "230113": ("双城区", "哈双"),
    "230123": ("依兰县", "哈依"),
    "230124": ("方正县", "哈方"),
    "230125": ("宾县", "哈宾"),
    "230126": ("巴彦县", "哈巴"),
    "230127": ("木兰县", "哈木"),
    "230128": ("通河县", "哈通"),
    "230129": ("延寿县", "哈延"),
    "230183": ("尚志市", "哈尚"),
    "230184": ("五常市", "哈五"),
}

# code -> English name (pinyin, as on the city's English pages)
DIVISIONS_EN: dict[str, str] = {
    "230102": "Daoli District",
    "230103": "Nangang District",
    "230104": "Daowai District",
    "230108": "Pingfang District",
    "230109": "Songbei District",
    "230110": "Xiangfang District",
    "230111": "Hulan District",
    "230112": "Acheng District",
    "230113": "Shuangcheng District",
    "230123": "Yilan County",
    "230124": "Fangzheng County",
    "230125": "Bin County",
    "230126": "Bayan County",
    "230127": "Mulan County",
    "230128": "Tonghe County",
    "230129": "Yanshou County",
    "230183": "Shangzhi City",
    "230184": "Wuchang City",
}

# 道里区 street offices (NBS codes) named in the article
STREETS: dict[str, tuple[str, str]] = {
    "230102001": ("230102", "兆麟街道"),
    "230102006": ("230102", "城乡路街道"),
    "230102012": ("230102", "工程街道"),
    "230102015": ("230102", "正阳河街道"),
    "230102017": ("230102", "康安街道"),
    "230102019": ("230102", "群力街道"),
}

# the street offices' names, offered as suggestions where a field asks for a street office
STREET_NAMES = tuple(name for _division, name in STREETS.values())

# kind -> (zh suffix of the authority's name, abbreviation in document numbers, en)
AUTHORITY_KINDS: dict[str, tuple[str, str, str]] = {
    "market_regulation": ("市场监督管理局", "市监", "Market Regulation Bureau"),
    "natural_resources": ("自然资源和规划局", "自然资规", "Natural Resources and Planning Bureau"),
    "housing": ("住房和城乡建设局", "住建", "Housing and Urban-Rural Development Bureau"),
    "government": ("人民政府", "政", "People's Government"),
    "civil_affairs": ("民政局", "民政", "Civil Affairs Bureau"),
    "health": ("卫生健康局", "卫健", "Health Commission"),
    "culture_tourism": ("文化广电和旅游局", "文旅", "Culture and Tourism Bureau"),
    "sports": ("体育局", "体育", "Sports Bureau"),
    "development_reform": ("发展和改革局", "发改", "Development and Reform Bureau"),
}


def division_name(code: str | None) -> str:
    if code == CITY[0]:
        return CITY[1]
    return DIVISIONS.get(code or "", (code or "", ""))[0]


def division_name_en(code: str | None) -> str:
    if code == CITY[0]:
        return "Harbin"
    return DIVISIONS_EN.get(code or "", code or "")


def authority_name(division_code: str, kind: str) -> str:
    prefix = "哈尔滨市" + ("" if division_code == CITY[0] else division_name(division_code))
    suffix = AUTHORITY_KINDS[kind][0]
    if kind == "development_reform" and division_code == CITY[0]:
        suffix = "发展和改革委员会"
    return prefix + suffix


def authority_name_en(division_code: str, kind: str) -> str:
    """ "Daoli District Market Regulation Bureau, Harbin"; the city's own: "Harbin Municipal …"."""
    suffix = AUTHORITY_KINDS[kind][2]
    if division_code == CITY[0]:
        return "Harbin Municipal " + ("Development and Reform Commission" if kind == "development_reform" else suffix)
    return f"{division_name_en(division_code)} {suffix}, Harbin"


def street_name(value: str | None) -> str:
    """A street office given by NBS code or by name, shown by name."""
    if value in STREETS:
        return STREETS[value][1]
    return value or ""


def category_name(value: str | None) -> str:
    """A service category identifier by its Chinese name ("" when unknown)."""
    return next((zh for v, zh, _en in SERVICE_CATEGORIES if v == value), "")
