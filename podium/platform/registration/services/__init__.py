"""Registration services: inventory (seat counters), catalog, orders, payments, tickets, waitlist."""
