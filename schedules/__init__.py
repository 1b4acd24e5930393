"""Robots that run by themselves: schedules from robots.yaml, the business calendar, watched inboxes.

Entry points for the CLI are in :mod:`daiko.schedules.service` (``serve``, ``list_next_runs``).
Nothing else imports this package: it sits on top of robots, forms, ocr and the kernel.
"""
