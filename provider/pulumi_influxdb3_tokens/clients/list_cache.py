"""One list answer per kind shared by the reads of one provider process (single flight), whatever the transport.

A transport whose reads of single tokens are costly (influxctl: every read is a whole ``management list`` run)
or many (HTTP: a ``refresh`` of N tokens is N GETs) answers them from one list of the cluster's tokens instead:

- **single flight**: a read that finds a list running waits for it instead of starting another;
  one that finds no usable answer starts the list the others then wait for;
- **a short window**: an answer serves reads for ``WINDOW_S`` seconds after its list *started*, so
  nothing a read returns is older than that, however long the process lives;
- **invalidated by our own changes**: every create or revoke this process makes (whatever its
  outcome, a lost answer included) ends the shared answer and any list still running, so a read
  that starts after our change never sees the list from before it;
- **``fresh=True`` bypasses it**: the caller gets a list that started after its call, never the
  shared answer nor one already running. Lost-answer recovery of a create always asks for that (it
  compares the lists from before and after its create, so a shared older answer would be wrong).
- **what a create compares with** (``before_create``): lost-answer recovery adopts only a token that
  was not there before the create started. Any list that *ended* before the create started is such
  a "before" (a token it does not show appeared after it started); what an older one adds is the
  tokens others made since. So a create reuses the last list while the evidence of what appeared since
  is at most ``WINDOW_S`` old: the list's own start, or the answer of this process's latest create,
  whose token's ``created_at`` (the service's clock) then bounds the candidates from below: a token
  listed as created before ours was made before this create started. An ``up`` of 50 tokens, whose
  creates follow each other, so lists once instead of 50 times, and a candidate can have appeared only
  in the same few seconds before the call that a read already accepts.

Every list kind a transport reads (management tokens, database tokens, databases, the tables of one database) is
a key of its own (the transport's ``key_of(connection, kind)``): a refresh of N resources lists once per kind, and
a change of one kind ends only that kind's answer. ``records`` serves any record; ``before_create`` and ``created``
need the records a create recovers from (``Listed``: an id and the service's creation time).

Why this is as correct as no cache: a provider process lives for one pulumi command (the engine
starts the dynamic provider host and the plugin per command and stops them at its end), so a token
someone else revokes or mints during the command is seen by the next command as without the cache;
within the command a read may return an answer up to ``WINDOW_S`` old, which without the cache it
could equally have got from a read that simply ran a little earlier. Each transport keys the cache by
everything that picks the server, the account and the identity (``influxctl/list_cache.py``,
``http/listing.py``: the credential only as a digest); it never holds a token string (list answers
have none), and an error is shared only with the reads that waited for that same run, never kept for later ones.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Optional, Protocol, Sequence, TypeVar

from ..settings import Connection

# How long an answer serves reads, counted from the start of its list run. A refresh of 50 tokens
# reads them all within about a second of the first read; the bound only matters for a process that
# lives longer than one command, which the engine's providers do not.
WINDOW_S = 5.0

# A list's kind and what picks the server, the account and the identity it runs as (each transport's key_of).
Key = tuple[str, ...]
R = TypeVar("R")


def credential_digest(connection: Connection) -> str:
    """The identity a key names: the connection's credential only as a digest, so no key holds a secret."""
    secret = connection.management_token.get_secret_value()
    return hashlib.sha256(secret.encode()).hexdigest() if secret else ""


class Listed(Protocol):
    """What a create's ``Before`` compares: a listed record's id and the service's creation time."""

    @property
    def id(self) -> str: ...

    @property
    def created_at(self) -> datetime: ...


@dataclass
class _Flight:
    """One list run: its start, the generation it belongs to, and its answer once it ends."""

    started: float
    generation: int
    done: threading.Event = field(default_factory=threading.Event)
    records: Optional[list[Any]] = None  # of the one record type its key's kind lists
    error: Optional[BaseException] = None


