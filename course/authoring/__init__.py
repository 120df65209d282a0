"""Authoring: the content store (revisions and releases) behind the browser editor and the
`content import` / `content export` commands. See course/authoring/models.py."""
