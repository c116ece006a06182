"""Scale: step and list-call cost with 10, 1,000 and 10,000 change requests stored in one collaboration.

For each size a fresh reference emulator (in this process) gets one collaboration whose creator has made and
cancelled that many change requests, plus one left APPROVED at the end. Requests are seeded through
``Emulator.handle`` directly (fast), then measured two ways: the emulator alone (``Emulator.handle``, no HTTP,
no boto3: the most sensitive to growth) and end to end through the suite's own ``RunningTarget.call``.

The lists measured: the first page (maxResults 10), a page in the middle and the last page (reached with a
``nextToken``), a status filter that matches every request (CANCELLED) and one that matches only the last
(APPROVED, the sparse case); and ListCollaborations of a creator who also made and deleted that many
collaborations (what a suite run leaves behind: every scenario deletes what it made). The steps:
GetCollaborationChangeRequest, GetCollaboration, and creating then cancelling a request. The target is that a
list page with 10,000 stored requests costs within 2x of one with 10 (the emulator's cost must not grow with
what is stored beyond what the page returns).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from urllib.parse import quote, urlencode

from benchmarks import common
from conformance.model.service import operation
from conformance.reference import ReferenceServer
from conformance.reference.emulator import Emulator
from conformance.targets.actors import EMULATOR_ACCOUNTS
from conformance.targets.running import RunningTarget

NAME = "scale"
SIZES = (10, 1000, 10000)
TARGET_RATIO = 2.0


def _authorization(account: str) -> str:
    # The emulator reads the account from the Credential; it does not verify signatures.
    return (
        f"AWS4-HMAC-SHA256 Credential={account}/20260101/us-east-1/cleanrooms/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )


def http_request(name: str, params: Mapping[str, Any]) -> tuple[str, str, bytes]:
    """Method, request target and body of an operation call, laid out by the model's member locations."""
    info = operation(name)
    members = info.input_shape.members if info.input_shape is not None else {}
    path = info.request_uri
    query: dict[str, Any] = {}
    body: dict[str, Any] = {}
    for member, value in params.items():
        where = members[member].serialization
        key = where.get("name", member)
        if where.get("location") == "uri":
            path = path.replace("{" + key + "}", quote(str(value), safe=""))
        elif where.get("location") == "querystring":
            query[key] = value
        else:
            body[member] = value
    target = f"{path}?{urlencode(query)}" if query else path
    return info.http_method, target, json.dumps(body).encode() if body else b""


@dataclass(frozen=True, slots=True)
class Direct:
    """Calls an :class:`Emulator` in this process, skipping HTTP and boto3."""

    emulator: Emulator

    def __call__(self, actor: str, name: str, params: Mapping[str, Any]) -> Any:
        method, target, body = http_request(name, params)
        response = self.emulator.handle(method, target, _authorization(EMULATOR_ACCOUNTS[actor]), body)
        if response.status >= 300:
            raise RuntimeError(f"{name} as {actor}: HTTP {response.status} {response.body[:200]!r}")
        return json.loads(response.body) if response.body else None


_SMALL_COLLABORATION: dict[str, Any] = {
    "members": [],
    "creatorMemberAbilities": [],
    "creatorDisplayName": "creator",
    "queryLogStatus": "DISABLED",
}


def _change(account: str) -> list[dict[str, Any]]:
    spec = {"member": {"accountId": account, "memberAbilities": [], "displayName": "scale"}}
    return [{"specificationType": "MEMBER", "specification": spec}]


@dataclass(frozen=True, slots=True)
class Seeded:
    collaboration: str
    last_request: str
    middle_token: str
    last_token: str


