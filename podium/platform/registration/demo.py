"""The demo summit's tickets: free and paid types (one hidden), vouchers, sold tickets and a waitlist.

seed_demo_tickets(summit) is called by `podium demo`; it writes only when the summit has no ticket types yet.
The seeded orders are written directly (no e-mails, no Stripe); new ones go through the real flow, paid
ones through the development fake's test payment page when no Stripe key is set."""

from __future__ import annotations

import random
import secrets
import uuid
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from podium.platform.auth import digest
from podium.platform.i18n import utcnow
from podium.platform.registration.models import (
    Order,
    OrderStatus,
    SeatState,
    Ticket,
    TicketStatus,
    TicketType,
    Voucher,
    VoucherKind,
    WaitlistEntry,
)
from podium.platform.summits.models import Summit

TYPES: tuple[dict[str, Any], ...] = (
    {
        "name_en": "Expo pass",
        "name_zh": "展览通票",
        "description_en": "The exhibition halls and the start-up competition's public sessions, all three days.",
        "description_zh": "三天展区参观及创业大赛公开场次。",
        "price": 0,
        "currency": "CNY",
        "capacity": 2000,
        "max_per_order": 4,
    },
    {
        "name_en": "Summit pass",
        "name_zh": "峰会通票",
        "description_en": "Every keynote and forum, the finals on stage, lunch on both main days.",
        "description_zh": "全部主旨演讲与论坛、决赛现场，以及两天主会期午餐。",
        "price": 128000,
        "currency": "CNY",
        "capacity": 800,
        "max_per_order": 10,
    },
    {
        "name_en": "International delegate",
        "name_zh": "国际代表通票",
        "description_en": "The summit pass with simultaneous interpretation and the delegates' lounge.",
        "description_zh": "峰会通票，另含同声传译与代表休息室。",
        "price": 49900,
        "currency": "USD",
        "capacity": 150,
        "max_per_order": 5,
    },
    {
        "name_en": "Investor pass",
        "name_zh": "投资人通票",
        "description_en": "For invited investors: the summit pass and the private pitch sessions.",
        "description_zh": "受邀投资人专享：峰会通票及闭门路演。",
        "price": 198000,
        "currency": "CNY",
        "capacity": 100,
        "max_per_order": 2,
        "hidden": True,
    },
    {
        "name_en": "Gala dinner",
        "name_zh": "颁奖晚宴",
        "description_en": "The awards dinner on the last evening.",
        "description_zh": "最后一晚的颁奖晚宴。",
        "price": 68000,
        "currency": "CNY",
        "capacity": 6,
        "max_per_order": 2,
    },
)

ATTENDEES = (
    ("Li Na", "li.na", "Zhongguancun Angel Fund", "CN", "zh_Hans"),
    ("Emma Schmidt", "emma.schmidt", "Berlin Health Labs", "DE", "en"),
    ("Chen Hao", "chen.hao", "Tsinghua Robotics", "CN", "zh_Hans"),
    ("Kenji Watanabe", "kenji.watanabe", "Osaka Materials", "JP", "en"),
    ("Sofia Rossi", "sofia.rossi", "Milano Fintech", "IT", "en"),
    ("Wang Fang", "wang.fang", "Shenzhen Hardware Capital", "CN", "zh_Hans"),
    ("Aisha Bello", "aisha.bello", "Lagos AgriTech", "NG", "en"),
    ("Zhao Lei", "zhao.lei", "Peking University Science Park", "CN", "zh_Hans"),
)