@dataclass
class _Slot:
    generation: int = 0
    # The latest run that has not failed, running or done; reads take it only while it is of this
    # generation, creates (``before_create``) whatever its generation.
    latest: Optional[_Flight] = None
    created_seen: float = float("-inf")  # when this process last got a create's answer (our clock)
    created_at: Optional[datetime] = None  # that token's created_at (the service's clock)


@dataclass(frozen=True)
class Before:
    """What a create's lost-answer recovery compares with: a token in ``ids`` or listed as created
    before ``created_after`` existed before the create started, so it is not the create's."""

    ids: frozenset[str]
    created_after: Optional[datetime]

    def predates(self, record: Listed) -> bool:
        if record.id in self.ids:
            return True
        return self.created_after is not None and record.created_at < self.created_after


class ListCache:
    """Shared list answers, per key (a kind on a connection); safe to use from many threads."""

    def __init__(self, window_s: float = WINDOW_S, clock: Callable[[], float] = time.monotonic) -> None:
        self._window_s = window_s
        self._clock = clock
        self._lock = threading.Lock()
        self._slots: dict[Key, _Slot] = {}

    def records(self, key: Key, fetch: Callable[[], Sequence[R]], *, fresh: bool = False) -> list[R]:
        """The shared answer if it is usable, else the answer of the run in flight or of a new run.

        ``fresh=True``: always a new run started after this call (lost-answer recovery, and revoke's
        check when the shared answer still shows the token live); its answer then serves later reads.
        """
        with self._lock:
            slot = self._slots.setdefault(key, _Slot())
            flight = None if fresh else self._usable(slot)
            leader = flight is None
            if flight is None:
                flight = self._start(slot)
        return self._answer(slot, flight, fetch, leader=leader)

    def before_create(self, key: Key, fetch: Callable[[], Sequence[Listed]]) -> Before:
        """The tokens as they were before a create that starts once this returns (see the module's docstring)."""
        with self._lock:
            slot = self._slots.setdefault(key, _Slot())
            flight = slot.latest
            evidence = max(flight.started if flight else float("-inf"), slot.created_seen)
            leader = flight is None or self._clock() - evidence > self._window_s
            if leader:
                flight = self._start(slot)
            created_after = slot.created_at
        assert flight is not None
        records = self._answer(slot, flight, fetch, leader=leader)
        return Before(frozenset(record.id for record in records), created_after)

    def created(self, key: Key, record: Listed) -> None:
        """A create of this process answered with ``record``: evidence for the creates after it."""
        with self._lock:
            slot = self._slots.setdefault(key, _Slot())
            slot.created_seen = self._clock()
            if slot.created_at is None or record.created_at > slot.created_at:
                slot.created_at = record.created_at

    def changed(self, key: Key) -> None:
        """This process created or revoked a token (or may have): no answer from before serves a later read."""
        with self._lock:
            slot = self._slots.setdefault(key, _Slot())
            slot.generation += 1

    def _start(self, slot: _Slot) -> _Flight:
        """A new run, of the current generation; the caller holds the lock and leads it."""
        flight = _Flight(started=self._clock(), generation=slot.generation)
        slot.latest = flight
        return flight

    def _answer(self, slot: _Slot, flight: _Flight, fetch: Callable[[], Sequence[R]], *, leader: bool) -> list[R]:
        """Run ``fetch`` as the leader of ``flight``, or wait for its leader; a failure is not kept."""
        if leader:
            try:
                flight.records = list(fetch())
            except BaseException as err:
                flight.error = err
                with self._lock:
                    if slot.latest is flight:
                        slot.latest = None  # a failure serves only those who waited for this run
                raise
            finally:
                flight.done.set()
        else:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
        assert flight.records is not None
        return list(flight.records)

    def _usable(self, slot: _Slot) -> Optional[_Flight]:
        flight = slot.latest
        if flight is None or flight.generation != slot.generation:
            return None
        if self._clock() - flight.started > self._window_s:
            return None
        return flight