def seed(direct: Direct, size: int) -> Seeded:
    """One collaboration with ``size`` cancelled requests and one APPROVED request after them."""
    created = direct(
        "creator",
        "CreateCollaboration",
        {
            "name": f"scale-{size}",
            "members": [{"accountId": EMULATOR_ACCOUNTS["member"], "memberAbilities": [], "displayName": "member"}],
            "creatorMemberAbilities": ["CAN_QUERY", "CAN_RECEIVE_RESULTS"],
            "creatorDisplayName": "creator",
            "queryLogStatus": "DISABLED",
        },
    )
    collab = created["collaboration"]["id"]
    direct("creator", "CreateMembership", {"collaborationIdentifier": collab, "queryLogStatus": "DISABLED"})
    changes = _change(EMULATOR_ACCOUNTS["outsider"])
    for _ in range(size):
        # No voters (the member is only invited), so each request is APPROVED at once (A2) and can be cancelled.
        request = direct(
            "creator", "CreateCollaborationChangeRequest", {"collaborationIdentifier": collab, "changes": changes}
        )
        cancel = {
            "collaborationIdentifier": collab,
            "changeRequestIdentifier": request["collaborationChangeRequest"]["id"],
            "action": "CANCEL",
        }
        direct("creator", "UpdateCollaborationChangeRequest", cancel)
    last = direct(
        "creator", "CreateCollaborationChangeRequest", {"collaborationIdentifier": collab, "changes": changes}
    )
    for number in range(size):
        # As many collaborations made and deleted again, as a suite run leaves behind (ListCollaborations).
        made = direct("creator", "CreateCollaboration", {**_SMALL_COLLABORATION, "name": f"deleted-{number}"})
        direct("creator", "DeleteCollaboration", {"collaborationIdentifier": made["collaboration"]["id"]})
    tokens = _tokens(direct, collab, size + 1)
    return Seeded(collab, last["collaborationChangeRequest"]["id"], tokens[len(tokens) // 2], tokens[-1])


def _tokens(direct: Direct, collab: str, total: int) -> list[str]:
    """Every nextToken of a walk with pages of 10 (the middle and the last one are used)."""
    found: list[str] = []
    params: dict[str, Any] = {"collaborationIdentifier": collab, "maxResults": 10}
    while True:
        page = direct("creator", "ListCollaborationChangeRequests", params)
        token = page.get("nextToken")
        if token is None:
            return found or [""]
        found.append(token)
        params = {**params, "nextToken": token}


def probes(seeded: Seeded) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Label → (actor, operation, params) of every measured call."""
    collab = {"collaborationIdentifier": seeded.collaboration}
    listing = {**collab, "maxResults": 10}
    return {
        "list: first page": ("creator", "ListCollaborationChangeRequests", listing),
        "list: middle page": (
            "creator",
            "ListCollaborationChangeRequests",
            {**listing, "nextToken": seeded.middle_token},
        ),
        "list: last page": ("creator", "ListCollaborationChangeRequests", {**listing, "nextToken": seeded.last_token}),
        "list: status=CANCELLED (dense)": (
            "creator",
            "ListCollaborationChangeRequests",
            {**listing, "status": "CANCELLED"},
        ),
        "list: status=APPROVED (sparse)": (
            "creator",
            "ListCollaborationChangeRequests",
            {**listing, "status": "APPROVED"},
        ),
        "list: ListCollaborations, as many deleted": ("creator", "ListCollaborations", {"maxResults": 10}),
        "step: GetCollaborationChangeRequest": (
            "member",
            "GetCollaborationChangeRequest",
            {**collab, "changeRequestIdentifier": seeded.last_request},
        ),
        "step: GetCollaboration": ("member", "GetCollaboration", collab),
    }


def _create_and_cancel(call: Callable[[str, str, Mapping[str, Any]], Any], collab: str) -> Callable[[], None]:
    """A step pair that leaves the state as it was: open a request touching member2, then cancel it."""
    changes = _change(EMULATOR_ACCOUNTS["member2"])

    def run() -> None:
        request = call(
            "creator", "CreateCollaborationChangeRequest", {"collaborationIdentifier": collab, "changes": changes}
        )
        identifier = _request_id(request)
        call(
            "creator",
            "UpdateCollaborationChangeRequest",
            {"collaborationIdentifier": collab, "changeRequestIdentifier": identifier, "action": "CANCEL"},
        )

    return run


def _request_id(reply: Any) -> str:
    parsed = getattr(reply, "parsed", reply)  # a CallResult end to end, a dict directly
    if not parsed:
        raise RuntimeError(f"CreateCollaborationChangeRequest failed: {getattr(reply, 'error_code', reply)}")
    return str(parsed["collaborationChangeRequest"]["id"])


def measure(size: int, options: Any) -> dict[tuple[str, str], float]:
    """(label, "emulator" | "end to end") → median µs per call, for one store size."""
    server = ReferenceServer()
    url = server.start()
    try:
        direct = Direct(server.emulator)
        seeded = seed(direct, size)
        target = common.url_target(url)
        try:
            return _measure(direct, target, seeded, options)
        finally:
            target.close()
    finally:
        server.stop()


def _measure(direct: Direct, target: RunningTarget, seeded: Seeded, options: Any) -> dict[tuple[str, str], float]:
    def end_to_end(actor: str, name: str, params: Mapping[str, Any]) -> Any:
        result = target.call(actor, name, params)
        if not result.ok:
            raise RuntimeError(f"{name} as {actor}: {result.error_code or result.transport_error}")
        return result

    actions: dict[tuple[str, str], Callable[[], object]] = {}
    for label, (actor, name, params) in probes(seeded).items():
        actions[(label, "emulator")] = partial(direct, actor, name, params)
        actions[(label, "end to end")] = partial(end_to_end, actor, name, params)
    actions[("step: create + cancel a request", "emulator")] = _create_and_cancel(direct, seeded.collaboration)
    actions[("step: create + cancel a request", "end to end")] = _create_and_cancel(end_to_end, seeded.collaboration)
    for action in actions.values():
        for _ in range(20):
            action()
    found: dict[tuple[str, str], list[float]] = {key: [] for key in actions}
    for _ in range(options.repeats):
        for key, action in actions.items():
            count = options.calls if key[1] == "end to end" else options.calls * 10
            found[key].append(common.per_call_us(action, count))
    return {key: statistics.median(values) for key, values in found.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = common.parser(NAME, "step and list cost with 10, 1,000 and 10,000 stored change requests")
    parser.add_argument("--calls", type=int, default=200, help="end-to-end calls per figure (default 200)")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="stored requests (default 10 1000 10000)"
    )
    options = parser.parse_args(argv)
    report = common.start(NAME, options, "scale: cost per call against the number of stored change requests")
    sizes = sorted(options.sizes)
    by_size = {}
    for size in sizes:
        by_size[size] = measure(size, options)
    load = common.load_average()[0]
    smallest, largest = sizes[0], sizes[-1]
    print(f"  µs per call by stored change requests; ratio = {largest} / {smallest}")
    for key in by_size[smallest]:
        label, how = key
        figures = {f"n={size}": by_size[size][key] for size in sizes}
        report.row(f"{label} [{how}]", **figures, ratio=by_size[largest][key] / by_size[smallest][key])
    for how in ("end to end", "emulator"):
        for label in (
            "list: first page",
            "list: middle page",
            "list: last page",
            "list: status=APPROVED (sparse)",
            "list: ListCollaborations, as many deleted",
        ):
            ratio = by_size[largest][(label, how)] / by_size[smallest][(label, how)]
            report.check(
                common.Check(f"{label} [{how}], {largest} / {smallest}", ratio, TARGET_RATIO, False, "x", load)
            )
    return report.finish(options)


if __name__ == "__main__":
    raise SystemExit(main())
