"""The robots' procedures; one module per kind of work, found by name.

Every module of this package is imported once (:func:`load_tasks`); each concrete
:class:`Task` subclass registers itself under its ``name``. robots.yaml picks a robot's task
with ``task: NAME``; a robot that gives only ``form:`` gets the task that reads that form.

A city's own task needs no edit here either: ``task: hanno_robots.meibo`` (a dotted module path,
importable — robots.yaml's folder is on the import path) names the module whose one concrete
:class:`Task` subclass does the work (:func:`task_from_module`).
"""

from __future__ import annotations

import functools
import importlib
import pkgutil

from daiko.config import RobotConfig
from daiko.robots.tasks.base import Completion, ItemDraft, Task


@functools.cache
def load_tasks() -> dict[str, type[Task]]:
    """Import every module of this package (each registers its tasks); name → task class."""
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    return Task.registry


def task_from_module(path: str) -> type[Task]:
    """The one concrete Task subclass defined in the module ``path`` (ImportError / LookupError)."""
    module = importlib.import_module(path)
    found = [
        cls for cls in set(Task.registry.values())
        if cls.__module__ == module.__name__ and not getattr(cls, "__abstractmethods__", None)
    ]  # fmt: skip
    if len(found) != 1:
        raise LookupError(f"module {path} defines {'no' if not found else 'more than one'} robot task (Task subclass)")
    return found[0]


def module_needs_target(path: str) -> bool | None:
    """For robots.yaml checks: whether the task in module ``path`` keys into a system (None: no such task)."""
    try:
        return task_from_module(path).needs_target
    except (ImportError, LookupError):
        return None


def known_tasks() -> dict[str, bool]:
    """Task name → whether it keys into a target system (what `daiko validate` checks robots against)."""
    return {name: cls.needs_target for name, cls in sorted(load_tasks().items())}


def task_class(robot: RobotConfig) -> type[Task]:
    """The task class robots.yaml chose for this robot: ``task:``, else the one reading its ``form:``."""
    tasks = load_tasks()
    if robot.task and robot.task not in tasks and "." in robot.task:
        return task_from_module(robot.task)
    if robot.task:
        if robot.task not in tasks:
            raise LookupError(f"no robot task '{robot.task}' (known: {', '.join(sorted(tasks))})")
        return tasks[robot.task]
    for cls in tasks.values():
        if cls.handles_form(robot.form):
            return cls
    raise LookupError(
        f"no robot task reads form '{robot.form}'; set 'task:' for robot '{robot.id}' (known: {', '.join(sorted(tasks))})"
    )


def task_for(robot: RobotConfig) -> Task:
    """The task instance that reads this robot's files and finishes (or keys) its items."""
    return task_class(robot).for_robot(robot)


__all__ = [
    "Completion", "ItemDraft", "Task", "known_tasks", "load_tasks", "module_needs_target", "task_class", "task_for",
    "task_from_module",
]  # fmt: skip
