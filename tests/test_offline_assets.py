"""The product runs on intranets without Internet: nothing may be loaded from another host.

Scans templates and static files for src/href/url()/@import references to external hosts,
and checks that the vendored assets are the versions pinned in package.json.
"""

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "static" / "vendor"

# Namespace identifiers, never fetched by a browser.
ALLOWED_PREFIXES = ("http://www.w3.org/", "https://www.w3.org/")
# Leaflet's attribution prefix links to its home page (an <a>, never fetched; the map hides the
# attribution control anyway).
ALLOWED_REFERENCES = {("static/vendor/leaflet/leaflet.js", "https://leafletjs.com")}

_QUOTED_OR_BARE = r"""(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>);,]+))"""
REFERENCE_PATTERNS = [
    # HTML attributes, and the same assignments in JavaScript (el.src = "…").
    re.compile(r"(?<![\w-])(?:src|href|srcset|action|formaction|poster|data)\s*=\s*" + _QUOTED_OR_BARE, re.I),
    re.compile(r"setAttribute\(\s*[\"'](?:src|href|srcset|action)[\"']\s*,\s*" + _QUOTED_OR_BARE, re.I),
    # CSS.
    re.compile(r"url\(\s*" + _QUOTED_OR_BARE, re.I),
    re.compile(r"@import\s+(?:url\(\s*)?" + _QUOTED_OR_BARE, re.I),
]
EXTERNAL = re.compile(r"(?:^|[\s,])(?:[a-z][a-z0-9+.-]*:)?//", re.I)
SKIPPED_NAMES = re.compile(r"^(?:LICEN[CS]E|NOTICE)", re.I)


def external_references(text: str) -> list[str]:
    """Every src/href/url()/@import value in ``text`` that points at another host."""
    found = []
    for pattern in REFERENCE_PATTERNS:
        for match in pattern.finditer(text):
            value = (match.group("dq") or match.group("sq") or match.group("bare") or "").strip()
            if value.lower().startswith("data:"):  # inline data (may embed an SVG namespace URI)
                continue
            if value.startswith(ALLOWED_PREFIXES):
                continue
            if EXTERNAL.search(value):
                found.append(value)
    return found


def scanned_files() -> list[Path]:
    roots = [ROOT / "templates", ROOT / "static"]
    roots += sorted((ROOT / "lianxin").glob("*/templates"))
    roots += sorted((ROOT / "lianxin").glob("*/static"))
    files = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if not path.is_file():
                continue
            if VENDOR in path.parents and SKIPPED_NAMES.match(path.name):
                continue
            files.append(path)
    return files


def _read_text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data:  # images, fonts
        return None
    return data.decode("utf-8", errors="replace")


@pytest.mark.parametrize(
    "sample",
    [
        '<script src="https://cdn.jsdelivr.net/npm/htmx.org"></script>',
        "<link rel=stylesheet href=http://fonts.googleapis.com/css?family=Noto>",
        "<img src='//tile.openstreetmap.org/1/1/1.png'>",
        '.a{background:url("https://example.com/x.png")}',
        ".a{background:url(//example.com/x.png)}",
        '@import "https://fonts.googleapis.com/css2?family=Noto+Sans+SC";',
        "@import url(https://example.com/a.css);",
        'el.src="https://example.com/a.js"',
        'img.setAttribute("src", "https://example.com/a.png")',
        '<img srcset="/static/a.png 1x, https://example.com/b.png 2x">',
        '<form action="https://example.com/collect">',
    ],
)
def test_external_references_flags_other_hosts(sample):
    assert external_references(sample)


@pytest.mark.parametrize(
    "sample",
    [
        "<script src=\"{% static 'vendor/htmx/htmx.min.js' %}\"></script>",
        '<a href="/land/parcels/?page=2">',
        "<a href=\"{% url 'land:parcel-list' %}\">",
        '<svg xmlns="http://www.w3.org/2000/svg"><use href="#icon"></use></svg>',
        ".a{background-image:url(\"data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e%3c/svg%3e\")}",
        ".a{background:url(../img/a.png)}",
        '<a href="mailto:office@example.com">',
    ],
)
def test_external_references_allows_local_and_inline(sample):
    assert external_references(sample) == []


def test_templates_and_static_files_reference_no_external_host():
    # given every template and static file shipped with the product
    files = scanned_files()
    assert any(VENDOR in f.parents for f in files), "static/vendor/ is missing: run `make vendor`"

    # when scanning them for references to other hosts
    offenders = {}
    for path in files:
        text = _read_text(path)
        rel = str(path.relative_to(ROOT))
        refs = [r for r in external_references(text or "") if (rel, r) not in ALLOWED_REFERENCES]
        if refs:
            offenders[rel] = refs[:5]

    # then there are none
    assert offenders == {}


def _package_versions() -> dict[str, str]:
    return json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]


def test_package_json_pins_exact_versions_matching_the_lock_file():
    pinned = _package_versions()
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))

    assert set(pinned) == {"bootstrap", "htmx.org", "echarts", "leaflet"}
    for name, version in pinned.items():
        assert re.fullmatch(r"\d+\.\d+\.\d+", version), f"{name} must be pinned exactly, got {version!r}"
        assert lock["packages"][""]["dependencies"][name] == version
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert pinned["htmx.org"].startswith("2."), "htmx stays on 2.x"


def test_vendored_files_are_the_pinned_versions():
    pinned = _package_versions()

    def read(rel: str) -> str:
        return (VENDOR / rel).read_text(encoding="utf-8")

    # the banners / version constants inside the copied files
    assert re.search(r"Bootstrap\s+v(\S+)", read("bootstrap/bootstrap.min.css")).group(1) == pinned["bootstrap"]
    assert re.search(r"Bootstrap\s+v(\S+)", read("bootstrap/bootstrap.bundle.min.js")).group(1) == pinned["bootstrap"]
    assert re.search(r'version:"([^"]+)"', read("htmx/htmx.min.js")).group(1) == pinned["htmx.org"]
    assert re.search(r'version[=:]"(\d+\.\d+\.\d+)"', read("echarts/echarts.min.js")).group(1) == pinned["echarts"]
    assert re.search(r"Leaflet (\d+\.\d+\.\d+)", read("leaflet/leaflet.js")).group(1) == pinned["leaflet"]

    # and the table in static/vendor/README.md
    readme = read("README.md")
    for name, version in pinned.items():
        assert re.search(rf"^\| {re.escape(name)} \| {re.escape(version)} \|", readme, re.M), name


@pytest.mark.parametrize(
    "rel",
    [
        "bootstrap/bootstrap.min.css",
        "bootstrap/bootstrap.bundle.min.js",
        "htmx/htmx.min.js",
        "echarts/echarts.min.js",
    ],
)
def test_vendored_file_has_no_source_map_reference(rel):
    # collectstatic's manifest storage fails on a reference to the (unvendored) .map file
    assert "sourceMappingURL" not in (VENDOR / rel).read_text(encoding="utf-8")


@pytest.mark.parametrize("package", ["bootstrap", "htmx", "echarts", "leaflet"])
def test_vendored_package_carries_its_licence(package):
    assert (VENDOR / package / "LICENSE").is_file()
