r"""The systematic generators: named, exhaustive families of variants around each operation's baselines.

* ``boundary`` — the minimum, the maximum and a middle value of every length, range and item-count constraint.
* ``enum`` — every value of every enum member (list items included).
* ``optionals`` — the required members only, each optional member alone (at every depth), and all members.
* ``negative`` — one broken constraint at a time, of every kind that applies at each site.
* ``echo`` — every optional input member of a Create/Update, then the round trip through Get and List.
* ``actors`` — the baseline called by every actor (permissions: 403 vs 404, A16).

Every variant is checked against the model before it is offered (:func:`check_input`): a valid variant must
have no violation, an invalid one exactly the planted kind at the planted path (plus, at most, a weaker
"matches only unanchored" pattern finding there). Sites where one constraint cannot be broken alone (a
37-character id also breaks its fixed-length pattern) are dropped and counted, not mislabelled.

Patterns are read as Smithy reads them (unanchored, SMITHY-C): a "bad pattern" value that only the anchored
reading refuses (``'   '`` for ``keyPrefix``, whose ``[\w!.=*/-]*`` matches somewhere in every string) is an
``inferred`` variant, never a ``model`` one; valid values satisfy both readings.

Everything is generated from the model at one release (``at``, default the installed model): an older release
has fewer operations, members and enum values, other requirements and caps, and its own seeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from botocore.model import Shape

from conformance.fuzz.builders import UnbuildableShape, full_value
from conformance.fuzz.catalogue import STRATEGIES
from conformance.fuzz.execute import Broken, Variant
from conformance.fuzz.paths import KeyOf, Path, delete_at, get_at, join_entry, replace_at
from conformance.fuzz.refs import Ref, placeholders
from conformance.fuzz.refusals import planned_refusal
from conformance.fuzz.seeds import OPAQUE_MEMBERS, Baseline, OperationSeed, seed_for
from conformance.fuzz.sites import URI, Site, walk
from conformance.fuzz.values import (
    bounds,
    middle,
    pattern_breaker,
    sample_string,
    too_long_string,
    too_short_string,
    unknown_enum,
    wrong_types,
)
from conformance.model import families
from conformance.model.patterns import compile_pattern
from conformance.model.releases import LATEST_MODEL, ModelAt
from conformance.model.shapecheck import check_input
from conformance.model.violations import ViolationKind
from conformance.model.vocabulary import ACTORS, EvidenceLevel

#: Operations whose successful calls have round-trip reads (see :mod:`conformance.fuzz.readback`), declared by
#: their families.
ROUND_TRIPS = families.ROUND_TRIPS

#: Constraint kind → the violation the shape checker reports for it.
KIND_VIOLATION: Mapping[str, ViolationKind] = {
    "too-long": ViolationKind.LENGTH,
    "too-short": ViolationKind.LENGTH,
    "bad-pattern": ViolationKind.PATTERN,
    "unknown-enum": ViolationKind.ENUM,
    "too-many-items": ViolationKind.ITEM_COUNT,
    "too-few-items": ViolationKind.ITEM_COUNT,
    "missing-required": ViolationKind.MISSING_REQUIRED,
    "two-union-members": ViolationKind.UNION,
    "zero-union-members": ViolationKind.UNION,
    "wrong-type": ViolationKind.WRONG_TYPE,
    "below-range": ViolationKind.RANGE,
    "above-range": ViolationKind.RANGE,
}


@dataclass(frozen=True, slots=True)
class Generated:
    """The variants of one strategy for one operation, and the candidates that were dropped."""

    variants: tuple[Variant, ...]
    dropped: tuple[str, ...] = ()
    """One line per candidate that could not be made to break (or keep) exactly what it should."""


@cache
def generate(strategy: str, operation_name: str, at: ModelAt = LATEST_MODEL) -> Generated:
    """The variants of ``strategy`` for ``operation_name`` at a release (deterministic, cached per process)."""
    if strategy not in _GENERATORS:
        raise ValueError(f"unknown systematic strategy {strategy!r}; known: {', '.join(STRATEGIES)}")
    seed = seed_for(operation_name, at)
    shape = at.operation(operation_name).input_shape
    if shape is None:
        return Generated(())
    kept: dict[tuple[str, str], Variant] = {}
    dropped: list[str] = []
    for candidate in _GENERATORS[strategy](seed, shape):
        confirmed = checked(candidate, at=at)
        if isinstance(confirmed, str):
            dropped.append(f"{candidate.label}: {confirmed}")
            continue
        if confirmed.valid:
            # A valid input must succeed unless the spec or the caller's standing says why not (the plan).
            refusal = planned_refusal(operation_name, confirmed.actor, confirmed.params, at)
            confirmed = replace(confirmed, refusal=refusal)
        kept.setdefault((confirmed.actor, _key(confirmed)), confirmed)
    return Generated(tuple(kept.values()), tuple(dropped))


def _key(variant: Variant) -> str:
    return repr(sorted(variant.params.items(), key=lambda kv: kv[0])) + repr(variant.broken)


# --- the generators ------------------------------------------------------------------------------------------


def _boundary(seed: OperationSeed, shape: Shape) -> Iterator[Variant]:
    for baseline in seed.baselines:
        for site in _sites(shape, baseline):
            if _is_reference(baseline, site) or site.name in OPAQUE_MEMBERS:
                continue
            for label, value in _boundary_values(site, get_at(baseline.params, site.path)):
                params = replace_at(baseline.params, site.path, value)
                yield _variant("boundary", seed, params, f"{site.text} {label}")


def _boundary_values(site: Site, current: Any) -> Iterator[tuple[str, Any]]:
    low, high = bounds(site.shape)
    if low is None and high is None:
        return
    kind = site.shape.type_name
    points = _points(low, high)
    for name, point in points:
        if kind == "string" and not site.shape.metadata.get("enum"):
            text = sample_string(site.shape, point)
            if text is not None:
                yield f"length {point} ({name})", text
        elif kind in ("integer", "long"):
            yield f"value {point} ({name})", point
        elif kind == "list" and isinstance(current, list):
            yield f"{point} items ({name})", _resized_list(site.shape, current, point)
        elif kind == "map" and isinstance(current, dict):
            yield f"{point} entries ({name})", _resized_map(site.shape, current, point)


def _points(low: int | None, high: int | None) -> list[tuple[str, int]]:
    points: list[tuple[str, int]] = []
    if low is not None:
        points.append(("min", low))
    if high is not None:
        points.append(("max", high))
    if low is not None and high is not None and high - low > 1:
        points.append(("middle", middle(low, high)))
    return points


def _enum(seed: OperationSeed, shape: Shape) -> Iterator[Variant]:
    for baseline in seed.baselines:
        for site in _sites(shape, baseline):
            values = site.shape.metadata.get("enum")
            if not values or site.is_key:
                continue
            for value in values:
                params = replace_at(baseline.params, site.path, value)
                yield _variant("enum", seed, params, f"{site.text} = {value}")


def _optionals(seed: OperationSeed, shape: Shape) -> Iterator[Variant]:
    required, full = seed.required, seed.full
    yield _variant("optionals", seed, required.params, "required members only")
    yield _variant("optionals", seed, full.params, "every member")
    for name, value in full.params.items():
        if name not in required.params:
            yield _variant("optionals", seed, {**required.params, name: value}, f"{name} alone")
    for site in _sites(shape, full):
        if site.holder is None or len(site.path) < 2 or site.required or site.holder.metadata.get("union"):
            continue
        holder_path = site.path[:-1]
        holder = get_at(full.params, holder_path)
        params = full.params
        for sibling in list(holder):
            if sibling != site.member and sibling not in site.holder.required_members:
                params = delete_at(params, (*holder_path, sibling))
        yield _variant("optionals", seed, params, f"{site.text} alone in its structure")


def _negative(seed: OperationSeed, shape: Shape) -> Iterator[Variant]:
    for baseline in seed.baselines:
        for site in _sites(shape, baseline):
            for name, edit in breakers(site):
                try:
                    params = edit(baseline.params)
                except (UnbuildableShape, KeyError):
                    continue
                kind = name.split(":", 1)[0]
                raw = kind == "wrong-type" and site.in_body
                broken = Broken(kind, broken_path(site, baseline.params, params), site.name)
                label = breaker_label(site, name)
                yield _variant("negative", seed, params, label, broken=broken, raw=raw)


Edit = Callable[[Mapping[str, Any]], Any]


def breaker_label(site: Site, name: str) -> str:
    """``members[0].displayName: wrong-type (number)`` for the breaker ``wrong-type:number``."""
    kind, _, detail = name.partition(":")
    return f"{site.text}: {kind}" + (f" ({detail})" if detail else "")


def breakers(site: Site) -> Iterator[tuple[str, Edit]]:
    shape, path = site.shape, site.path
    kind = shape.type_name

    def put(value: Any) -> Edit:
        return lambda params: replace_at(params, path, value)

    if site.required and site.location != URI and not site.is_key:
        yield "missing-required", lambda params: delete_at(params, path)
    if kind == "string":
        for name, value in (("too-long", too_long_string(shape)), ("too-short", too_short_string(shape))):
            if value is not None:
                yield name, put(value)
        if site.is_key:
            return
        breaker = pattern_breaker(shape)
        if breaker is not None:
            yield "bad-pattern", put(breaker[0])
        enum_value = unknown_enum(shape)
        if enum_value is not None:
            yield "unknown-enum", put(enum_value)
    elif kind in ("integer", "long"):
        below, above = bounds(shape)
        if below is not None:
            yield "below-range", put(below - 1)
        if above is not None:
            yield "above-range", put(above + 1)
    elif kind in ("list", "map"):
        low, high = bounds(shape)
        if high is not None:
            yield "too-many-items", _resize(shape, path, high + 1)
        if low:
            yield "too-few-items", _resize(shape, path, low - 1)
    elif kind == "structure" and shape.metadata.get("union"):
        names = list(shape.members)
        if len(names) >= 2:
            both = {name: full_value(shape.members[name]) for name in names[:2]}
            yield "two-union-members", lambda params: replace_at(params, path, _keep_first(get_at(params, path), both))
        yield "zero-union-members", put({})
    if site.is_key or site.location not in (None, "querystring"):
        return  # a path value is text on the wire, whatever its type; map keys are always text
    for json_type, value in wrong_types(shape, in_query=site.location == "querystring"):
        yield f"wrong-type:{json_type}", put(value)


def broken_path(site: Site, before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    """Where the checker reports the planted violation: renaming a map key moves the entry's path."""
    last = site.path[-1]
    if not isinstance(last, KeyOf):
        return site.text
    old_keys = get_at(before, site.path[:-1])
    new_keys = [k for k in get_at(after, site.path[:-1]) if k not in old_keys]
    if not new_keys:
        return site.text
    return site.text[: -len(join_entry("", last.key))] + join_entry("", new_keys[0])


