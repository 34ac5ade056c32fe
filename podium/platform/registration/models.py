"""Registration: ticket types, vouchers, orders, tickets, the waitlist, visa letter requests and Stripe events.

Seats are counted on the ticket type (sold, held, reserved) and only ever moved by conditional UPDATEs tied to
a conditional change of the order's seat_state, so a seat is counted once whatever runs twice or concurrently.
A CHECK constraint (sold + held + reserved <= capacity) backs this up in the database."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint
from tortoise.models import Model

# No semicolons in model docstrings: they become table comments, and a semicolon breaks SQLite migrations.


class VoucherKind(StrEnum):
    PERCENT = "percent"
    FIXED = "fixed"
    FREE = "free"


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class SeatState(StrEnum):
    """Where the order's seats are counted on its ticket type: held, sold, or given back."""

    HELD = "held"
    SOLD = "sold"
    RELEASED = "released"


class RefundState(StrEnum):
    NONE = "none"
    REQUESTED = "requested"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class TicketStatus(StrEnum):
    PENDING = "pending"
    ISSUED = "issued"
    VOID = "void"


class VisaStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


class WaitlistStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    CLAIMED = "claimed"
    EXPIRED = "expired"


class TicketType(Model):
    """A kind of ticket to one summit: its bilingual name, price, seats and sales window.

    reserved counts the seats vouchers set aside and nobody has drawn yet: general sales see
    capacity - sold - held - reserved."""

    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    name_en = fields.CharField(max_length=200, default="")
    name_zh = fields.CharField(max_length=200, default="")
    description_en = fields.TextField(default="")
    description_zh = fields.TextField(default="")
    price = fields.IntField(default=0)  # minor units (fen, cents)
    currency = fields.CharField(max_length=3)
    capacity = fields.IntField()
    sold = fields.IntField(default=0)
    held = fields.IntField(default=0)
    reserved = fields.IntField(default=0)
    max_per_order = fields.IntField(default=10)
    sales_start = fields.DatetimeField(null=True)
    sales_end = fields.DatetimeField(null=True)
    hidden = fields.BooleanField(default=False)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "registration_ticket_type"
        ordering = ("position", "id")
        constraints = (
            CheckConstraint(
                check="sold >= 0 AND held >= 0 AND reserved >= 0 AND sold + held + reserved <= capacity",
                name="registration_ticket_type_seats",
            ),
        )

    @property
    def remaining(self) -> int:
        """Seats anyone may still buy (a voucher's reserved seats are not among them)."""
        return max(0, self.capacity - self.sold - self.held - self.reserved)

    @property
    def is_free(self) -> bool:
        return self.price == 0


class Voucher(Model):
    """A code that discounts tickets, unlocks a hidden type, and may set seats aside for its holders.

    uses counts the seats bought or held with it. reserved_taken counts the set-aside seats drawn."""

    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    ticket_type: fields.ForeignKeyNullableRelation[TicketType] = fields.ForeignKeyField(
        "registration.TicketType", related_name="vouchers", null=True, on_delete=fields.CASCADE
    )
    ticket_type_id: int | None
    code = fields.CharField(max_length=40)
    kind = fields.CharEnumField(VoucherKind, max_length=16, default=VoucherKind.PERCENT)
    value = fields.IntField(default=0)  # percent off, or minor units off each ticket
    max_uses = fields.IntField(null=True)
    uses = fields.IntField(default=0)
    reserved = fields.IntField(default=0)
    reserved_taken = fields.IntField(default=0)
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    active = fields.BooleanField(default=True)
    note = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "registration_voucher"
        unique_together = (("summit_id", "code"),)
        ordering = ("code",)
        constraints = (
            CheckConstraint(
                check="uses >= 0 AND (max_uses IS NULL OR uses <= max_uses) "
                "AND reserved_taken >= 0 AND reserved_taken <= reserved",
                name="registration_voucher_counts",
            ),
        )


