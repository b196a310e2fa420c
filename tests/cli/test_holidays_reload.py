"""`holidays load` of the same file again changes nothing (not even the load time the calendar cache keys on);
a changed file for the same year still replaces it."""

from __future__ import annotations

from sqlalchemy import select

from models import Holiday, HolidayYear, db

FIRST = "year,2027\n2027-01-01,holiday,元旦\n2027-02-14,workday,春节调休\n"
CHANGED = "year,2027\n2027-01-01,holiday,元旦\n2027-02-15,workday,春节调休\n"


def table(app):
    with app.app_context():
        return (
            sorted(tuple(r) for r in db.session.execute(select(Holiday.day, Holiday.is_working_day, Holiday.name))),
            [tuple(r) for r in db.session.execute(select(HolidayYear.year, HolidayYear.loaded_at))],
        )


def test_the_same_file_twice_keeps_the_table_and_its_load_time(app, runner, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(FIRST, encoding="utf-8")
    assert runner.invoke(args=["holidays", "load", str(path)]).exit_code == 0
    loaded = table(app)
    again = runner.invoke(args=["holidays", "load", str(path)])
    assert again.exit_code == 0
    assert again.output.startswith("节假日表已有此文件的全部内容") and "nothing changed" in again.output
    assert table(app) == loaded

    path.write_text(CHANGED, encoding="utf-8")
    changed = runner.invoke(args=["holidays", "load", str(path)])
    assert changed.exit_code == 0 and "nothing changed" not in changed.output
    days, years = table(app)
    assert [d.isoformat() for d, _w, _n in days] == ["2027-01-01", "2027-02-15"]
    assert years[0][1] != loaded[1][0][1]  # a new load time: other processes drop their cached table


def test_a_file_naming_a_year_not_yet_loaded_is_loaded(app, runner, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(FIRST, encoding="utf-8")
    result = runner.invoke(args=["holidays", "load", str(path)])
    assert (
        result.exit_code == 0 and "nothing changed" not in result.output and "loaded 2 days for 2027" in result.output
    )
