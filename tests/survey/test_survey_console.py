"""A survey booklet in the review console, through HTTP, with no survey special case in the console.

Respondent 4 circled four choices in 問6 「3つまで」 (this survey sends that to a person) on the
booklet's 2枚目. The item is the whole booklet: its page image is both pages stacked, the 問6 crop
comes from the 2枚目, the field is checked with the 2枚目's own form definition; once accepted,
the next run counts the corrected answer in the tally.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from daiko.console.app import create_app
from daiko.console.users import add_user
from daiko.forms.survey import load_survey
from daiko.forms.synth.export import save_pages
from daiko.forms.synth.survey import make_respondent, respondent_pages
from daiko.ledger import ItemState, Ledger, WorkItem
from daiko.robots.runner import run_robot
from daiko.robots.survey.store import load_responses

from .conftest import person_types, survey_config

pytestmark = pytest.mark.slow
PASSWORD = "correct-horse-42"


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_booklet_under_review_shows_its_crops_and_the_correction_reaches_the_tally(tmp_path: Path):
    survey = load_survey("shimin_ict")
    cfg = survey_config(tmp_path)
    ledger = Ledger(cfg.ledger_url)
    person = make_respondent(survey, 4)
    assert person.broken.get("q6") == "over_limit"
    inbox = cfg.data_dir / "inbox" / "anketo"
    inbox.mkdir(parents=True)
    save_pages([p.image for p in respondent_pages(survey, person)], inbox / "booklet_0004.pdf")
    run_robot(cfg, "anketo", settle_seconds=0)
    with ledger.session() as s:
        item = s.scalars(select(WorkItem)).one()
    assert item.state == ItemState.REVIEW and "q6" in item.review_fields
    with Image.open(item.page_image) as page:
        page_w, page_h = page.size
    assert page_h > 2 * page_w  # both pages, stacked
    assert item.fields["q6"]["box"][1] > page_h / 2  # 問6 sits on the 2枚目

    add_user(
        ledger,
        name="kikaku",
        role="staff",
        section="情報政策課",
        display_name="企画 花子",
        password=PASSWORD,
        actor="t",
    )
    with TestClient(create_app(cfg, ledger)) as web:
        login = web.get("/login")
        web.post("/login", data={"name": "kikaku", "password": PASSWORD, "csrf_token": _csrf(login.text), "next": ""})
        screen = web.get(f"/items/{item.id}")
        assert screen.status_code == 200
        assert f"/items/{item.id}/fields/q6/crop.png" in screen.text
        assert "「3つまで」の設問に4つ印があります" in screen.text
        # the 2枚目's own options, from its form definition, as check boxes with their labels
        assert re.search(r'name="f_q6" value="1"[^>]*>\s*(1 )?広報はんのう', screen.text), screen.text
        crop = web.get(f"/items/{item.id}/fields/q6/crop.png")
        assert crop.status_code == 200 and crop.headers["content-type"] == "image/png"
        assert Image.open(BytesIO(crop.content)).width > 300
        # Four keys do not pass the field's own check (3つまで); the answer as meant does.
        csrf = _csrf(screen.text)
        refused = web.post(f"/items/{item.id}/accept", data={"csrf_token": csrf, "f_q6": "1,2,3,4"})
        assert "3つまで" in refused.text
        meant = person_types(survey, person, "q6")
        form = {"csrf_token": csrf, **{f"f_{n}": person_types(survey, person, n) for n in item.review_fields}}
        done = web.post(f"/items/{item.id}/accept", data=form, follow_redirects=False)
        assert done.status_code in (200, 303)
    run_robot(cfg, "anketo", settle_seconds=0)
    (response,) = load_responses(ledger, "shimin_ict")
    assert response.answers["q6"] == meant.split(",") and response.pages == {1, 2}
    book = cfg.reports_dir / "surveys" / "shimin_ict" / "shimin_ict_集計.xlsx"
    assert book.exists()
