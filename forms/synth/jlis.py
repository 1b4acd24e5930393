"""Synthetic J-LIS 廃車情報 CSV files for tests, the benchmark and the demo (layout: forms/jlis.py).

The generator takes the plates as an argument: the robot keys into a (mock) 軽自動車税システム
whose register holds particular vehicles, and 廃車情報 for vehicles that are not registered
would only exercise the error path. ``bad_rows`` adds deliberately faulty lines for that path.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from pathlib import Path

from daiko.forms.jlis import ENCODING, HEADER, KINDS, MUNICIPALITY_CODE, REASON_CODES, read_jlis_csv
from daiko.forms.synth import fakes

__all__ = ["generate_jlis_csv", "read_jlis_csv"]


def _owner_of(vehicle: object) -> tuple[str | None, str | None, str | None]:
    """(氏名, 住所, 車名) of a register entry (anything with owner_name/owner_address/maker)."""
    return tuple(getattr(vehicle, key, None) for key in ("owner_name", "owner_address", "maker"))  # type: ignore[return-value]


def generate_jlis_csv(
    path: str | Path,
    vehicles: list[object],
    *,
    seed: int = 0,
    processed_on: dt.date | None = None,
    first_serial: int = 1,
    reference_prefix: str = "J",
    bad_rows: int = 0,
) -> Path:
    """Write a 廃車情報 CSV with one line per vehicle: a plate, (plate, chassis_no), or a register
    entry (anything with ``plate``, ``chassis_no``, ``owner_name``, ``owner_address``, ``maker`` —
    e.g. the mock's ``Vehicle``), whose owner and maker then fill the line as J-LIS would report them.
    For a bare plate the owner and maker are made up (they will not match any register).

    ``processed_on`` is the 処理年月日 of every line (default: today); 廃車年月日 falls 0-20 days
    before it. References are ``{prefix}{yy}-{serial:06d}`` (yy = 令和 year), unique per file
    when ``first_serial`` differs between files. ``bad_rows`` appends lines with a malformed
    plate, a 廃車年月日 after the 処理年月日, or an unknown 事由コード.
    """
    rng = random.Random(f"jlis:{seed}")
    processed_on = processed_on or dt.date.today()
    reiwa = processed_on.year - 2018
    rows: list[list[str]] = []
    for i, vehicle in enumerate(vehicles):
        if isinstance(vehicle, str):
            plate, chassis, owner = vehicle, None, (None, None, None)
        elif isinstance(vehicle, tuple):
            (plate, chassis), owner = vehicle, (None, None, None)
        else:
            plate, chassis, owner = vehicle.plate, vehicle.chassis_no, _owner_of(vehicle)  # type: ignore[attr-defined]
        name, _ = fakes.person(rng)
        address, _ = fakes.address(rng)
        _, maker, _ = fakes.chassis(rng)
        name, address, maker = owner[0] or name, owner[1] or address, owner[2] or maker
        reason = rng.choices(list(REASON_CODES), weights=[55, 25, 4, 12, 4])[0]
        code, words = REASON_CODES[reason]
        deregistered = processed_on - dt.timedelta(days=rng.randint(0, 20))
        rows.append([
            str(i + 1), MUNICIPALITY_CODE, f"{reference_prefix}{reiwa:02d}-{first_serial + i:06d}",
            processed_on.strftime("%Y%m%d"), plate, chassis or "", maker,
            rng.choice(KINDS), deregistered.strftime("%Y%m%d"), code, words, name, address,
        ])  # fmt: skip
    for j in range(bad_rows):
        n = len(rows) + 1
        kind = j % 3
        plate = "所沢 480 12-34" if kind == 0 else fakes.plate(rng, "kei")
        deregistered = processed_on + dt.timedelta(days=3) if kind == 1 else processed_on
        code = "7" if kind == 2 else "1"
        rows.append([
            str(n), MUNICIPALITY_CODE, f"{reference_prefix}{reiwa:02d}-{first_serial + n - 1:06d}",
            processed_on.strftime("%Y%m%d"), plate, "", "スズキ", "軽四輪乗用", deregistered.strftime("%Y%m%d"),
            code, "解体" if code == "1" else "不明", "試験　データ", "埼玉県飯能市双柳1番地",
        ])  # fmt: skip
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(ENCODING))
    return path
