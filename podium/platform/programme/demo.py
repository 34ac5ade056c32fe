"""A realistic three-day programme for the demo summit: keynotes, forums, the competition final, the award
ceremony and an investor matchmaking side event, with bilingual speakers and generated portrait cards."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import anyio.to_thread
from PIL import Image, ImageDraw, ImageFont

from podium.platform.programme import photos
from podium.platform.programme.models import Room, Session, SessionKind, SessionSpeaker, Speaker
from podium.platform.programme.schedule import to_utc
from podium.platform.summits.models import Summit
from podium.settings import Settings

# (English, Chinese, position)
ROOMS = (
    ("Main Hall", "主会场", 1),
    ("Forum Hall A", "论坛A厅", 2),
    ("Forum Hall B", "论坛B厅", 3),
    ("Investor Lounge", "投资人会客厅", 4),
)


@dataclass(frozen=True)
class DemoSpeaker:
    name: str
    name_local: str
    organisation_en: str
    organisation_zh: str
    bio_en: str
    bio_zh: str
    colour: tuple[int, int, int]


SPEAKERS = (
    DemoSpeaker(
        "Li Wei",
        "李伟",
        "Chair, Global Entrepreneur Summit Organising Committee",
        "全球创业者峰会组委会主席",
        "Li Wei has built programmes for overseas founders in Beijing for fifteen years and chairs the summit's "
        "organising committee.\n\nBefore that she ran a hardware incubator in Zhongguancun.",
        "李伟十五年来致力于为海外创业者在北京搭建发展平台，现任峰会组委会主席。\n\n此前她在中关村运营一家硬件孵化器。",
        (11, 79, 138),
    ),
    DemoSpeaker(
        "Anna Schmidt",
        "安娜·施密特",
        "Research Director, Helix AI Lab, Munich",
        "慕尼黑Helix人工智能实验室研究总监",
        "Anna Schmidt leads applied research on small, efficient language models for industry, and advises "
        "three European AI start-ups.",
        "安娜·施密特负责面向产业的小型高效语言模型应用研究，并担任三家欧洲人工智能初创企业的顾问。",
        (120, 40, 140),
    ),
    DemoSpeaker(
        "Zhang Min",
        "张敏",
        "Managing Partner, Jingshan Capital",
        "京山资本管理合伙人",
        "Zhang Min has backed more than forty hard-tech companies from seed to IPO, with a focus on advanced "
        "manufacturing and new materials.",
        "张敏投资了四十余家硬科技企业，覆盖从种子轮到上市的各个阶段，专注高端制造与新材料领域。",
        (196, 30, 58),
    ),
    DemoSpeaker(
        "Rajesh Kumar",
        "拉杰什·库马尔",
        "Chief Medical Officer, CareBridge Health, Singapore",
        "新加坡CareBridge Health首席医疗官",
        "Dr Rajesh Kumar is a cardiologist who brought remote monitoring to clinics in six Asian countries.",
        "拉杰什·库马尔医生是一名心脏病专家，已将远程监测服务推广到亚洲六个国家的诊所。",
        (20, 110, 80),
    ),
    DemoSpeaker(
        "Chen Jing",
        "陈静",
        "Founder and CEO, Tianyuan Precision Manufacturing",
        "天元精密制造创始人兼首席执行官",
        "Chen Jing returned from Stuttgart to found a maker of precision reducers for industrial robots, "
        "now supplying customers in twelve countries.",
        "陈静从斯图加特回国创业，创立了一家工业机器人精密减速器企业，产品已销往十二个国家。",
        (180, 95, 10),
    ),
    DemoSpeaker(
        "Sophie Martin",
        "苏菲·马丁",
        "Head of Venture Investments, Atlas Ventures, Paris",
        "巴黎Atlas Ventures风险投资负责人",
        "Sophie Martin invests in European climate and health start-ups and helps them enter Asian markets.",
        "苏菲·马丁投资欧洲气候与健康领域的初创企业，并帮助它们进入亚洲市场。",
        (0, 105, 120),
    ),
    DemoSpeaker(
        "Wang Hao",
        "王浩",
        "Professor, Yanyuan Institute of Biomedical Engineering",
        "燕园生物医学工程研究院教授",
        "Professor Wang Hao works on wearable sensors and has spun out two companies from his laboratory.",
        "王浩教授从事可穿戴传感器研究，已从实验室孵化出两家企业。",
        (90, 90, 90),
    ),
    DemoSpeaker(
        "Emily Johnson",
        "艾米丽·约翰逊",
        "Programme Director, Global Entrepreneurship Competition",
        "全球创业大赛项目总监",
        "Emily Johnson runs the competition's rounds, from the online review to the final on stage.",
        "艾米丽·约翰逊负责大赛各轮赛事的组织工作，从网络评审到总决赛路演。",
        (60, 70, 160),
    ),
)


@dataclass(frozen=True)
class DemoSession:
    day: int  # 0 is the summit's first day
    start: time
    end: time
    room: str  # English room name
    kind: SessionKind
    title_en: str
    title_zh: str
    description_en: str
    description_zh: str
    speakers: tuple[str, ...]  # English speaker names, in the listed order
    needs_registration: bool = False


SESSIONS = (
    DemoSession(
        0,
        time(9, 0),
        time(10, 30),
        "Main Hall",
        SessionKind.KEYNOTE,
        "Opening keynote: Founders without borders",
        "开幕主旨演讲：无国界的创业者",
        "The summit opens with a look at how founders from 140 countries build companies with partners in Beijing.",
        "峰会以主旨演讲开幕，探讨来自140个国家的创业者如何与北京的伙伴共同创业。",
        ("Li Wei", "Anna Schmidt"),
    ),
    DemoSession(
        0,
        time(10, 45),
        time(12, 15),
        "Forum Hall A",
        SessionKind.FORUM,
        "AI forum: from foundation models to real businesses",
        "人工智能论坛：从基础模型到真实业务",
        "Where small models beat large ones, what customers pay for, and how investors read an AI pitch.",
        "小模型何时胜过大模型、客户真正愿意付费的是什么，以及投资人如何看待人工智能项目路演。",
        ("Anna Schmidt", "Sophie Martin"),
    ),
    DemoSession(
        0,
        time(10, 45),
        time(12, 15),
        "Forum Hall B",
        SessionKind.FORUM,
        "Health forum: digital health across borders",
        "医疗健康论坛：跨越国界的数字健康",
        "Clinical evidence, regulation in China and Southeast Asia, and reaching hospitals as a start-up.",
        "临床证据、中国与东南亚的监管环境，以及初创企业如何进入医院。",
        ("Rajesh Kumar", "Wang Hao"),
    ),
    DemoSession(
        0,
        time(14, 0),
        time(15, 30),
        "Forum Hall A",
        SessionKind.FORUM,
        "Advanced manufacturing forum: building hardware in China for the world",
        "高端制造论坛：在中国制造，服务全球",
        "Supply chains, pilot lines and the first thousand units, told by founders and their investors.",
        "供应链、中试线与首批千台量产：创业者与投资人的亲身经验。",
        ("Chen Jing", "Zhang Min"),
    ),
    DemoSession(
        1,
        time(9, 0),
        time(17, 30),
        "Main Hall",
        SessionKind.COMPETITION,
        "Global Entrepreneurship Competition: the final on stage",
        "全球创业大赛总决赛路演",
        "The finalists of every track pitch live to the jury: eight minutes each, then questions.",
        "各赛道决赛项目现场路演，每个项目陈述八分钟，随后评委提问。",
        ("Emily Johnson",),
    ),
    DemoSession(
        1,
        time(10, 0),
        time(11, 30),
        "Forum Hall A",
        SessionKind.FORUM,
        "Going global: overseas founders in China",
        "走向全球：海外创业者在中国",
        "Registering a company, hiring, and finding the first customers, from founders who have done it.",
        "注册公司、招聘团队与获取首批客户：来自过来人的经验分享。",
        ("Sophie Martin", "Li Wei"),
    ),
    DemoSession(
        1,
        time(19, 0),
        time(20, 30),
        "Main Hall",
        SessionKind.CEREMONY,
        "Award ceremony",
        "颁奖典礼",
        "The jury announces the winners of every track and the grand prize.",
        "评委会揭晓各赛道获奖项目及大奖。",
        ("Li Wei", "Emily Johnson"),
    ),
    DemoSession(
        2,
        time(9, 30),
        time(12, 0),
        "Investor Lounge",
        SessionKind.SIDE_EVENT,
        "Investor matchmaking",
        "投资对接会",
        "Twenty-minute meetings between finalists and investors, booked in advance. Places are limited: "
        "register separately.",
        "决赛项目与投资人一对一会谈，每场二十分钟，需提前预约。名额有限，请单独报名。",
        ("Zhang Min",),
        needs_registration=True,
    ),
    DemoSession(
        2,
        time(10, 0),
        time(11, 30),
        "Forum Hall A",
        SessionKind.FORUM,
        "Funding deep tech: what investors look for",
        "硬科技融资：投资人看重什么",
        "Milestones, valuations and syndicates for companies that need years in the lab.",
        "对于需要多年研发的企业：里程碑、估值与联合投资。",
        ("Sophie Martin", "Chen Jing"),
    ),
    DemoSession(
        2,
        time(14, 0),
        time(15, 0),
        "Main Hall",
        SessionKind.KEYNOTE,
        "Closing keynote: after the stage",
        "闭幕主旨演讲：路演之后",
        "What the last five years of finalists did next, and what the summit will do for this year's.",
        "过去五年的决赛项目后来怎样了，以及峰会将如何支持今年的项目。",
        ("Wang Hao", "Li Wei"),
    ),
)


def portrait(speaker: DemoSpeaker) -> bytes:
    """A square card with the speaker's initials: a stand-in photo, as a JPEG."""
    image = Image.new("RGB", (400, 400), speaker.colour)
    initials = "".join(part[0] for part in speaker.name.split()[:2])
    ImageDraw.Draw(image).text(
        (200, 200), initials, font=ImageFont.load_default(size=150), fill=(255, 255, 255), anchor="mm"
    )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


