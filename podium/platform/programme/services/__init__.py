"""Programme services: rooms, speakers, sessions, bookmarks and calendar feeds."""