def _resize(shape: Shape, path: Path, count: int) -> Edit:
    resize = _resized_list if shape.type_name == "list" else _resized_map

    def edit(params: Mapping[str, Any]) -> Any:
        return replace_at(params, path, resize(shape, get_at(params, path), count))

    return edit


def _keep_first(current: Any, both: Mapping[str, Any]) -> dict[str, Any]:
    """The union as it was plus a second member (so the first stays the baseline's)."""
    merged = dict(current) if isinstance(current, dict) else {}
    for name, value in both.items():
        merged.setdefault(name, value)
        if len(merged) >= 2:
            break
    return merged


def _echo(seed: OperationSeed, shape: Shape) -> Iterator[Variant]:
    if seed.operation not in ROUND_TRIPS:
        return
    required, full = seed.required, seed.full
    yield _variant("echo", seed, full.params, "every member, read back", lists=True)
    for name, value in full.params.items():
        if name not in required.params:
            yield _variant("echo", seed, {**required.params, name: value}, f"{name}, read back", lists=True)


def _actors(seed: OperationSeed, shape: Shape) -> Iterator[Variant]:
    for baseline in seed.baselines:
        for actor in ACTORS:
            label = f"{baseline.name} members, called by {actor}"
            yield replace(_variant("actors", seed, baseline.params, label), actor=actor)