async def _store_portrait(speaker: DemoSpeaker, settings: Settings) -> str:
    key = f"{secrets.token_hex(16)}.jpg"
    target = photos.photo_path(settings, key)

    def write() -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(portrait(speaker))

    await anyio.to_thread.run_sync(write)
    return key


async def seed_demo_programme(summit: Summit, settings: Settings) -> bool:
    """Add whatever part of the demo programme the summit lacks (rooms, speakers, sessions, matched by their
    English names); never changes what exists. Returns True if it wrote anything."""
    wrote = False
    rooms: dict[str, Room] = {}
    for name_en, name_zh, position in ROOMS:
        room, created = await Room.get_or_create(
            summit_id=summit.id, name_en=name_en, defaults={"name_zh": name_zh, "position": position}
        )
        rooms[name_en], wrote = room, wrote or created
    speakers: dict[str, Speaker] = {}
    for person in SPEAKERS:
        speaker = await Speaker.get_or_none(summit_id=summit.id, name=person.name)
        if speaker is None:
            speaker = await Speaker.create(
                summit_id=summit.id,
                name=person.name,
                name_local=person.name_local,
                organisation_en=person.organisation_en,
                organisation_zh=person.organisation_zh,
                bio_en=person.bio_en,
                bio_zh=person.bio_zh,
                photo_key=await _store_portrait(person, settings),
            )
            wrote = True
        speakers[person.name] = speaker
    for item in SESSIONS:
        if await Session.exists(summit_id=summit.id, title_en=item.title_en):
            continue
        day = summit.starts_on + timedelta(days=item.day)
        session = await Session.create(
            summit_id=summit.id,
            kind=item.kind,
            title_en=item.title_en,
            title_zh=item.title_zh,
            description_en=item.description_en,
            description_zh=item.description_zh,
            starts_at=to_utc(datetime.combine(day, item.start), summit.timezone),
            ends_at=to_utc(datetime.combine(day, item.end), summit.timezone),
            room_id=rooms[item.room].id,
            published=True,
            needs_registration=item.needs_registration,
        )
        await SessionSpeaker.bulk_create(
            [
                SessionSpeaker(session_id=session.id, speaker_id=speakers[name].id, position=position)
                for position, name in enumerate(item.speakers)
            ]
        )
        wrote = True
    return wrote
