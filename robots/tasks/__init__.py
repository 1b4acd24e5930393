"""The robots' procedures; one module per kind of work."""

from __future__ import annotations

from daiko.config import RobotConfig
from daiko.robots.tasks.base import ItemDraft, Task


def task_for(robot: RobotConfig) -> Task:
    """The task that reads this robot's form and keys into its target system."""
    from daiko.robots.tasks.haisha import HaishaTask

    tasks: list[Task] = [HaishaTask()]
    for task in tasks:
        if robot.form in task.forms or (robot.form is None and robot.accepts_csv):
            return task
    raise LookupError(f"no robot procedure reads form '{robot.form}' (known: {[t.forms for t in tasks]})")


__all__ = ["ItemDraft", "Task", "task_for"]
