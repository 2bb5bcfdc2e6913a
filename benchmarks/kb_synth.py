"""A deterministic 100,000-entry knowledge base of realistic distractors.

The seed knowledge base (resources/kb/seed/*.jsonl, a few hundred hand-written
entries) is too small to test ranking: a real provincial 12345 knowledge base
holds tens of thousands of entries that share the seed's vocabulary. This
generator recombines topic vocabulary (subject × sub-topic × aspect), Anhui's
cities and districts and the seed's style (titles "芜湖市住房公积金装修提取所需材料",
colloquial alternative questions, keywords, a 80–300 character answer naming
channels, time limits and national hotlines) into distractors.

Honesty rules:

* deterministic for a given ``--seed``; ids ``SYN-000001``… never clash with the seed;
* a distractor never restates a topic the seed covers: a sub-topic that appears in
  a seed title (after its place name) or contains one of the seed's *specific*
  keywords (found in the title, questions or keywords of at most three seed
  entries, e.g. 公租房, 学法减分, 环评, or four characters or longer, e.g.
  夜间施工, 灵活就业) is not generated.
  A real knowledge base has one entry per topic and region; a second one would be
  a duplicate, and an evaluation query could not say which of the two is right.
  Generic words (公积金, 医保, 户口, city names) are shared freely, so every query
  still has to beat thousands of partial matches;
* about 2% are drafts, retired or expired, to exercise the searchability filter.

Run ``python benchmarks/kb_synth.py --n 100000 --out /tmp/kb100k.jsonl``.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hotline_desk.core.kb.entry import KBEntry, Region  # noqa: E402
from hotline_desk.core.kb.search import regions  # noqa: E402
from hotline_desk.core.vocabulary import Area, ReviewState  # noqa: E402

TZ = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class Domain:
    subject: str  # written in titles: 住房公积金
    short: str  # what callers say: 公积金
    unit: str  # owner unit pattern: "{city}住房公积金管理中心" ({city} empty → province)
    province_unit: str
    area: Area
    hotline: str  # "12329" or "" (then: 12345 转接)
    local: bool  # may have district-level entries
    subtopics: tuple[str, ...]
    extras: tuple[str, ...]  # extra keywords


DOMAINS: tuple[Domain, ...] = (
    Domain("住房公积金", "公积金", "{city}住房公积金管理中心", "安徽省住房和城乡建设厅",
           Area.PUBLIC_SERVICE, "12329", False,
           ("装修提取", "离职提取", "购房提取", "还贷提取", "销户提取", "出境定居提取",
            "缴存基数调整", "缴存比例核定", "单位缴存登记", "个人账户封存", "个人账户启封",
            "贷款资格审核", "组合贷款办理", "贷款逾期处理", "贷款展期", "缴存证明打印",
            "账户合并", "提取到账时间", "对冲还贷签约", "贷款担保", "贷款合同变更",
            "汇缴补缴", "年度结息", "缴存信息变更"),
           ("缴存", "提取", "贷款", "住房公积金", "公积金中心")),
    Domain("养老保险", "养老保险", "{city}人力资源和社会保障局", "安徽省人力资源和社会保障厅",
           Area.PUBLIC_SERVICE, "12333", False,
           ("参保登记", "缴费基数申报", "退休待遇申领", "关系转移接续", "个人权益记录查询",
            "养老金发放", "丧葬补助金申领", "抚恤金申领", "视同缴费年限认定", "欠费补缴",
            "重复参保清理", "待遇资格认证", "养老金调整", "企业职工参保", "被征地农民参保",
            "个人账户一次性支付", "缴费年限查询", "退休年龄核定"),
           ("社保", "养老", "退休", "养老金", "参保")),
    Domain("医疗保险", "医保", "{city}医疗保障局", "安徽省医疗保障局",
           Area.PUBLIC_SERVICE, "12393", False,
           ("住院费用报销", "普通门诊报销", "生育医疗费用报销", "医保关系转移", "参保信息变更",
            "大病保险赔付", "医疗救助申请", "定点医药机构查询", "医保电子凭证激活",
            "药品目录查询", "意外伤害报销", "职工医保缴费", "灵活就业医保参保",
            "医保待遇暂停", "医保卡密码重置", "外伤住院审核", "转诊转院备案", "特药待遇申请",
            "医保个人账户查询", "手工报销办理"),
           ("医保", "报销", "医保局", "参保", "医疗保障")),
    Domain("就业创业", "就业", "{city}人力资源和社会保障局", "安徽省人力资源和社会保障厅",
           Area.ECONOMIC, "12333", True,
           ("失业登记", "就业登记", "稳岗返还", "就业见习补贴", "创业担保贷款", "一次性创业补贴",
            "高校毕业生就业服务", "灵活就业社保补贴", "职业培训补贴", "求职创业补贴",
            "公益性岗位申请", "创业孵化基地入驻", "零工市场服务", "就业困难人员认定",
            "招聘会信息", "职业介绍服务", "返乡创业扶持"),
           ("就业", "创业", "补贴", "人社局", "招聘")),
    Domain("劳动保障", "劳动", "{city}人力资源和社会保障局", "安徽省人力资源和社会保障厅",
           Area.SOCIAL, "12333", True,
           ("拖欠工资投诉", "劳动合同签订", "加班工资争议", "未缴社保投诉", "试用期规定",
            "经济补偿金", "劳务派遣用工", "农民工工资支付", "带薪年休假", "女职工劳动保护",
            "劳动争议调解", "最低工资标准", "工时制度审批", "违法解除劳动合同",
            "童工举报", "工资条发放"),
           ("工资", "劳动合同", "劳动监察", "维权", "用人单位")),
    Domain("户籍管理", "户口", "{city}公安局", "安徽省公安厅", Area.SOCIAL, "", True,
           ("户口迁入", "户口迁出", "集体户口办理", "户籍证明开具", "户口本补办", "更改姓名",
            "出生日期更正", "民族成分变更", "户口登记项目变更", "分户办理", "投靠子女落户",
            "人才落户", "购房落户", "大中专学生户口迁移", "户口恢复", "立户办理"),
           ("户口", "户籍", "派出所", "落户", "户口本")),
    Domain("居民身份证", "身份证", "{city}公安局", "安徽省公安厅", Area.SOCIAL, "", True,
           ("首次申领", "到期换领", "异地换领", "信息变更", "加急办理", "照片采集",
            "指纹采集", "十六周岁以下申领", "挂失申报", "网上预约办理"),
           ("身份证", "证件", "派出所", "换证", "户政")),
    Domain("出入境证件", "出入境", "{city}公安局出入境管理支队", "安徽省公安厅出入境管理局",
           Area.PUBLIC_SERVICE, "", False,
           ("护照首次申领", "护照加注", "港澳通行证签注", "出入境记录查询", "外国人居留许可",
            "证件照片要求", "加急办证", "证件邮寄服务", "出境旅游证件", "出入境证件遗失报失"),
           ("护照", "出入境", "通行证", "签注", "出国")),
    Domain("机动车驾驶证", "驾驶证", "{city}公安局交通警察支队", "安徽省公安厅交通警察总队",
           Area.PUBLIC_SERVICE, "", False,
           ("期满换证", "遗失补证", "驾驶证审验", "增驾申请", "体检信息申报", "驾驶证转入",
            "初次申领", "驾驶证降级", "驾驶人信息变更", "境外驾驶证换证"),
           ("驾照", "驾驶证", "车管所", "交警", "考试")),
    Domain("机动车", "车辆", "{city}公安局交通警察支队", "安徽省公安厅交通警察总队",
           Area.PUBLIC_SERVICE, "", False,
           ("注册登记", "转移登记", "抵押登记", "安全技术检验", "检验标志申领", "号牌补领",
            "变更登记", "注销登记", "交通违法处理", "事故快处快赔", "非现场违法查询",
            "新能源号牌", "车辆外迁", "委托异地检验", "车辆查封解除"),
           ("车管所", "机动车", "年检", "违章", "过户")),
    Domain("公共交通", "公交", "{city}交通运输局", "安徽省交通运输厅", Area.PUBLIC_SERVICE,
           "", True,
           ("公交卡办理", "学生乘车卡", "公交线路调整", "出租车投诉", "网约车投诉",
            "公交车辆服务投诉", "公交站点设置", "夜班公交", "公交卡充值", "公交卡挂失",
            "定制公交", "公交乘车码", "出租车遗失物品查找", "班车客运"),
           ("公交", "出租车", "乘车", "交通", "线路")),
    Domain("义务教育", "教育", "{city}教育局", "安徽省教育厅", Area.PUBLIC_SERVICE, "", True,
           ("幼儿园招生报名", "小学新生报名", "初中新生招生", "学籍转出", "学籍转入",
            "随迁子女入学", "学生资助", "课后服务收费", "校外培训投诉", "营养改善计划",
            "中考报名", "中考体育考试", "高考报名", "普通高中招生", "教师资格认定",
            "校园安全投诉", "学生近视防控", "民办学校收费", "教育收费投诉", "学历证明"),
           ("上学", "学校", "教育局", "学生", "招生")),
    Domain("市场主体登记", "营业执照", "{city}市场监督管理局", "安徽省市场监督管理局",
           Area.MARKET, "12315", True,
           ("个体工商户注册", "个体工商户注销", "企业名称登记", "企业设立登记", "企业变更登记",
            "企业简易注销", "营业执照补领", "经营范围变更", "企业年报公示", "股权出质登记",
            "电子营业执照下载", "住所申报承诺", "分支机构登记", "歇业备案"),
           ("营业执照", "工商", "注册", "市场监管", "企业")),
    Domain("食品药品安全", "食品安全", "{city}市场监督管理局", "安徽省市场监督管理局",
           Area.MARKET, "12315", True,
           ("食品经营许可", "小作坊登记", "食品安全投诉", "过期食品举报", "餐饮卫生举报",
            "保健食品虚假宣传", "药品质量投诉", "医疗器械投诉", "化妆品投诉", "网络订餐投诉",
            "校园食品安全", "农贸市场检测"),
           ("食品", "药品", "举报", "市场监管", "投诉")),
    Domain("消费维权", "消费", "{city}市场监督管理局", "安徽省市场监督管理局", Area.MARKET,
           "12315", True,
           ("消费投诉受理", "价格违法举报", "虚假宣传举报", "七日无理由退货", "网购纠纷",
            "商品质量投诉", "计量作弊投诉", "电梯安全投诉", "装修纠纷", "汽车三包",
            "家电维修纠纷", "快递服务投诉", "美容美发消费", "健身卡退费", "教育培训退费"),
           ("投诉", "消费者", "12315", "退款", "维权")),
    Domain("税费服务", "税务", "{city}税务局", "国家税务总局安徽省税务局", Area.ECONOMIC,
           "12366", False,
           ("个人所得税年度汇算", "专项附加扣除", "增值税发票开具", "发票查验", "契税缴纳",
            "房产税", "车船税", "城乡居民社保费缴纳", "税务登记", "电子税务局操作",
            "小规模纳税人减免", "出口退税", "个体户定额", "完税证明开具", "税收优惠备案"),
           ("税务", "纳税", "发票", "个税", "税务局")),
    Domain("不动产登记", "不动产", "{city}自然资源和规划局", "安徽省自然资源厅",
           Area.PUBLIC_SERVICE, "", True,
           ("首次登记", "二手房转移登记", "抵押权注销", "更正登记", "异议登记", "继承登记",
            "查封登记查询", "证书遗失补发", "预告登记", "地役权登记", "宅基地确权登记",
            "登记资料查询", "分割合并登记"),
           ("不动产", "房产证", "登记中心", "过户", "产权")),
    Domain("房屋管理", "房屋", "{city}住房和城乡建设局", "安徽省住房和城乡建设厅",
           Area.SOCIAL, "", True,
           ("物业服务纠纷", "住宅专项维修资金", "房屋租赁备案", "老旧小区改造", "人才公寓申请",
            "房屋安全鉴定", "商品房预售资金", "业主委员会成立", "群租房整治", "物业费收费标准",
            "电梯维修", "房地产中介投诉", "商品房质量投诉", "烂尾楼处置", "拆迁安置"),
           ("物业", "房屋", "住建局", "小区", "业主")),
    Domain("社会救助", "救助", "{city}民政局", "安徽省民政厅", Area.SOCIAL, "", True,
           ("最低生活保障", "临时救助", "高龄津贴", "养老服务补贴", "困难残疾人生活补贴",
            "重度残疾人护理补贴", "流浪乞讨救助", "孤儿基本生活费", "事实无人抚养儿童",
            "居家养老服务", "养老机构入住", "慈善捐赠", "社会组织登记", "婚姻登记档案查询",
            "收养登记"),
           ("民政", "补贴", "救助", "低保", "养老")),
    Domain("卫生健康", "卫生", "{city}卫生健康委员会", "安徽省卫生健康委员会",
           Area.PUBLIC_SERVICE, "12320", True,
           ("出生医学证明", "预防接种", "家庭医生签约", "母婴保健", "医疗纠纷调解",
            "无偿献血", "健康证办理", "职业病诊断", "生育登记", "免费孕前检查", "两癌筛查",
            "医疗服务投诉", "医师执业注册", "诊所备案", "老年人健康体检"),
           ("医院", "卫健委", "体检", "医疗", "健康")),
    Domain("生态环境", "环保", "{city}生态环境局", "安徽省生态环境厅", Area.ENVIRONMENT,
           "12369", True,
           ("噪声扰民投诉", "餐饮油烟污染", "工业废气排放", "污水直排举报", "建筑工地扬尘",
            "秸秆焚烧", "危险废物处置", "环评审批", "辐射安全", "河道污染", "异味投诉",
            "夜间施工噪声", "排污许可", "机动车尾气", "土壤污染"),
           ("环保", "污染", "投诉", "生态环境", "举报")),
    Domain("城市管理", "城管", "{city}城市管理局", "安徽省住房和城乡建设厅", Area.ENVIRONMENT,
           "", True,
           ("占道经营", "违法建设", "渣土车撒漏", "户外广告", "路灯报修", "井盖缺失",
            "绿化养护", "生活垃圾清运", "共享单车乱停", "犬只管理", "垃圾分类", "道路破损",
            "停车位施划", "店外经营", "流动摊贩"),
           ("城管", "市容", "路灯", "垃圾", "违建")),
    Domain("供水服务", "供水", "{stem}供水集团", "安徽省住房和城乡建设厅", Area.PUBLIC_SERVICE,
           "", False,
           ("水费缴纳", "水表报装", "水质问题", "管道漏水报修", "阶梯水价", "户名变更",
            "水表故障", "二次供水", "水压不足"),
           ("水费", "供水", "自来水", "停水", "水表")),
    Domain("供电服务", "供电", "国网{stem}供电公司", "国网安徽省电力有限公司",
           Area.PUBLIC_SERVICE, "95598", False,
           ("电费缴纳", "停电报修", "新装用电", "光伏并网", "电表更换", "电费账单查询",
            "增容申请", "电动汽车充电桩报装", "计划停电查询", "用电过户"),
           ("电费", "停电", "供电", "电表", "用电")),
    Domain("燃气服务", "燃气", "{stem}燃气集团", "安徽省住房和城乡建设厅", Area.PUBLIC_SERVICE,
           "", False,
           ("燃气开户", "燃气费缴纳", "燃气表更换", "燃气安全检查", "燃气改装", "燃气停气通知",
            "燃气用户过户", "燃气具报修", "燃气价格"),
           ("燃气", "天然气", "煤气", "燃气费", "燃气公司")),
    Domain("农业农村", "农业", "{city}农业农村局", "安徽省农业农村厅", Area.ECONOMIC, "", True,
           ("耕地地力保护补贴", "农机购置补贴", "宅基地审批", "土地承包经营权", "动物防疫",
            "农产品质量检测", "种子质量投诉", "农药使用", "高标准农田", "家庭农场认定",
            "农村集体经济", "渔业捕捞许可"),
           ("农业", "补贴", "农村", "农民", "种粮")),
    Domain("文化旅游", "旅游", "{city}文化和旅游局", "安徽省文化和旅游厅", Area.MARKET, "", True,
           ("景区门票优惠", "旅游投诉", "导游证办理", "图书馆办证", "文化惠民演出",
            "旅行社经营许可", "网吧经营", "文物保护", "博物馆预约", "A级景区评定"),
           ("旅游", "景区", "文旅", "门票", "文化")),
    Domain("退役军人服务", "退役军人", "{city}退役军人事务局", "安徽省退役军人事务厅",
           Area.SOCIAL, "", True,
           ("优待证申领", "退役安置", "伤残抚恤", "光荣牌悬挂", "退役士兵职业技能培训",
            "军人家属优待", "烈士褒扬", "参战参试人员补助"),
           ("退役军人", "优待", "抚恤", "退伍", "军人")),
    Domain("应急消防", "安全", "{city}应急管理局", "安徽省应急管理厅", Area.SOCIAL, "", True,
           ("安全生产举报", "消防隐患举报", "应急避难场所", "危险化学品经营许可",
            "烟花爆竹经营", "消防通道占用", "防汛抗旱", "地质灾害隐患", "森林防火"),
           ("安全", "消防", "隐患", "应急", "举报")),
    Domain("知识产权", "知识产权", "{city}市场监督管理局", "安徽省知识产权局", Area.ECONOMIC,
           "", False,
           ("专利申请", "商标注册", "专利侵权投诉", "地理标志", "知识产权质押融资",
            "专利资助", "商标侵权举报"),
           ("专利", "商标", "知识产权", "侵权", "申请")),
    Domain("企业服务", "企业", "{city}数据资源管理局", "安徽省数据资源管理局", Area.ECONOMIC,
           "", False,
           ("惠企政策兑现", "企业开办一网通办", "工程建设项目审批", "政务服务评价",
            "政务服务好差评", "证照电子化", "首席服务官", "中小企业融资", "涉企收费投诉",
            "项目申报"),
           ("企业", "政务服务", "审批", "营商环境", "惠企")),
)

ASPECTS: tuple[str, ...] = (
    "条件", "办理流程", "所需材料", "办理时限", "收费标准", "办理渠道", "常见问题",
    "注意事项", "政策解读", "进度查询", "申请指南", "受理范围", "办理地点",
)

QUESTION_TEMPLATES: dict[str, tuple[str, ...]] = {
    "条件": ("{sub}需要满足什么条件", "什么情况下可以{sub}", "{short}{sub}有什么要求"),
    "办理流程": ("{sub}怎么办理", "{sub}的流程是什么", "{place}{sub}怎么弄"),
    "所需材料": ("{sub}要带什么材料", "{sub}需要准备哪些资料", "办{sub}要什么证件"),
    "办理时限": ("{sub}多久能办好", "{sub}要等几天", "{sub}什么时候有结果"),
    "收费标准": ("{sub}要收费吗", "{sub}收多少钱", "办{sub}要交钱吗"),
    "办理渠道": ("{sub}可以网上办吗", "{sub}在哪里办", "手机上能办{sub}吗"),
    "常见问题": ("{sub}遇到问题找谁", "{sub}办不了怎么办", "{short}{sub}常见问题"),
    "注意事项": ("{sub}要注意什么", "{sub}有哪些坑", "{sub}容易出什么问题"),
    "政策解读": ("{sub}最新政策是什么", "{sub}有什么新规定", "{sub}政策有变化吗"),
    "进度查询": ("{sub}办到哪一步了", "怎么查{sub}进度", "{sub}结果在哪看"),
    "申请指南": ("怎么申请{sub}", "{sub}去哪申请", "{sub}申请入口在哪"),
    "受理范围": ("{sub}哪些情况受理", "{sub}管不管", "{sub}归谁管"),
    "办理地点": ("{sub}去哪里办", "{place}{sub}在哪个窗口", "{sub}的办理地址"),
}

MATERIALS = ("本人有效居民身份证", "户口簿", "申请表", "近期一寸免冠照片", "劳动合同",
             "银行卡", "相关证明材料原件及复印件", "委托书及受托人身份证", "营业执照副本",
             "结婚证", "房屋产权证明", "缴费凭证", "医疗费用发票", "出生医学证明")
CHANNELS = ("皖事通APP", "安徽政务服务网", "{city}政务服务中心窗口", "{unit}微信公众号",
            "各县（市、区）政务服务中心", "线下服务网点", "支付宝城市服务")
TIME_LIMITS = ("即时办结", "3个工作日内", "5个工作日内", "7个工作日内", "10个工作日内",
               "15个工作日内", "20个工作日内", "1个月内")
FEES = ("不收取任何费用", "免费办理", "按规定标准收取工本费", "不另行收费",
        "费用以现场公示为准")
OPENERS = (
    "{place}{subject}{sub}按照相关规定办理。",
    "根据现行政策，{place}{sub}由{unit}负责受理。",
    "申请{sub}的，应当向{unit}提出。",
    "{place}居民办理{sub}，可以选择线上或线下渠道。",
    "关于{sub}，{unit}提示如下。",
)
BODY = (
    "申请人需准备{m1}、{m2}等材料，材料齐全的{t}办结。",
    "可通过{c1}或{c2}提交申请，审核通过后{t}完成。",
    "办理{sub}{fee}，请勿相信收费代办。",
    "材料不齐的，工作人员将一次性告知需要补正的内容。",
    "{aspect}方面，以{unit}最新发布的通知为准。",
    "符合条件的申请人可在工作日到{c1}办理，节假日可使用{c2}。",
    "办理结果可通过{c2}查询，也可留意短信通知。",
    "特殊情况需要现场核实的，办理时间相应顺延。",
    "委托他人代办的，需提供{m3}。",
    "办理过程中如遇到问题，可向窗口工作人员咨询。",
)
CLOSERS = ("详情可拨打{hotline}咨询。", "如有疑问可拨打12345热线转接{unit}。",
           "更多信息请关注{unit}官方网站。", "也可咨询当地{short}经办窗口。")


def _place_label(city: str, district: str) -> str:
    return district or city or "全省"


def _specific_seed_keywords(seed: Sequence[KBEntry]) -> set[str]:
    """Keywords naming a topic: found in the texts of at most three seed entries."""
    keywords = {k for e in seed for k in e.keywords if len(k) >= 2}
    texts = ["\n".join((e.title, *e.questions, *e.keywords)) for e in seed]
    counts = Counter(k for text in texts for k in keywords if k in text)
    return {k for k in keywords if counts[k] <= 3}


def _seed_cores(seed: Sequence[KBEntry]) -> list[str]:
    cores = []
    for entry in seed:
        found = regions.leading_place(entry.title)
        cores.append(entry.title[found[1]:] if found else entry.title)
    return cores


def allowed_subtopics(seed: Sequence[KBEntry]) -> list[tuple[Domain, str]]:
    """(domain, sub-topic) pairs that do not restate a seed topic (see module docstring)."""
    specific = _specific_seed_keywords(seed)
    specific |= {k for e in seed for k in e.keywords if len(k) >= 4}
    cores = _seed_cores(seed)
    allowed = []
    for domain in DOMAINS:
        for sub in domain.subtopics:
            if any(sub in core for core in cores):
                continue
            if any(word in sub for word in specific):
                continue
            allowed.append((domain, sub))
    return allowed


def _regions() -> list[tuple[str, str]]:
    places = [("", "")]
    for city, districts in regions.CITIES:
        places.append((city, ""))
        places.extend((city, d) for d in districts)
    return places


def _unit(domain: Domain, city: str, district: str) -> str:
    if not city:
        return domain.province_unit
    prefix = city + district if district and domain.local else city
    return domain.unit.format(city=prefix, stem=_stem(city))


def _entry(number: int, domain: Domain, sub: str, aspect: str, city: str, district: str,
           rng: random.Random) -> KBEntry:
    place = _place_label(city, district)
    title_place = (city + district) if district else city
    subject = domain.subject if rng.random() < 0.6 else ""
    joiner = "及" if rng.random() < 0.2 else ""
    second = rng.choice(ASPECTS) if joiner else ""
    title = f"{title_place}{subject}{sub}{aspect}{joiner}{second if second != aspect else ''}"
    title = title.rstrip("及")
    unit = _unit(domain, city, district)
    fill = {
        "sub": sub, "short": domain.short, "subject": domain.subject, "unit": unit,
        "place": "" if place == "全省" else place, "city": city or "安徽省",
        "aspect": aspect, "hotline": domain.hotline or "12345",
    }
    templates = list(QUESTION_TEMPLATES[aspect])
    rng.shuffle(templates)
    questions = [t.format(**fill) for t in templates[: rng.randint(2, 3)]]
    if rng.random() < 0.4:
        other = rng.choice([a for a in ASPECTS if a != aspect])
        questions.append(rng.choice(QUESTION_TEMPLATES[other]).format(**fill))
    keywords = [domain.short, sub, aspect]
    keywords += rng.sample(domain.extras, k=rng.randint(1, 3))
    if city:
        keywords.append(_stem(district or city))
    keywords = list(dict.fromkeys(keywords))
    m1, m2, m3 = rng.sample(MATERIALS, 3)
    c1, c2 = rng.sample(CHANNELS, 2)
    fill.update(m1=m1, m2=m2, m3=m3, c1=c1.format(**fill), c2=c2.format(**fill),
                t=rng.choice(TIME_LIMITS), fee=rng.choice(FEES))
    sentences = [rng.choice(OPENERS).format(**fill)]
    sentences += [s.format(**fill) for s in rng.sample(BODY, k=rng.randint(2, 5))]
    closer = rng.choice(CLOSERS) if domain.hotline else rng.choice(CLOSERS[1:])
    sentences.append(closer.format(**fill))
    answer = "".join(sentences)[:300]
    roll = rng.random()
    state = ReviewState.PUBLISHED
    valid_from = date(2024, 1, 1) + timedelta(days=rng.randint(0, 800))
    valid_to = None
    if roll < 0.007:
        state = ReviewState.DRAFT
    elif roll < 0.014:
        state = ReviewState.RETIRED
    elif roll < 0.02:  # expired before the benchmarks' day (2026-06-01)
        valid_from = date(2024, 1, 1) + timedelta(days=rng.randint(0, 300))
        valid_to = valid_from + timedelta(days=rng.randint(30, 500))
    elif roll < 0.05:
        valid_to = date(2027 + rng.randint(0, 1), 12, 31)
    return KBEntry(
        id=f"SYN-{number:06d}",
        title=title,
        answer=answer,
        questions=tuple(dict.fromkeys(questions)),
        keywords=tuple(keywords),
        policy_basis=f"{domain.subject}相关法规及{unit}规范性文件",
        category=domain.area,
        owner_unit=unit,
        region=Region(city=city, district=district),
        valid_from=valid_from,
        valid_to=valid_to,
        review_state=state,
        version=rng.randint(1, 4),
        updated_at=datetime(2026, 1, 1, 9, 0, tzinfo=TZ) + timedelta(hours=rng.randint(0, 4000)),
    )


def _stem(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "市区县" else name


def generate(n: int, seed: Sequence[KBEntry] = (), rng_seed: int = 12345) -> list[KBEntry]:
    """``n`` distractor entries (distinct titles), deterministic for ``rng_seed``."""
    rng = random.Random(rng_seed)
    topics = allowed_subtopics(seed)
    places = _regions()
    city_level = [p for p in places if not p[1]]
    titles: set[str] = {e.title for e in seed}
    entries: list[KBEntry] = []
    attempts = 0
    while len(entries) < n:
        attempts += 1
        if attempts > n * 20:
            raise RuntimeError("vocabulary too small for the requested size")
        domain, sub = rng.choice(topics)
        aspect = rng.choice(ASPECTS)
        city, district = rng.choice(places if domain.local else city_level)
        entry = _entry(len(entries) + 1, domain, sub, aspect, city, district, rng)
        if entry.title in titles:
            continue
        titles.add(entry.title)
        entries.append(entry)
    return entries


def load_seed(folder: Path) -> list[KBEntry]:
    from hotline_desk.storage.kb_files import read_kb_file

    entries: list[KBEntry] = []
    for path in sorted(folder.glob("*.jsonl")):
        entries.extend(read_kb_file(path))
    return entries


def benchmark_kb(total: int = 100_000, rng_seed: int = 12345,
                 seed_dir: Path = ROOT / "resources" / "kb" / "seed") -> list[KBEntry]:
    """The benchmarks' knowledge base: the seed mixed into ``total`` entries in all."""
    seed = load_seed(seed_dir)
    synth = generate(max(total - len(seed), 0), seed, rng_seed)
    mixed = [*seed, *synth]
    random.Random(rng_seed).shuffle(mixed)  # the seed is not conveniently first
    return mixed


def write_jsonl(entries: Iterable[KBEntry], out: Path) -> None:
    from hotline_desk.storage.kb_files import write_kb_file

    write_kb_file(out, entries)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=12345, help="random seed")
    parser.add_argument("--seed-dir", type=Path, default=ROOT / "resources" / "kb" / "seed")
    parser.add_argument("--with-seed", action="store_true",
                        help="also write the seed entries (the benchmark's knowledge base)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    seed = load_seed(args.seed_dir)
    entries = generate(args.n - (len(seed) if args.with_seed else 0), seed, args.seed)
    write_jsonl([*seed, *entries] if args.with_seed else entries, args.out)
    topics = allowed_subtopics(seed)
    print(f"wrote {len(entries)} distractors ({len(topics)} sub-topics allowed, "
          f"{sum(len(d.subtopics) for d in DOMAINS) - len(topics)} excluded as seed topics)"
          + (f" + {len(seed)} seed entries" if args.with_seed else "") + f" to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
