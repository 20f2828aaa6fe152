"""Hostile workbooks end in a plain, located sentence before the reader allocates (issue 12).

Every bomb is built by its test (tests/support/bombs.py) in well under a second; the
end-to-end tests run ``carenet validate`` under 4 GB of address space and a time bound.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carenet_graph.errors import InputError
from carenet_graph.read import read_network
from carenet_graph.read.limits import Limits
from carenet_graph.read.sheetscan import OdsScan, XlsxScan, XlsxSlowScan
from tests.support.bombs import (
    ACTORS_ROWS,
    excel_lock_file,
    far_cell_xlsx,
    many_sheets_xlsx,
    member,
    ods_actor_rows,
    ods_empty,
    ods_row,
    ods_table,
    ods_text,
    row_bomb_xlsx,
    sheet_xml,
    table_rows,
    write_raw_ods,
    write_raw_xlsx,
    write_zip,
    zip_bomb_xlsx,
)
from tests.support.bounded import assert_plain_refusal, run_bounded
from tests.support.hostile import Sheet, write_xlsx

STRAY_HINT = ("Delete the stray cells outside the table: Ctrl+End shows the last cell; select the empty rows below "
              "and the empty columns right of the table, delete them, and save.")


def refusal(path: Path, limits: Limits | None = None) -> InputError:
    with pytest.raises(InputError) as info:
        read_network([path], **({"limits": limits} if limits else {}))
    error = info.value
    assert error.file == str(path)
    for text in (error.message, error.hint or ""):
        assert "Hospiz Lemgo" not in text and "PKD Detmold" not in text  # no cell values
    return error


# -- xlsx used area -------------------------------------------------------------------------


@pytest.mark.parametrize("with_r", [True, False], ids=["r-attributes", "positions-counted"])
def test_a_stray_value_at_the_last_cell_is_refused_before_reading(tmp_path: Path, with_r: bool) -> None:
    error = refusal(far_cell_xlsx(tmp_path / "netz.xlsx", with_r=with_r))
    assert error.message == ("the sheet's used area reaches cell XFD1048576: 1048576 rows × 16384 columns, "
                             "more than the 20000000 cells a file may have")
    assert (error.sheet, error.hint) == ("Akteure", STRAY_HINT)


def test_a_sheet_wider_than_a_row_may_be_is_refused(tmp_path: Path) -> None:
    error = refusal(far_cell_xlsx(tmp_path / "wide.xlsx", "DA3"), Limits(row_cells=100))
    assert error.message == "the sheet's used area reaches cell DA3: 105 columns, more than the 100 a row may have"


def test_rows_of_values_beyond_the_cells_limit_are_refused(tmp_path: Path) -> None:
    error = refusal(far_cell_xlsx(tmp_path / "long.xlsx", "C50"), Limits(cells=100))
    assert error.message == ("the sheet's used area reaches cell C50: 50 rows × 3 columns, "
                             "more than the 100 cells a file may have")


@pytest.mark.parametrize("styled_only", [False, True], ids=["values", "formatting-only"])
def test_a_row_bomb_is_counted_before_the_reader_parses_it(tmp_path: Path, styled_only: bool) -> None:
    path = row_bomb_xlsx(tmp_path / "rows.xlsx", 200_000, 10, styled_only=styled_only)
    error = refusal(path, Limits(cells=1_000_000))
    assert error.message == ("the sheet holds 2000000 cells (counting empty formatted ones), more than the "
                             "1000000 cells a file may have")
    assert error.sheet == "Akteure"


def test_formatting_far_below_the_table_is_not_a_used_area(tmp_path: Path) -> None:
    # Style-only cells (<c s="1"/>) fill nothing in the reader; they must not make a refusal.
    stray = '<row r="1048576"><c r="XFD1048576" s="1"/></row>'
    xml = sheet_xml(table_rows(ACTORS_ROWS)).replace("</sheetData>", stray + "</sheetData>")
    data = read_network([write_raw_xlsx(tmp_path / "ok.xlsx", [("Akteure", xml)])])
    assert sorted(data.actors["name"]) == ["Hospiz Lemgo", "PKD Detmold"]


def test_a_normal_workbook_still_reads_with_its_error_cells(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "n.xlsx", [Sheet("Akteure", [["id", "name", "type"], ["1", "Hospiz Lemgo", "hospice"],
                                                              ["2", "PKD Detmold", None]], errors={(2, 2): "#N/A"})])
    data = read_network([path])
    assert sorted(data.actors["name"]) == ["Hospiz Lemgo", "PKD Detmold"]
    assert any(p.rule == "cell.excel_error" and p.row == 3 for p in data.report.problems)


def test_fast_and_exact_scans_agree_in_any_chunking() -> None:
    xml = sheet_xml([*table_rows(ACTORS_ROWS), (7, ['<c r="E7"><v>1</v></c>', '<c r="K7" s="2"/>'])]).encode()
    results = []
    for scanner in (XlsxScan(), XlsxSlowScan()):
        for i in range(0, len(xml), 7):  # tags cut anywhere
            scanner.feed(xml[i:i + 7])
        results.append(scanner.finish())
    assert [(e.rows, e.cols, e.corner, e.elements) for e in results] == [(7, 5, "E7", 11), (7, 5, "E7", 11)]


# -- ods repeats --------------------------------------------------------------------------------


def test_an_ods_repeat_bomb_is_refused(tmp_path: Path) -> None:
    bomb = ods_table("Akteure", [*ods_actor_rows(), ods_row([ods_text("x", 95)], 1_048_000)])
    error = refusal(write_raw_ods(tmp_path / "bomb.ods", [bomb]))
    assert error.message == ("the sheet's used area reaches cell CQ1048003: 1048003 rows × 95 columns, "
                             "more than the 20000000 cells a file may have")
    assert (error.sheet, error.hint) == ("Akteure", STRAY_HINT)


def test_ods_empty_cells_before_a_value_count_and_trailing_ones_do_not() -> None:
    scan = OdsScan()
    scan.feed(("<table:table table:name='T'>" + ods_row([ods_empty(1000), ods_text("x"), ods_empty(16000)])
               + ods_row([ods_empty(16384)], 1_048_000) + "</table:table>").encode())
    [(name, extent)] = scan.finish()
    assert (name, extent.rows, extent.cols, extent.corner) == ("T", 1, 1001, "ALM1")


def test_a_libreoffice_sheet_with_trailing_repeated_empties_reads(tmp_path: Path) -> None:
    # LibreOffice writes every row out to column AMJ/XFD and the sheet down to row 1048576.
    rows = [ods_row([ods_text(v) for v in row] + [ods_empty(16381)]) for row in ACTORS_ROWS]
    table = ods_table("Akteure", [*rows, ods_row([ods_empty(16384)], 1_048_573)])
    data = read_network([write_raw_ods(tmp_path / "lo.ods", [table])])
    assert sorted(data.actors["name"]) == ["Hospiz Lemgo", "PKD Detmold"]


# -- zip bombs, sheets, members -----------------------------------------------------------------


def test_a_zip_bomb_is_refused_by_its_declared_size(tmp_path: Path) -> None:
    error = refusal(zip_bomb_xlsx(tmp_path / "bomb.xlsx", 64 << 20), Limits(unpacked_bytes=16 << 20))
    assert error.message == "the workbook unpacks to more than 16 MB"
    assert error.hint is not None and error.hint.startswith("It is packed to a fraction of what it holds")


def test_a_zip_bomb_that_lies_about_its_size_is_caught_while_unpacking(tmp_path: Path) -> None:
    error = refusal(zip_bomb_xlsx(tmp_path / "liar.xlsx", 64 << 20, declared=1000))
    assert error.message == "the workbook is damaged: one of its parts does not unpack to what the file says"


def test_more_sheets_than_the_limit_are_refused_before_reading(tmp_path: Path) -> None:
    error = refusal(many_sheets_xlsx(tmp_path / "many.xlsx", 501))
    assert error.message == "the workbook has 501 sheets, more than the 500 a workbook may have"
    tables = [ods_table(f"T{i}", ods_actor_rows()) for i in range(3)]
    error = refusal(write_raw_ods(tmp_path / "many.ods", tables), Limits(sheets=2))
    assert error.message == "the workbook has 3 sheets, more than the 2 a workbook may have"


def test_a_zip_directory_of_too_many_parts_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "parts.xlsx", [member("xl/workbook.xml", "<workbook/>")], declared_entries=60_000)
    error = refusal(path)
    assert error.message == "the file is a zip archive of 60000 parts, more than any workbook has (10000)"


# -- files that only look like workbooks ----------------------------------------------------


def test_files_that_look_like_workbooks(tmp_path: Path) -> None:
    lock = refusal(excel_lock_file(tmp_path / "~$netz.xlsx"))
    assert lock.message == ("this is the lock file Excel keeps while the workbook is open (its name starts with ~$), "
                            "not the workbook")
    whole = write_xlsx(tmp_path / "whole.xlsx", [Sheet("Akteure", ACTORS_ROWS)]).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    assert refusal(cut).message == ("the workbook is incomplete: the file ends before its table of contents (it was "
                                    "cut off while copying, downloading or saving)")
    pdf = tmp_path / "netz.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n")
    assert refusal(pdf).message == "the file is a PDF document, not a workbook, although its name ends in .xlsx"


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    error = refusal(far_cell_xlsx(tmp_path / "big.xlsx", "C5"), Limits(file_bytes=1000))
    assert "1000 bytes" in error.message and "file" in error.message


# -- through the command line, under 4 GB --------------------------------------------------------


def test_bombs_end_in_plain_sentences_under_four_gigabytes(tmp_path: Path) -> None:
    cases = [
        (far_cell_xlsx(tmp_path / "far.xlsx"), "the sheet's used area reaches cell XFD1048576", "Ctrl+End"),
        (write_raw_ods(tmp_path / "rep.ods", [ods_table("Akteure", [*ods_actor_rows(),
                                                                    ods_row([ods_text("x", 16384)], 1_048_576)])]),
         "the sheet's used area reaches cell XFD1048579", "Ctrl+End"),
        (zip_bomb_xlsx(tmp_path / "zip.xlsx", 3_000_000_000), "the workbook unpacks to more than 2 GB", "zip bomb"),
        (many_sheets_xlsx(tmp_path / "sheets.xlsx", 5000), "the workbook has 5000 sheets", "new workbook"),
    ]
    for path, *fragments in cases:
        assert_plain_refusal(run_bounded("validate", path, timeout=90), str(path), *fragments)


@pytest.mark.slow
def test_a_sixty_million_cell_row_bomb_is_refused_under_four_gigabytes(tmp_path: Path) -> None:
    path = row_bomb_xlsx(tmp_path / "rows.xlsx", 6_000_000, 10)
    assert_plain_refusal(run_bounded("validate", path, timeout=110), "the sheet holds 60000000 cells")


def test_validate_json_reports_the_refusal_as_an_unreadable_file(tmp_path: Path) -> None:
    path = far_cell_xlsx(tmp_path / "far.xlsx")
    result = run_bounded("validate", "--format", "json", path, timeout=60)
    assert result.returncode == 1, result.stderr[-2000:]
    problems = json.loads(result.stdout)["problems"]
    [problem] = [p for p in problems if p["rule"] == "file.unreadable"]
    assert problem["sheet"] == "Akteure"
    assert problem["message"].startswith("the sheet's used area reaches cell XFD1048576")


# -- xls: the reader allocates what the binary records state, so a trial opening comes first ----------


def _xls(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    import xlwt

    book = xlwt.Workbook()
    for name, rows in sheets.items():
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.save(str(path))
    return path


XLS_NETWORK = {"Akteure": [["id", "name", "type"], ["A", "Praxis Nord", "gp"], ["B", "Hospiz Süd", "hospice"]],
               "Zusammenarbeit": [["source", "target", "level"], ["A", "B", 3]]}


def test_a_real_xls_workbook_reads(tmp_path: Path) -> None:
    data = read_network([_xls(tmp_path / "netz.xls", XLS_NETWORK)])
    assert data.ties[["source", "target", "level"]].values.tolist() == [["A", "B", 3]]
    assert data.report.accounting.balanced


def test_an_xls_whose_dimensions_claim_billions_of_rows_is_refused(tmp_path: Path) -> None:
    """A DIMENSIONS record claiming 4 billion rows made the reader abort the whole process."""
    import struct

    path = _xls(tmp_path / "netz.xls", XLS_NETWORK)
    data = bytearray(path.read_bytes())
    at = data.find(struct.pack("<HH", 0x0200, 14))  # the first sheet's DIMENSIONS record
    assert at > 0
    data[at + 4:at + 18] = struct.pack("<IIHHH", 0, 0xFFFFFFF0, 0, 255, 0)
    path.write_bytes(bytes(data))
    result = run_bounded("validate", path, "--lang", "de")
    assert_plain_refusal(result, "netz.xls", "xls-Arbeitsmappe gibt Blattgrößen oder Zellpositionen an",
                         "als .xlsx")
