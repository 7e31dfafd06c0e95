"""Prepared files and page data: what each kind is built with, and where files are kept.

A page that offers a file too slow to build in its request (the whole-agency export, a PDF),
or that shows figures too slow to compute in it (the survey report page, decision 0063),
names a *kind* and the builder's parameters; `core.services_prepared.prepared_file_request`
queues one build per kind, agency, parameters and version, the worker runs the builder
registered here for that kind (`core.tasks.prepared_file_build_task`), and
`core.views_prepared.prepared_file_response` serves the file once it is ready, or a page saying
it is being prepared (decision 0049); `core.views_prepared.prepared_page_data` hands a page its
stored figures the same way. Each app registers its builders in its `ready()`, so the
web processes and the worker know the same kinds; core itself knows none of them.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.functional import cached_property

if TYPE_CHECKING:
    from cxgov.core.models import Agency


@dataclass(frozen=True)
class Built:
    """What a builder made: the content (bytes, or an open binary file it wrote and rewound),
    the name a browser saves it as, its media type, and whether a browser shows it inline."""

    content: bytes | IO[bytes]
    filename: str
    content_type: str
    inline: bool = False


@dataclass(frozen=True)
class BuiltData:
    """What a page's builder made: the page's figures as JSON-ready values (dicts, lists,
    strings, numbers), which the page reads instead of computing them."""

    data: Any


# A builder takes the agency, the parameters and the version the page asked for.
Builder = Callable[["Agency", Mapping[str, Any], str], Built | BuiltData]

_BUILDERS: dict[str, Builder] = {}


def prepared_builder(kind: str) -> Callable[[Builder], Builder]:
    """Register the function that builds files of `kind` from an agency, the parameters and the
    version."""

    def register(builder: Builder) -> Builder:
        if _BUILDERS.get(kind, builder) is not builder:
            raise ValueError(f"a builder is already registered for prepared files of {kind!r}")
        _BUILDERS[kind] = builder
        return builder

    return register


def prepared_builder_for(kind: str) -> Builder:
    """The builder of `kind`; KeyError if no app registered one."""
    return _BUILDERS[kind]


def prepared_params_key(params: Mapping[str, Any]) -> str:
    """The digest that names one set of builder parameters (one row per key and version)."""
    text = json.dumps(dict(params), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


class PreparedStorage(FileSystemStorage):
    """Files under MEDIA_ROOT/private/prepared, beside the complaint attachments, with no public
    address: a prepared file holds an agency's data and is only sent through the page that
    checked who asks for it. The folder follows MEDIA_ROOT when a test changes it."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @cached_property
    def base_location(self) -> str:
        return str(Path(settings.MEDIA_ROOT) / "private" / "prepared")


def prepared_storage() -> FileSystemStorage:
    """The storage of prepared files (`PreparedFile.file`)."""
    return PreparedStorage()
