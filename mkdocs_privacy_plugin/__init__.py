"""MkDocs plugin that adds a cookie-consent banner, a cookie policy and a privacy notice."""
