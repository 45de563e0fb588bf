"""The Debian mirror a sysroot is fetched from: checked, or found in this machine's apt sources."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from crossenv.aptconf import APT_ETC
from crossenv.errors import UsageError
from crossenv.stanzas import parse_stanzas

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "DEFAULT_MIRROR",
    "check_mirror",
    "default_mirror",
    "parse_deb822_mirror",
    "parse_one_line_mirror",
]

DEFAULT_MIRROR = "http://deb.debian.org/debian"
MIRROR_SCHEMES = frozenset({"http", "https", "ftp", "file"})


def check_mirror(mirror: str) -> str:
    """Return *mirror* without a trailing slash if it looks like a URL."""
    scheme = urlsplit(mirror).scheme
    if scheme not in MIRROR_SCHEMES or any(ch.isspace() for ch in mirror):
        raise UsageError(f"mirror {mirror!r} is not an http(s), ftp or file URL")
    return mirror.rstrip("/")


def _is_debian_uri(uri: str) -> bool:
    """Tell whether *uri* is an archive URI with a ``debian`` path component."""
    parts = urlsplit(uri)
    if parts.scheme not in MIRROR_SCHEMES:
        return False
    return "debian" in parts.path.split("/")


def parse_deb822_mirror(text: str) -> str | None:
    """Return the first Debian ``URIs:`` entry of an enabled deb stanza."""
    for fields in parse_stanzas(text):
        stanza = {key.strip().lower(): " ".join(value.split()) for key, value in fields.items()}
        if "deb" not in stanza.get("types", "").split():
            continue
        if stanza.get("enabled", "yes").lower() in ("no", "false", "0"):
            continue
        for uri in stanza.get("uris", "").split():
            if _is_debian_uri(uri):
                return uri.rstrip("/")
    return None


def _one_line_uri(line: str) -> str | None:
    """Return the URI of a ``deb [options] URI suite ...`` line, else None."""
    words = line.split("#", 1)[0].split()
    if not words or words[0] != "deb":
        return None
    rest = " ".join(words[1:])
    if rest.startswith("["):
        rest = rest.partition("]")[2]
    fields = rest.split()
    return fields[0] if fields else None


def parse_one_line_mirror(text: str) -> str | None:
    """Return the first Debian URI of a one-line-style ``sources.list``."""
    for line in text.splitlines():
        uri = _one_line_uri(line)
        if uri is not None and _is_debian_uri(uri):
            return uri.rstrip("/")
    return None


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _source_files(apt_etc: Path) -> Iterator[tuple[Path, bool]]:
    """Yield apt source files in apt's order, each with "is deb822"."""
    parts = apt_etc / "sources.list.d"
    for path in sorted(parts.glob("*.sources")):
        yield path, True
    yield apt_etc / "sources.list", False
    for path in sorted(parts.glob("*.list")):
        yield path, False


def default_mirror(apt_etc: Path = APT_ETC) -> str:
    """Return the Debian mirror this machine uses, else deb.debian.org."""
    for path, deb822 in _source_files(apt_etc):
        text = _read_text(path)
        uri = parse_deb822_mirror(text) if deb822 else parse_one_line_mirror(text)
        if uri is not None:
            return uri
    return DEFAULT_MIRROR