class Order(Model):
    """One purchase of tickets of one type. The secret that opens it is kept only as its SHA-256."""

    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    ticket_type: fields.ForeignKeyRelation[TicketType] = fields.ForeignKeyField(
        "registration.TicketType", related_name="orders", on_delete=fields.RESTRICT
    )
    ticket_type_id: int
    voucher: fields.ForeignKeyNullableRelation[Voucher] = fields.ForeignKeyField(
        "registration.Voucher", related_name="orders", null=True, on_delete=fields.RESTRICT
    )
    voucher_id: int | None
    user: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    user_id: int | None
    email = fields.CharField(max_length=254)
    name = fields.CharField(max_length=200, default="")
    locale = fields.CharField(max_length=16, default="en")
    quantity = fields.IntField()
    pool_quantity = fields.IntField(default=0)  # seats drawn from the voucher's reserved pool
    unit_price = fields.IntField()  # after the voucher's discount, minor units
    discount = fields.IntField(default=0)  # the whole order's discount, minor units
    total = fields.IntField()
    currency = fields.CharField(max_length=3)
    status = fields.CharEnumField(OrderStatus, max_length=16, default=OrderStatus.PENDING)
    seat_state = fields.CharEnumField(SeatState, max_length=16, default=SeatState.HELD)
    secret_hash = fields.CharField(max_length=64, unique=True)
    hold_expires_at = fields.DatetimeField(null=True)
    checkout_key = fields.CharField(max_length=64)  # the Stripe idempotency key of its Checkout Session
    stripe_session_id = fields.CharField(max_length=255, null=True, unique=True)
    checkout_url = fields.TextField(default="")
    stripe_payment_intent = fields.CharField(max_length=255, null=True, db_index=True)
    paid_at = fields.DatetimeField(null=True)
    expired_at = fields.DatetimeField(null=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancelled_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    cancelled_by_id: int | None
    refund_state = fields.CharEnumField(RefundState, max_length=16, default=RefundState.NONE)
    refund_id = fields.CharField(max_length=255, default="")
    refunded_amount = fields.IntField(default=0)
    refunded_at = fields.DatetimeField(null=True)
    refund_error = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    tickets: fields.ReverseRelation[Ticket]

    class Meta:
        table = "registration_order"
        ordering = ("-created_at", "-id")
        indexes = (("status", "hold_expires_at"), ("summit_id", "created_at"), ("summit_id", "email"))


class Ticket(Model):
    """One attendee's seat. Entered with the order, issued when it is paid, void when it is given back.

    code is the secret the QR code carries. The door's check-in records when and by whom."""

    id = fields.IntField(primary_key=True)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "registration.Order", related_name="tickets", on_delete=fields.CASCADE
    )
    order_id: int
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    ticket_type: fields.ForeignKeyRelation[TicketType] = fields.ForeignKeyField(
        "registration.TicketType", related_name="tickets", on_delete=fields.RESTRICT
    )
    ticket_type_id: int
    position = fields.IntField(default=1)
    code = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254)
    organisation = fields.CharField(max_length=200, default="")
    country = fields.CharField(max_length=2, default="")
    locale = fields.CharField(max_length=16, default="en")
    status = fields.CharEnumField(TicketStatus, max_length=16, default=TicketStatus.PENDING)
    issued_at = fields.DatetimeField(null=True)
    name_changed_at = fields.DatetimeField(null=True)
    checked_in_at = fields.DatetimeField(null=True)
    checked_in_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    checked_in_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "registration_ticket"
        ordering = ("order_id", "position")
        indexes = (("summit_id", "status"), ("summit_id", "email"), ("summit_id", "name"))


class WaitlistEntry(Model):
    """Someone waiting for a sold-out ticket type. An offer holds one seat for them until it expires."""

    id = fields.IntField(primary_key=True)
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    ticket_type: fields.ForeignKeyRelation[TicketType] = fields.ForeignKeyField(
        "registration.TicketType", related_name="waitlist", on_delete=fields.CASCADE
    )
    ticket_type_id: int
    email = fields.CharField(max_length=254)
    name = fields.CharField(max_length=200, default="")
    locale = fields.CharField(max_length=16, default="en")
    status = fields.CharEnumField(WaitlistStatus, max_length=16, default=WaitlistStatus.WAITING)
    joined_at = fields.DatetimeField()
    offered_at = fields.DatetimeField(null=True)
    offer_expires_at = fields.DatetimeField(null=True)
    offers = fields.IntField(default=0)  # how many offers this entry has had (each its own mail)
    claim_hash = fields.CharField(max_length=64, null=True, unique=True)
    seat_held = fields.BooleanField(default=False)
    order: fields.ForeignKeyNullableRelation[Order] = fields.ForeignKeyField(
        "registration.Order", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    order_id: int | None

    class Meta:
        table = "registration_waitlist_entry"
        ordering = ("joined_at", "id")
        indexes = (("ticket_type_id", "status", "joined_at"), ("status", "offer_expires_at"))
        # One waiting or offered entry per address and type: a partial unique index made by migration 0002
        # (Tortoise cannot declare a partial index that SQLite also gets).


class VisaRequest(Model):
    """An attendee's request for a visa invitation letter, one per ticket, and the organizer's decision.

    The passport number is kept only as a Fernet token (registration.passports) and emptied when it is erased,
    VISA_ERASE_DAYS after the summit. The letter is made on demand while the number exists."""

    id = fields.IntField(primary_key=True)
    ticket: fields.OneToOneRelation[Ticket] = fields.OneToOneField(
        "registration.Ticket", related_name="visa_request", on_delete=fields.CASCADE
    )
    ticket_id: int
    summit: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "platform.Summit", related_name=False, on_delete=fields.CASCADE
    )
    summit_id: int
    passport_name = fields.CharField(max_length=200)
    nationality = fields.CharField(max_length=2)
    passport_number_sealed = fields.TextField(default="")  # a Fernet token, "" once erased
    date_of_birth = fields.DateField()
    passport_expires_on = fields.DateField()
    purpose = fields.TextField(default="")
    arrives_on = fields.DateField(null=True)
    departs_on = fields.DateField(null=True)
    status = fields.CharEnumField(VisaStatus, max_length=16, default=VisaStatus.REQUESTED)
    note = fields.TextField(default="")  # the organizer's note with the decision, shown to the attendee
    signatory = fields.CharField(max_length=200, default="")  # who approved, as printed on the letter
    requested_at = fields.DatetimeField()
    requested_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    requested_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "platform.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    erased_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "registration_visa_request"
        ordering = ("-requested_at", "-id")
        indexes = (("summit_id", "status"), ("summit_id", "erased_at"))
        constraints = (
            CheckConstraint(
                check="erased_at IS NULL OR passport_number_sealed = ''",
                name="registration_visa_request_erased",
            ),
        )


class StripeEvent(Model):
    """A Stripe webhook event, stored once by its id (the raw body as received) and handled by a job."""

    id = fields.CharField(max_length=255, primary_key=True)
    type = fields.CharField(max_length=100)
    payload = fields.TextField()
    livemode = fields.BooleanField(default=False)
    received_at = fields.DatetimeField(auto_now_add=True)
    processed_at = fields.DatetimeField(null=True)
    outcome = fields.CharField(max_length=200, default="")

    class Meta:
        table = "registration_stripe_event"
        ordering = ("received_at",)
