"""The curator's console: a separate, password-protected process for museum staff (`python app.py --curator`).

One idea a module: `i18n` (the console's words in en/ru/kk), `validation` (what an upload and its
metadata must be), `store` (corpus/ and corpus/sources.toml changed atomically under a lock), `rebuild`
(one background index rebuild at a time, with progress), `needs` (what visitors needed: refused questions
and disliked answers grouped by e5 similarity, CSV), `audit` (who did what, when), `auth` (password,
sessions, rate-limited logins), `page` (the HTML) and `server` (the routes and the process).
"""
