"""模擬 軽自動車税システム ("keitax"): the system under automation for the 廃車 robot.

A FastAPI + Jinja2 web application in the style of a 2000s municipal core system, with its own
SQLite database, a reproducible fake register, an audit table, and switchable faults.

- ``python -m daiko.mocks.keitax --db PATH [--port N] [--seed 42] [--records 3000] [--fault ...]``
- :func:`serve` runs it in-process (blocking); :func:`start_keitax` runs it as a subprocess.
- :func:`audit_rows` reads what was really keyed — the truth tests check the robot against.

It imports nothing from daiko outside ``daiko.mocks``: it stands for another vendor's product.
"""

from daiko.mocks.keitax.faults import FaultConfig
from daiko.mocks.keitax.process import RunningKeitax, free_port, prepare_keitax, start_keitax, start_keitax_fleet
from daiko.mocks.keitax.server import main, serve
from daiko.mocks.keitax.truth import (
    Vehicle,
    audit,
    audit_rows,
    demo_password,
    find_vehicle,
    processed_rows,
    reissued_plates,
    sample_vehicles,
)

__all__ = [
    "FaultConfig",
    "RunningKeitax",
    "Vehicle",
    "audit",
    "audit_rows",
    "demo_password",
    "find_vehicle",
    "free_port",
    "main",
    "prepare_keitax",
    "processed_rows",
    "reissued_plates",
    "sample_vehicles",
    "serve",
    "start_keitax",
    "start_keitax_fleet",
]
