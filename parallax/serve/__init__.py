"""The review workspace: `parallax serve DB` (see `parallax.serve.app`)."""

from parallax.serve.app import ServeConfig, create_app, is_loopback

__all__ = ["ServeConfig", "create_app", "is_loopback"]
