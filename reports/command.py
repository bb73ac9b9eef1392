"""`python main.py report employer|pcn|person|supervisor NAME --as-of DATE --out FILE.pdf [--from --to]
[--for EMAIL]`: with --for, the report as that login may have it (reports.rights), as the app would give it.

cli.py parses the arguments and connects the database, then calls `run_report(args)`.
"""

from __future__ import annotations

import getpass
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from reports.build import ReportRequest, gather, render
from tracker import clock
from tracker.dates import uk
from tracker.errors import NotFound, TrackerError


def _command_line_user() -> str:
    """Who asked, when no login is named: the operating-system account that ran the command."""
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):
        return "the command line"


def run_report(args: Any) -> int:
    """Write the PDF to args.out; 0 on success, 1 (with a message on stderr) for bad input."""
    as_of = args.as_of or clock.today()
    out = Path(args.out)
    if not out.parent.is_dir():
        print(f"cannot write {out}: the folder {out.parent} does not exist", file=sys.stderr)
        return 1
    request = ReportRequest(
        kind=args.kind,
        name=args.name,
        as_of=as_of,
        generated_by=getattr(args, "generated_by", None) or getattr(args, "for_user", None) or _command_line_user(),
        period_from=getattr(args, "from_date", None),
        period_to=getattr(args, "to_date", None),
    )
    try:
        data = _gather(request, getattr(args, "for_user", None))
    except TrackerError as error:
        print(error.message, file=sys.stderr)
        return 1
    pdf = render(data)
    _write_atomically(out, pdf)
    print(f"Wrote the {_describe(request.kind)} for {args.name} as at {uk(as_of)} to {out} ({len(pdf):,} bytes)")
    return 0


def _gather(request: ReportRequest, for_user: str | None):  # type: ignore[no-untyped-def]
    if not for_user:
        return gather(request)
    from reports.rights import gather_for
    from tracker.services.users import find_user
    from tracker.views.access_facts import viewer_for_user

    user = find_user(for_user)
    viewer = viewer_for_user(user.id) if user is not None else None
    if viewer is None:
        raise NotFound(f"there is no active login for {for_user}")
    return gather_for(viewer, request)


def _describe(kind: str) -> str:
    return {"employer": "employer report", "pcn": "PCN report", "person": "compliance statement",
            "supervisor": "supervisor's log"}[kind]


def _write_atomically(path: Path, content: bytes) -> None:
    """A reader never sees half a PDF: write beside the target, then rename over it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
