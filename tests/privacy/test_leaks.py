"""The attacker's leak test (issue 13, "private means private").

A network whose every identifying text is a unique marker (tests/support/markers.py: file, folder
and sheet names, extra column headers, actor names, notes, unknown type texts, a made-up
municipality, reporters, a matrix cell note, cell comments) goes through every command that
writes, with ``--pseudonymize --key K``, as a child process. Every marker is then searched for,
case-insensitively, in everything the command wrote and printed:

* every output file, and its name; an .xlsx unzipped (every part, its name, raw and XML-unescaped);
* HTML, SVG, JSON, GraphML, GEXF and CSV raw, HTML-unescaped and JSON-unescaped (``\\uXXXX``);
  ``data:`` URIs inside them decoded and searched as files of their type;
* PNG: the text of its tEXt, zTXt (decompressed) and iTXt chunks, and its raw bytes;
* stdout and stderr.

``validate`` without ``--show-values`` must print no marker at all (problems say where — file 1,
sheet 2, row, column letter — without quoting), and ``--key`` without ``--pseudonymize`` is a
usage error that writes nothing. Each leak is named in the failure: command, file (and part),
marker and where the marker came from.
"""

from __future__ import annotations

import base64
import html
import io
import re
import struct
import urllib.parse
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.commands import RunCarenet
from tests.support.markers import PREFIX, MarkedNetwork, write_network

_MARKER = re.compile(PREFIX.lower() + "[a-z]{6}")
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_DATA_URI = re.compile(r"data:([\w.+-]+/[\w.+-]+)((?:;[\w.+-]+=[\w.+-]+)*)(;base64)?,([A-Za-z0-9+/=%._~-]+)")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_SUFFIXES = {".html", ".htm", ".svg", ".json", ".graphml", ".gexf", ".csv", ".txt", ".md", ".xml", ".tsv"}


# -- what a file says ---------------------------------------------------------------------


