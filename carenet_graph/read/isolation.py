"""Opening an old binary Excel workbook (.xls) where it cannot take the run down with it.

xlsx and ods are zip files of XML that :mod:`carenet_graph.read.bounds` measures before the
workbook reader sees them. An xls is a binary compound file whose records state sheet sizes
(the DIMENSIONS record) and cell positions; the reader (calamine) allocates what they state as
soon as the file is opened, and a broken or hostile record asks for terabytes: the process
aborts inside the reader, where no Python code can catch it.

So an xls is first opened, with every sheet loaded, in a forked child process held to a memory
budget (``RLIMIT_AS``). Only when the child finishes normally does the run open the file itself;
a child that aborts or runs out of its budget means the file is refused with a plain sentence.
This costs one extra read of the (legacy, usually small) file. Where ``fork`` or ``RLIMIT_AS``
does not exist (Windows), the check is skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Memory a child may use beyond what the run already has: a full BIFF8 sheet (65,536 rows ×
#: 256 columns) takes about 540 MB in the reader, so this admits any real xls workbook.
XLS_BUDGET = 2 << 30


def _address_space() -> int | None:
    """Bytes of address space this process uses now (Linux), None elsewhere."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def xls_opens_safely(path: Path, budget: int = XLS_BUDGET) -> bool:
    """Whether the workbook reader opens ``path`` and loads every sheet within ``budget`` more bytes.

    True also when the check cannot run on this system (no ``fork``, no ``RLIMIT_AS``, no
    ``/proc``); then the reader opens the file unguarded, as it would without this module.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return True
    used = _address_space()
    if used is None or not hasattr(os, "fork"):
        return True
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child; its exit status is what the parent tests
        code = 3
        try:
            limit = used + budget
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
            import python_calamine as calamine

            workbook = calamine.CalamineWorkbook.from_path(str(path))
            for name in workbook.sheet_names:
                workbook.get_sheet_by_name(name)
            code = 0
        except MemoryError:
            code = 3
        except Exception:
            # The reader's own error for a broken file is no danger: the parent opens the file
            # and reports that error in its words.
            code = 0
        except BaseException:  # a panic inside the reader (pyo3's PanicException)
            code = 3
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
