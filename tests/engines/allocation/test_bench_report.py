"""The shared helper that writes one benchmark's section of docs/benchmarks.md."""

from bench._report import write_section


def test_write_section_creates_replaces_and_appends(tmp_path):
    path = tmp_path / "docs" / "benchmarks.md"
    write_section("allocation", "first", path=str(path))
    assert (
        path.read_text() == "# Benchmarks\n\n<!-- bench:allocation -->\nfirst\n<!-- /bench:allocation -->\n"
    )
    write_section("timetable", "other", path=str(path))
    write_section("allocation", "second $1 \\1", path=str(path))
    text = path.read_text()
    assert "first" not in text
    assert "second $1 \\1" in text
    assert text.index("bench:allocation") < text.index("bench:timetable")
    assert text.count("<!-- bench:allocation -->") == 1
