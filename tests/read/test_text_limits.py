"""Hostile text files (CSV/TSV) and special files: every one ends in a located, plain message.

Each test writes its own input into ``tmp_path`` (bombs included: nothing big is committed)
and states the outcome: the error or problem with its row and column, the rows read, and the
row accounting (rows read = actor rows + tie rows + rows not used).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from carenet_graph.errors import InputError, OptionError
from carenet_graph.read.limits import DEFAULT_LIMITS, Limits
from carenet_graph.read.load import NetworkData
from tests.support.bounded import assert_plain_refusal, run_bounded
from tests.support.commands import child_env
from tests.support.hostile import NAME, accounting, csv_text, found, leaks, one, read, write_bytes, write_text

ACTORS = [["id", "name", "notes"], ["1", NAME, "a"], ["2", "Caritas Lemgo", "b"]]


def refusal(path: Path, **options: object) -> InputError:
    with pytest.raises(InputError) as info:
        read(path, **options)
    assert info.value.file == str(path)
    assert NAME not in info.value.describe()
    return info.value


def balanced(data: NetworkData) -> tuple[int, int, int, int]:
    assert not leaks(data)
    return accounting(data.report.accounting)


# -- 1. one huge cell -----------------------------------------------------------------------


def test_a_200000_character_cell_is_read(tmp_path: Path) -> None:
    # Was "Internal error": csv's own field size limit (131,072) is not the reader's limit.
    path = write_text(tmp_path / "a.csv", csv_text([*ACTORS, ["3", "Hospiz", "x" * 200_000]]))
    data = read(path)
    assert len(data.actors.loc["3", "notes"]) == 200_000
    assert balanced(data) == (3, 3, 0, 0)


def test_a_cell_over_field_chars_is_located_with_its_column(tmp_path: Path) -> None:
    path = write_text(tmp_path / "a.csv", csv_text([*ACTORS, ["3", "Hospiz", "x" * 1_000_001], ["4", "B", "c"]]))
    error = refusal(path)
    assert error.row == 4
    assert error.message == "a cell in column C is longer than 1,000,000 characters (limit field_chars)"
    assert error.hint == ('If the cell should be short, a quote (") in this row is probably not closed; otherwise '
                          "shorten the cell or raise the limit (--limit field_chars=2000000).")


def test_a_quoted_cell_over_many_lines_and_the_limit_is_located(tmp_path: Path) -> None:
    path = write_text(tmp_path / "a.csv", 'id,name,notes\n1,A,b\n2,B,"' + "line\n" * 1000 + '"\n3,C,d\n')
    error = refusal(path, limits=Limits(field_chars=2000))
    assert (error.row, error.message) == (
        3, "a cell in column C, running over 401 lines, is longer than 2,000 characters (limit field_chars)")


def test_a_line_longer_than_any_row_stops_there(tmp_path: Path) -> None:
    # Five cells of 250,000 characters: none is over the limit, the line is over four of them.
    path = write_text(tmp_path / "a.csv", "id,name\n1,A\n" + ",".join(["y" * 250_000] * 5) + "\n")
    error = refusal(path, limits=Limits(field_chars=300_000))
    assert (error.row, error.message) == (3, "row has a line of more than 1,200,000 characters: no row of a table "
                                             "is that long")


def test_a_50_mb_cell_is_refused_within_4_gb(tmp_path: Path) -> None:
    path = tmp_path / "cell.csv"
    with path.open("wb") as handle:
        handle.write(b"id,name,notes\n1,A,")
        for _ in range(50):
            handle.write(b"x" * (1 << 20))
        handle.write(b"\n")
    result = run_bounded("validate", path)
    assert_plain_refusal(result, "row 2: a cell in column C is longer than 1,000,000 characters")


# -- 2. and 3. wide rows, many cells, big files ----------------------------------------------


def test_a_row_of_a_million_values_is_refused_at_its_row(tmp_path: Path) -> None:
    path = write_text(tmp_path / "wide.csv", "id,name\n1,A\n2," + ",".join(["v"] * 1_000_000) + "\n")
    error = refusal(path)
    assert (error.row, error.message) == (3, "row has 1,000,001 values, more than one row may have "
                                             "(16,384, limit row_cells)")
    result = run_bounded("validate", path)
    assert_plain_refusal(result, "row 3: row has 1,000,001 values")


def test_cells_are_counted_while_reading_and_stop_at_the_row_over_the_limit(tmp_path: Path) -> None:
    path = write_text(tmp_path / "a.csv", csv_text([["id", "name"]] + [[str(i), f"N{i}"] for i in range(100)]))
    error = refusal(path, limits=Limits(cells=51))
    assert (error.row, error.message) == (26, "the file has more than 51 cells (values in all rows); reading "
                                              "stopped at this row")
    data = read(path, limits=Limits(cells=202))
    assert balanced(data) == (100, 100, 0, 0)


def test_a_file_over_file_bytes_is_refused_from_its_size(tmp_path: Path) -> None:
    path = write_text(tmp_path / "a.csv", csv_text(ACTORS) * 100)
    error = refusal(path, limits=Limits(file_bytes=1000))
    assert error.message == ("the file is 5.1 KB, more than one input may be (1000 bytes, limit file_bytes); "
                             "nothing was read from it")


@pytest.mark.slow
def test_100_mb_of_one_repeated_line_stops_at_the_cells_limit_within_4_gb(tmp_path: Path) -> None:
    # Today's reader held the bytes, the text, a UCS-4 copy and every row: over 4 GB.
    path = tmp_path / "repeated.csv"
    line = b",".join([b"3"] * 50) + b"\n"  # 100 bytes, 50 cells: 52 million cells in 100 MB
    with path.open("wb") as handle:
        block = line * ((1 << 20) // len(line))
        for _ in range(100):
            handle.write(block)
    result = run_bounded("validate", "--format", "json", path, timeout=600)
    assert result.returncode == 1, result.stderr[-2000:]
    problem = json.loads(result.stdout)["problems"][0]
    cells = DEFAULT_LIMITS.cells
    assert (problem["rule"], problem["row"]) == ("file.unreadable", cells // 50 + 1)
    assert problem["message"] == f"the file has more than {cells:,} cells (values in all rows); reading stopped at " \
        "this row"


# -- 4. odd sep= lines and separators --------------------------------------------------------


@pytest.mark.parametrize("first_line", ["sep=", "sep=ab", 'sep="', "sep=a", "SEP=1"])
def test_a_sep_line_without_a_usable_separator_is_skipped_with_a_warning(tmp_path: Path, first_line: str) -> None:
    path = write_text(tmp_path / "a.csv", first_line + "\r\n" + csv_text(ACTORS, ";"))
    data = read(path)
    sep = one(data, "file.sep_line_ignored")
    assert (sep.severity, sep.row) == ("warning", 1)
    assert sep.message == ("the first line is an Excel 'sep=' line that names no usable separator; it was skipped, "
                           "and the columns were found to be separated by semicolons")
    assert list(data.actors["row"]) == [3, 4]
    assert balanced(data) == (2, 2, 0, 0)


def test_a_sep_line_with_a_nul_is_refused_as_nul_bytes(tmp_path: Path) -> None:
    path = write_text(tmp_path / "a.csv", "sep=\x00\r\n" + csv_text(ACTORS))
    assert refusal(path).message == ("the file holds NUL bytes (the first at byte 4, line 1), which no text file "
                                     "has: it is damaged, or not a text file")


@pytest.mark.parametrize("sep", [";;", "ab", '"', "\n", "\x00"])
def test_an_unusable_sep_option_is_an_option_error(tmp_path: Path, sep: str) -> None:
    path = write_text(tmp_path / "a.csv", csv_text(ACTORS))
    with pytest.raises(OptionError) as info:
        read(path, sep=sep)
    assert info.value.message == "the column separator given (--sep) is not one usable character"


# -- 5. quotes that never close ----------------------------------------------------------------


def _rows(first: int, last: int) -> str:
    return "".join(f"{i},N{i},x\n" for i in range(first, last))


def test_a_quote_that_never_closes_is_refused_at_the_row_it_opened(tmp_path: Path) -> None:
    path = write_text(tmp_path / "a.csv", "id,name,notes\n" + _rows(1, 5) + '5,N5,"open\n' + _rows(6, 2000))
    error = refusal(path)
    assert error.row == 6
    assert error.message == ('a quote (") opened in column C of this row is never closed: the rest of the file '
                             "(1,995 lines) would be one cell, so the file was not read")


def test_a_quote_closed_far_below_is_a_warning_and_every_row_is_accounted_for(tmp_path: Path) -> None:
    text = "id,name,notes\n" + _rows(1, 5) + '5,N5,"open\n' + _rows(6, 100) + '100,N100,"close\n101,N101,y\n'
    data = read(write_text(tmp_path / "a.csv", text))
    quote = one(data, "row.quote_spans_lines")
    assert (quote.severity, quote.row) == ("warning", 6)
    assert quote.message == ("a quoted value in column C runs over lines 6 to 101 of the file; the lines inside it "
                             "were read as one cell, not as rows")
    assert list(data.actors.index) == ["1", "2", "3", "4", "5", "101"]
    assert balanced(data) == (6, 6, 0, 0)


def test_a_short_multi_line_note_is_no_problem(tmp_path: Path) -> None:
    data = read(write_text(tmp_path / "a.csv", 'id,name,notes\n1,A,"one\ntwo\nthree"\n2,B,c\n'))
    assert not found(data, "row.quote_spans_lines")
    assert balanced(data) == (2, 2, 0, 0)


# -- 6. stray bytes --------------------------------------------------------------------------------


def _names(n: int) -> list[list[str]]:
    return [["id", "name", "municipality"]] + [[str(i), f"Pflegedienst Müller {i}", "Lüdenscheid"] for i in range(n)]


def test_one_stray_byte_in_2000_utf8_rows_is_located_and_the_rest_stays_utf8(tmp_path: Path) -> None:
    data_bytes = csv_text(_names(2000)).encode("utf-8")
    target = "\r\n1000,Pflegedienst Müller 1000,Lü".encode()
    at = data_bytes.index(target) + len(target)  # in row 1002 (row 1 is the header), after 'Lü'
    data_bytes = data_bytes[:at] + b"\xe9" + data_bytes[at:]
    path = write_bytes(tmp_path / "stray.csv", data_bytes)
    data = read(path)
    assert not found(data, "file.encoding_fallback")
    assert data.actors.loc["5", "name"] == "Pflegedienst Müller 5"  # not 'MÃ¼ller'
    assert (data.actors["name"] == [f"Pflegedienst Müller {i}" for i in range(2000)]).all()
    bad = one(data, "cell.bad_byte")
    assert (bad.severity, bad.row, bad.file) == ("warning", 1002, str(path))
    assert bad.message == (f"byte 0xe9 at byte {at} (line 1002) in column C is not UTF-8 like the rest of the file; "
                           "it was replaced by '\ufffd'")
    assert data.actors.loc["1000", "municipality"] == "Lü\ufffddenscheid"
    assert balanced(data) == (2000, 2000, 0, 0)


def test_a_consistently_windows_1252_file_still_falls_back(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "ansi.csv", csv_text(_names(300)).encode("cp1252"))
    data = read(path)
    assert one(data, "file.encoding_fallback").severity == "info"
    assert not found(data, "cell.bad_byte")
    assert data.actors.loc["7", "name"] == "Pflegedienst Müller 7"
    assert balanced(data) == (300, 300, 0, 0)


def test_more_stray_bytes_than_utf8_letters_is_windows_1252(tmp_path: Path) -> None:
    text = csv_text(_names(50)).encode("cp1252") + "1000,Grüße,x\r\n".encode()  # one UTF-8 line pasted in
    data = read(write_bytes(tmp_path / "mixed.csv", text))
    assert one(data, "file.encoding_fallback").severity == "info"
    assert data.actors.loc["3", "municipality"] == "Lüdenscheid"


# -- 7. NUL bytes, empty and binary files -----------------------------------------------------------


def test_nul_bytes_in_a_text_file_have_their_own_sentence(tmp_path: Path) -> None:
    path = write_bytes(tmp_path / "a.csv", b"id,name\n1,A\x00B\n")
    error = refusal(path)
    assert error.message == ("the file holds NUL bytes (the first at byte 11, line 2), which no text file has: it is "
                             "damaged, or not a text file")
    assert error.hint == ("Open it in your spreadsheet program and save it again as 'CSV UTF-8', or export the data "
                          "again.")


def test_a_file_of_zeros_is_a_damaged_file(tmp_path: Path) -> None:
    error = refusal(write_bytes(tmp_path / "a.csv", b"\x00" * 5000))
    assert error.message.startswith("the file holds NUL bytes (the first at byte 0, line 1)")


def test_empty_and_binary_files_keep_their_sentences(tmp_path: Path) -> None:
    assert refusal(write_bytes(tmp_path / "empty.csv", b"")).message == "the file is empty (0 bytes)"
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"
    assert refusal(write_bytes(tmp_path / "photo.csv", png)).message == (
        "the file is not a text or spreadsheet file, not a table although its name ends in .csv")


# -- 8. pipes and devices ----------------------------------------------------------------------------


TIES = "source,target,level\n" + "".join(f"actor{i},actor{i + 1},3\n" for i in range(3000))  # ~70 KB


def _fifo(tmp_path: Path, payload: bytes) -> tuple[Path, threading.Thread]:
    path = tmp_path / "ties.fifo"
    os.mkfifo(path)

    def write() -> None:
        try:
            with path.open("wb") as handle:
                handle.write(payload)
        except BrokenPipeError:  # the reader stopped at its limit
            pass

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    return path, writer


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_fifo_is_read_once_with_nothing_lost_to_sniffing(tmp_path: Path) -> None:
    path, writer = _fifo(tmp_path, TIES.encode())
    data = read(ties=[path])
    writer.join(10)
    assert len(data.ties) == 3000  # was 0: the first 8 KB went to format sniffing
    assert data.ties["source"].iloc[0] == "actor0"
    assert balanced(data) == (3000, 0, 3000, 0)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_fifo_over_file_bytes_is_refused_while_it_streams(tmp_path: Path) -> None:
    path, writer = _fifo(tmp_path, TIES.encode() * 40)
    error = refusal(path, limits=Limits(file_bytes=100_000))
    writer.join(10)
    assert error.message == ("more data came through the pipe than one input may be (97.7 KB, limit file_bytes); "
                             "nothing was read from it")


def test_ties_from_stdin_through_the_command_line(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "carenet_graph", "validate", "--format", "json",
                             "--ties", "/dev/stdin"], input=TIES, capture_output=True, text=True,
                            env=child_env({"PYTHONIOENCODING": "utf-8"}), timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["accounting"]["tie_rows"] == 3000
    assert report["accounting"]["balanced"]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_devices_that_never_end_are_refused(device: str) -> None:
    if not Path(device).exists():
        pytest.skip(f"no {device}")
    result = run_bounded("validate", "--ties", device, timeout=60)
    assert_plain_refusal(result, f"{device}: is a device (a terminal, a disk, or something like /dev/zero), not a "
                         "file: it has no end to read to")


def test_every_refusal_is_json_with_validate_format_json(tmp_path: Path) -> None:
    path = write_text(tmp_path / "a.csv", "id,name,notes\n1,A,\"open\n2,B,c\n")
    result = run_bounded("validate", "--format", "json", path, timeout=60)
    assert result.returncode == 1
    problem = json.loads(result.stdout)["problems"][0]
    assert (problem["rule"], problem["row"], problem["file"]) == ("file.unreadable", 2, str(path))