_GENERATORS: Mapping[str, Callable[[OperationSeed, Shape], Iterator[Variant]]] = {
    "boundary": _boundary,
    "enum": _enum,
    "optionals": _optionals,
    "negative": _negative,
    "echo": _echo,
    "actors": _actors,
}


# --- helpers --------------------------------------------------------------------------------------------------


def _variant(
    strategy: str,
    seed: OperationSeed,
    params: Mapping[str, Any],
    label: str,
    *,
    broken: Broken | None = None,
    raw: bool = False,
    lists: bool = False,
) -> Variant:
    return Variant(strategy, seed.operation, seed.actor, dict(params), label, broken=broken, raw=raw, lists=lists)


def _sites(shape: Shape, baseline: Baseline) -> Iterator[Site]:
    return walk(shape, baseline.params)


def _is_reference(baseline: Baseline, site: Site) -> bool:
    if isinstance(site.path[-1], KeyOf):
        return False
    return isinstance(get_at(baseline.params, site.path), Ref)


def _resized_list(shape: Shape, current: Any, count: int) -> list[Any]:
    items = list(current) if isinstance(current, list) else []
    if not items:
        items = [full_value(shape.member)]
    return [items[i % len(items)] for i in range(count)]


def _resized_map(shape: Shape, current: Any, count: int) -> dict[str, Any]:
    entries = dict(current) if isinstance(current, dict) else {}
    value = next(iter(entries.values()), None)
    if value is None:
        value = full_value(shape.value)
    return {_map_key(shape.key, index): value for index in range(count)}


