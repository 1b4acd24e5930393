"""`daiko console`: serve the review console with uvicorn.

uvicorn's access log is off: it would write every URL to the console, and although our URLs
carry only ids, request logs are where personal data leaks first when someone adds a query
parameter later. Requests that matter are in the audit trail instead.
"""

from __future__ import annotations

import uvicorn

from daiko.config import DaikoConfig
from daiko.console.app import create_app
from daiko.log import logger


def serve_console(cfg: DaikoConfig, host: str = "127.0.0.1", port: int = 8800) -> int:
    """Run until interrupted; returns the process exit code."""
    secure = cfg.console.secure_cookie_in_force()
    app = create_app(cfg, https_only=secure)
    logger.info("review console on http://{}:{}/ (data dir {})", host, port, cfg.data_dir)
    if secure:
        logger.info("確認コンソールのログイン Cookie は Secure（HTTPS でのみ送信）です: HTTPS の URL で開いてください")
    if host not in ("127.0.0.1", "localhost", "::1") and not secure:
        logger.warning(
            "the console listens on {}: put it behind TLS (a reverse proxy) on a shared network "
            "and set console.secure_cookie: true in robots.yaml",
            host,
        )
    config = uvicorn.Config(app, host=host, port=port, access_log=False, log_level="warning", server_header=False)
    server = uvicorn.Server(config)
    server.run()
    return 0
