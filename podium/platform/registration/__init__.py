"""Registration: ticket types, vouchers, orders and holds, payments through Stripe, tickets, the waitlist."""
