"""robots.yaml as every long-lived command reads it: checked against the installed form definitions
and robot tasks (robots sit above forms, so this is the lowest layer that can know them)."""

from __future__ import annotations

import sys
from pathlib import Path

from daiko.config import DaikoConfig, TaskCatalog
from daiko.config.runtime import load_runtime_config as _load


def readable_forms() -> list[str]:
    """What a robot's ``form:`` may name: a form definition, or a survey (several pages)."""
    from daiko.forms.definition import form_names
    from daiko.forms.survey import survey_names

    return sorted({*form_names(), *survey_names()})


def add_import_path(folder: Path) -> None:
    """robots.yaml's folder on the import path: a city's own task and adapter modules kept beside
    it (``task: hanno_robots.meibo``, ``adapter: hanno_robots.jukyu``) are found with no install."""
    folder = str(Path(folder).resolve())
    if folder not in sys.path:
        sys.path.append(folder)  # after the installed packages: a local file never shadows daiko


def task_catalog() -> TaskCatalog:
    """Every installed task, and which task a robot naming only ``form:`` gets."""
    from daiko.robots.tasks import load_tasks, module_needs_target

    tasks = load_tasks()
    by_form: dict[str, str] = {}
    for form in [*readable_forms(), None]:
        for name, cls in sorted(tasks.items()):
            if cls.handles_form(form):
                by_form.setdefault(form or "", name)
    return TaskCatalog(
        needs_target={n: c.needs_target for n, c in tasks.items()}, by_form=by_form, load_module=module_needs_target
    )


def form_fields() -> dict[str, set[str]]:
    """Each form definition's field names: what a robot's ``review:`` may name."""
    from daiko.forms.definition import form_names, load_definition
    from daiko.forms.errors import FormDefinitionError

    out = {}
    for name in form_names():
        try:
            out[name] = {f.name for f in load_definition(name).fields}
        except FormDefinitionError:  # a broken definition is reported where it is used, not here
            continue
    return out


def load_runtime_config(path: Path, *, setup_logs: bool = True) -> DaikoConfig:
    add_import_path(Path(path).parent)
    return _load(
        path, known_forms=readable_forms(), tasks=task_catalog(), setup_logs=setup_logs, form_fields=form_fields()
    )