def _json_unescape(text: str) -> str:
    return _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _decoded(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8", "replace")


def text_views(text: str) -> Iterator[tuple[str, str]]:
    """``text`` as written and with each kind of escaping undone (HTML/XML entities, JSON ``\\uXXXX``)."""
    yield "raw", text
    yield "HTML-unescaped", html.unescape(text)
    json_plain = _json_unescape(text)
    yield "JSON-unescaped", json_plain
    yield "JSON+HTML-unescaped", html.unescape(json_plain)


def png_texts(data: bytes) -> Iterator[tuple[str, str]]:
    """(chunk, text) of every tEXt, zTXt and iTXt chunk of a PNG, decompressed (keyword included)."""
    position = len(_PNG_SIGNATURE)
    index = 0
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        index += 1
        label = f"{kind.decode('latin-1')} chunk {index}"
        keyword, _, rest = body.partition(b"\0")
        if kind == b"tEXt":
            yield label, keyword.decode("latin-1") + "\n" + rest.decode("latin-1")
        elif kind == b"zTXt":
            yield label, keyword.decode("latin-1") + "\n" + zlib.decompress(rest[1:]).decode("latin-1", "replace")
        elif kind == b"iTXt":
            compressed, text = rest[0], rest[2:]
            language, _, text = text.partition(b"\0")
            translated, _, text = text.partition(b"\0")
            if compressed:
                text = zlib.decompress(text)
            yield label, "\n".join(part.decode("utf-8", "replace") for part in (keyword, language, translated, text))


def file_texts(name: str, data: bytes, depth: int = 0) -> Iterator[tuple[str, str, str]]:
    """(part, view, text) of everything a file of this name could show a reader."""
    suffix = Path(name).suffix.lower()
    if data.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm", ".ods", ".docx", ".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            yield "zip member names", "raw", "\n".join(archive.namelist())
            yield "zip comment", "raw", archive.comment.decode("utf-8", "replace")
            for member in archive.namelist():
                text = archive.read(member).decode("utf-8", "replace")
                for view, shown in text_views(text):
                    yield member, view, shown
        return
    if data.startswith(_PNG_SIGNATURE) or suffix == ".png":
        for chunk, text in png_texts(data):
            yield chunk, "raw", text
        yield "bytes", "raw", data.decode("latin-1")
        return
    text = _decoded(data) if suffix in _TEXT_SUFFIXES or depth else data.decode("latin-1")
    for view, shown in text_views(text):
        yield "", view, shown
    if depth < 2:
        for k, match in enumerate(_DATA_URI.finditer(text), 1):
            mime, _params, is_base64, payload = match.groups()
            try:
                inner = base64.b64decode(payload + "=" * (-len(payload) % 4)) if is_base64 else \
                    urllib.parse.unquote_to_bytes(payload)
            except ValueError:
                continue
            extension = {"image/png": ".png", "image/svg+xml": ".svg"}.get(mime, ".txt")
            for part, view, shown in file_texts(f"embedded{extension}", inner, depth + 1):
                yield f"data:{mime} #{k}" + (f" › {part}" if part else ""), view, shown


# -- finding markers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Leak:
    where: str  # "r.html", "analysis.xlsx › xl/sharedStrings.xml", "stdout"
    marker: str
    views: tuple[str, ...]
    context: str


def find_markers(where: str, texts: Sequence[tuple[str, str, str]], origin: dict[str, str]) -> list[Leak]:
    """Every known marker in ``texts`` ((part, view, text)), one :class:`Leak` per place and marker."""
    seen: dict[tuple[str, str], tuple[list[str], str]] = {}
    for part, view, text in texts:
        lowered = text.lower()
        for match in _MARKER.finditer(lowered):
            marker = match.group().upper()
            if marker not in origin:
                continue
            place = f"{where} › {part}" if part else where
            views, context = seen.setdefault((place, marker), ([], ""))
            if view not in views:
                views.append(view)
            if not context:
                start, end = max(match.start() - 50, 0), min(match.end() + 50, len(text))
                seen[place, marker] = (views, " ".join(text[start:end].split()))
    return [Leak(place, marker, tuple(views), context) for (place, marker), (views, context) in sorted(seen.items())]


def output_leaks(folder: Path, origin: dict[str, str]) -> list[Leak]:
    """Markers in every file under ``folder`` and in the files' names."""
    leaks = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        leaks += find_markers(f"file name {relative}", [("", "raw", relative)], origin)
        leaks += find_markers(relative, list(file_texts(path.name, path.read_bytes())), origin)
    return leaks


def describe(command: str, leaks: Sequence[Leak], origin: dict[str, str], limit: int | None = None) -> str:
    if not leaks:
        return f"{command}: no marker in what it printed or wrote"
    lines = [f"{command}: {len(leaks)} leak(s) of {len({leak.marker for leak in leaks})} marker(s)"]
    for leak in leaks[:limit]:
        # A marker shown as written is found in every view; otherwise say which unescaping showed it.
        views = "" if "raw" in leak.views else f" [{', '.join(leak.views)}]"
        lines.append(f"  {command} {leak.where}: {leak.marker} ({origin[leak.marker]}) found{views} "
                     f"… {leak.context} …")
    if limit is not None and len(leaks) > limit:
        lines.append(f"  … and {len(leaks) - limit} more")
    return "\n".join(lines)


# -- the network and the commands -----------------------------------------------------------


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> MarkedNetwork:
    return write_network(tmp_path_factory.mktemp("inputs"))


@pytest.fixture(scope="module")
def key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The key file, outside every output folder (created by the first run)."""
    return tmp_path_factory.mktemp("keys") / "netz.key"


# id → (arguments after the inputs, output written: a file or folder name in the output folder).
WRITING = {
    "convert-graphml": (["convert"], "net.graphml"),
    "convert-gexf": (["convert"], "net.gexf"),
    "convert-json": (["convert"], "net.json"),
    "convert-xlsx": (["convert"], "net.xlsx"),
    "convert-csv": (["convert"], "net.csv"),
    "analyze": (["analyze"], "analysis"),
    "gaps": (["gaps"], "gaps"),
    "map-html": (["map"], "x.html"),
    "map-svg": (["map"], "x.svg"),
    "map-png": (["map"], "x.png"),
    "report": (["report"], "r.html"),
    "compare": (["compare"], "comparison"),
}


def command_line(name: str, network: MarkedNetwork, output: Path) -> list[str | Path]:
    command, written = WRITING[name]
    inputs = [network.first.folder, network.second.folder] if command == ["compare"] else [network.first.folder]
    return [*command, *inputs, "-o", output / written]


@pytest.mark.parametrize("name", list(WRITING))
def test_pseudonymized_output_carries_no_marker(name: str, network: MarkedNetwork, key: Path, tmp_path: Path,
                                                run_carenet: RunCarenet) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = run_carenet(*command_line(name, network, out), "--pseudonymize", "--key", key)
    origin = network.markers.origin
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert result.returncode == 0 and written, (name, result.returncode, result.stderr[-2000:], written)
    leaks = [*find_markers("stdout", [("", "raw", result.stdout)], origin),
             *find_markers("stderr", [("", "raw", result.stderr)], origin),
             *output_leaks(out, origin)]
    if leaks:
        pytest.fail(describe(name, leaks, origin), pytrace=False)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_validate_quotes_nothing_without_show_values(fmt: str, network: MarkedNetwork,
                                                     run_carenet: RunCarenet) -> None:
    """No file, folder or sheet name, cell value, name or note in validate's messages unless asked."""
    result = run_carenet("validate", network.first.folder, "--format", fmt)
    assert result.returncode == 1, result.stderr[-2000:]  # the matrix cell note is an error
    origin = network.markers.origin
    leaks = [*find_markers("stdout", [("", view, text) for view, text in text_views(result.stdout)], origin),
             *find_markers("stderr", [("", "raw", result.stderr)], origin)]
    if leaks:
        pytest.fail(describe(f"validate --format {fmt}", leaks, origin), pytrace=False)


@pytest.mark.parametrize("name", ["convert-graphml", "analyze", "gaps", "map-html", "report", "compare"])
def test_key_without_pseudonymize_is_usage_error(name: str, network: MarkedNetwork, tmp_path: Path,
                                                 run_carenet: RunCarenet) -> None:
    """``--key`` alone would write every real name while the user believes it hidden: refused, nothing written."""
    out = tmp_path / "out"
    out.mkdir()
    result = run_carenet(*command_line(name, network, out), "--key", tmp_path / "alone.key")
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    origin = network.markers.origin
    leaks = [*find_markers("stdout", [("", "raw", result.stdout)], origin),
             *find_markers("stderr", [("", "raw", result.stderr)], origin),
             *output_leaks(out, origin)]
    if (result.returncode, written, leaks) != (2, [], []):
        pytest.fail(f"{name} --key without --pseudonymize: exit {result.returncode} (expected 2, a usage error), "
                    f"wrote {written or 'nothing'}\n" + describe(name, leaks, origin, limit=5), pytrace=False)



# -- the search itself can fail ------------------------------------------------------------


def test_search_finds_markers_when_values_are_asked_for(network: MarkedNetwork, tmp_path: Path,
                                                        run_carenet: RunCarenet) -> None:
    """Without --pseudonymize the names are written, and --show-values quotes values: both are found."""
    origin = network.markers.origin
    result = run_carenet("convert", network.first.folder, "-o", tmp_path / "plain.xlsx")
    assert result.returncode == 0, result.stderr
    found = {leak.marker for leak in output_leaks(tmp_path, origin)}
    names = {m for m, where in origin.items() if where.startswith("actor name") and "wave 2" not in where}
    assert names <= found
    shown = run_carenet("validate", network.first.folder, "--show-values")
    quoted = {leak.marker for leak in find_markers("stdout", [("", "raw", shown.stdout)], origin)}
    assert {m for m, where in origin.items() if where.startswith("unknown actor type text")} <= quoted


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def test_search_reads_png_text_chunks_and_data_uris() -> None:
    origin = {"MKRAAAAAA": "tEXt", "MKRBBBBBB": "zTXt", "MKRCCCCCC": "iTXt", "MKRDDDDDD": "SVG in a data URI",
              "MKREEEEEE": "JSON escape"}
    png = (_PNG_SIGNATURE + _chunk(b"tEXt", b"Title\0mkrAAAAAA") + _chunk(b"zTXt", b"Author\0\0"
           + zlib.compress(b"MKRBBBBBB")) + _chunk(b"iTXt", b"Comment\0\1\0de\0\0" + zlib.compress(b"MKRCCCCCC"))
           + _chunk(b"IEND", b""))
    assert {leak.marker for leak in find_markers("x.png", list(file_texts("x.png", png)), origin)} == \
        {"MKRAAAAAA", "MKRBBBBBB", "MKRCCCCCC"}
    svg = base64.b64encode(b"<svg><title>MKRDDDDDD</title></svg>").decode()
    page = f'<img src="data:image/svg+xml;base64,{svg}"><script>"\\u004dKREEEEEE"</script>'.encode()
    leaks = find_markers("p.html", list(file_texts("p.html", page)), origin)
    assert {(leak.marker, leak.where) for leak in leaks} == {("MKRDDDDDD", "p.html › data:image/svg+xml #1"),
                                                            ("MKREEEEEE", "p.html")}