async def seed_demo_tickets(summit: Summit) -> bool:
    """Create the demo's tickets for this summit unless it already sells some. Returns True if it wrote."""
    if await TicketType.exists(summit_id=summit.id):
        return False
    rng = random.Random(2027)
    zone = ZoneInfo(summit.timezone)
    now = utcnow()
    sales_end = datetime.combine(summit.starts_on, time(0), tzinfo=zone) - timedelta(minutes=1)
    types: dict[str, TicketType] = {}
    for position, data in enumerate(TYPES):
        types[str(data["name_en"])] = await TicketType.create(
            summit_id=summit.id, position=position, sales_end=sales_end, **data
        )
    summit_pass = types["Summit pass"]
    partner = await Voucher.create(
        summit_id=summit.id,
        code="PARTNER-2027",
        ticket_type=summit_pass,
        kind=VoucherKind.PERCENT,
        value=20,
        max_uses=50,
        reserved=20,
        note="Partners' delegations: 20% off, 20 seats set aside",
    )
    await Voucher.create(
        summit_id=summit.id,
        code="INVESTOR-2027",
        ticket_type=types["Investor pass"],
        kind=VoucherKind.FREE,
        max_uses=30,
        note="Invited investors: free, unlocks the hidden investor pass",
    )
    await Voucher.create(
        summit_id=summit.id, code="EARLYBIRD", kind=VoucherKind.FIXED, ticket_type=summit_pass, value=30000
    )
    counts = {name: 0 for name in types}
    plan = [("Expo pass", 60, None), ("Summit pass", 25, None), ("Summit pass", 4, partner)]
    plan += [("International delegate", 9, None), ("Gala dinner", 3, None)]
    serial = 0
    for type_name, orders, voucher in plan:
        ticket_type = types[type_name]
        for _n in range(orders):
            quantity = min(ticket_type.max_per_order, rng.choice((1, 1, 1, 2, 2, 3)))
            if type_name == "Gala dinner":
                quantity = 2
            people = [ATTENDEES[(serial + k) % len(ATTENDEES)] for k in range(quantity)]
            serial += quantity
            unit = ticket_type.price * 80 // 100 if voucher is not None else ticket_type.price
            paid_at = now - timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 1440))
            order = await Order.create(
                summit_id=summit.id,
                ticket_type_id=ticket_type.id,
                voucher_id=voucher.id if voucher else None,
                email=f"{people[0][1]}.{serial}@demo.podium.example",
                name=people[0][0],
                locale=people[0][4],
                quantity=quantity,
                pool_quantity=quantity if voucher is not None else 0,
                unit_price=unit,
                discount=(ticket_type.price - unit) * quantity,
                total=unit * quantity,
                currency=ticket_type.currency,
                status=OrderStatus.PAID,
                seat_state=SeatState.SOLD,
                secret_hash=digest(secrets.token_urlsafe(24)),
                checkout_key=f"podium-order-{uuid.uuid4().hex}",
                stripe_payment_intent=f"pi_demo_{uuid.uuid4().hex[:16]}" if unit else None,
                paid_at=paid_at,
            )
            await Ticket.bulk_create(
                [
                    Ticket(
                        order_id=order.id,
                        summit_id=summit.id,
                        ticket_type_id=ticket_type.id,
                        position=index,
                        code=secrets.token_urlsafe(18),
                        name=name,
                        email=f"{handle}.{serial}.{index}@demo.podium.example",
                        organisation=organisation,
                        country=country,
                        locale=locale,
                        status=TicketStatus.ISSUED,
                        issued_at=paid_at,
                    )
                    for index, (name, handle, organisation, country, locale) in enumerate(people, start=1)
                ]
            )
            counts[type_name] += quantity
    drawn = sum(o.quantity for o in await Order.filter(voucher_id=partner.id))
    await Voucher.filter(id=partner.id).update(uses=drawn, reserved_taken=drawn)
    for name, ticket_type in types.items():
        reserved = (partner.reserved - drawn) if ticket_type.id == summit_pass.id else 0
        await TicketType.filter(id=ticket_type.id).update(sold=counts[name], reserved=reserved)
    for index, (name, handle, _org, _country, locale) in enumerate(ATTENDEES[:4]):
        await WaitlistEntry.create(
            summit_id=summit.id,
            ticket_type_id=types["Gala dinner"].id,
            email=f"{handle}.waitlist@demo.podium.example",
            name=name,
            locale=locale,
            joined_at=now - timedelta(hours=30 - index * 5),
        )
    return True
