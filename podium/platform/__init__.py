"""The app shell: users, auth, sessions, summits, jobs, mail, i18n. Imports no domain package."""
