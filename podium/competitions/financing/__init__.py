"""Financing after the award: money arithmetic, forms, organizer pages, the follow-up survey and the API."""