def _map_key(shape: Shape, index: int) -> str:
    """A distinct valid key per index (``key0007``), or a pattern sample with the index as its tail."""
    candidate = f"key{index:04d}"
    low, high = bounds(shape)
    pattern = shape.metadata.get("pattern")
    fits = (low is None or len(candidate) >= low) and (high is None or len(candidate) <= high)
    if fits and (pattern is None or compile_pattern(pattern).fullmatch(candidate)):
        return candidate
    base = sample_string(shape, max(low or 1, 8))
    if base is None:
        raise UnbuildableShape(f"no key for {shape.name}")
    return base[: -len(str(index))] + str(index)


def checked(variant: Variant, *, at: ModelAt = LATEST_MODEL) -> Variant | str:
    """The variant, confirmed by the model checker at ``at`` (its evidence level corrected), or why it is dropped.

    A planted pattern violation that only the anchored reading sees (the checker's ``inferred`` verdict) makes
    the variant ``inferred``: Smithy's reading accepts the value, so no model-level failure may rest on it.
    """
    found = check_input(variant.operation, placeholders(variant.params), at=at)
    broken = variant.broken
    if broken is None:
        return "; ".join(str(v) for v in found) or variant
    wanted = KIND_VIOLATION[broken.kind]
    planted = [v for v in found if v.path == broken.path and v.kind is wanted]
    if not planted:
        return f"the model checker does not see a {wanted.value} violation at {broken.path}"
    others = [v for v in found if v not in planted and not (v.path == broken.path and v.evidence == "inferred")]
    if others:
        return "it breaks more than one constraint: " + "; ".join(str(v) for v in others)
    if all(v.evidence == "inferred" for v in planted):
        return replace(variant, broken=replace(broken, level=EvidenceLevel.INFERRED))
    return variant
