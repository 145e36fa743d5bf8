"""XML from uploads, read safely (安全解析): no DTD, no entity, no external reference.

Every XML the product reads from an uploaded file goes through defusedxml:

- ``fromstring`` (defusedxml's ElementTree, DTDs forbidden) for the small parts we parse ourselves
  (an .xlsx's workbook.xml, its rels and styles);
- ``zip_xml_refused`` before a zip container (.xlsx, .ods, .docx) reaches a reader we do not control
  (python-calamine, openpyxl, python-docx/docxtpl): each XML part's prolog — everything before its
  root element, the only place a DTD may stand — is fed to defusedxml's parser, which raises at a
  DOCTYPE. Only the prolog is read, so a 100 MB sheet costs a few bytes. Office programs never write
  a DTD into these parts, so a file that has one is refused outright (a "billion laughs" bomb or an
  external entity pointing at /etc/passwd), whatever the reader behind would have done with it.

The readers behind are safe on their own as well (checked, see docs/decisions/0015): openpyxl uses
defusedxml once it is installed (``openpyxl.xml.DEFUSEDXML``), python-docx parses with
``resolve_entities=False``, calamine's quick-xml does not expand declared entities; the check above
makes the refusal explicit, early and the same for all of them.
"""

from __future__ import annotations

import zipfile
import zlib

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from defusedxml.ElementTree import fromstring as _fromstring

__all__ = ["DefusedXmlException", "ParseError", "fromstring", "prolog_is_safe", "zip_xml_refused"]

_CHUNK = 4096
# A part whose prolog (declaration, comments, processing instructions) runs longer than this before
# its root element is no Office file either.
_MAX_PROLOG = 256 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")


def fromstring(data: bytes | str):
    """ElementTree's ``fromstring`` through defusedxml: a DTD (and so any entity) raises
    ``DefusedXmlException``; malformed XML raises ``ParseError``."""
    return _fromstring(data, forbid_dtd=True)


class _Root(Exception):
    """The root element started: the prolog held no DTD."""


class _StopAtRoot:
    def start(self, tag, attrib):
        raise _Root

    def end(self, tag):
        pass

    def data(self, data):
        pass

    def close(self):
        pass


def prolog_is_safe(chunks) -> bool:
    """False when the XML fed in ``chunks`` declares a DTD before its root element (or its prolog is
    implausibly long). Malformed XML is not this check's business: True (the reader says it is broken)."""
    parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
    read = 0
    try:
        for chunk in chunks:
            parser.feed(chunk)
            read += len(chunk)
            if read > _MAX_PROLOG:
                return False
    except _Root:
        return True
    except DefusedXmlException:
        return False
    except ParseError:
        return True
    return True


def _member_chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    with archive.open(info) as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def zip_xml_refused(archive: zipfile.ZipFile) -> str | None:
    """The name of the first XML part of ``archive`` whose prolog declares a DTD, else None. Damaged
    members are left to the reader (it reports them in its own words)."""
    for info in archive.infolist():
        name = info.filename.lower()
        base = name.rsplit("/", 1)[-1]
        if info.is_dir() or name == "mimetype" or ("." in base and not base.endswith(_XML_SUFFIXES)):
            continue  # images, embedded objects: no XML for our readers
        try:
            safe = prolog_is_safe(_member_chunks(archive, info))
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            continue
        if not safe:
            return info.filename
    return None
