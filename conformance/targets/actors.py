"""The default actors and their accounts and credentials, for emulators and for real AWS.

Emulator targets follow LocalStack's convention: an actor's access key id *is* its 12-digit account id, so an
emulator can tell callers apart from the SigV4 ``Authorization`` header alone. The secret is the documented
dummy :data:`DUMMY_SECRET`; emulators do not check it, but botocore must sign with something explicit so it
never falls back to the user's real credentials.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

#: Region of every emulator target unless a config says otherwise.
DEFAULT_REGION = "us-east-1"

#: The documented dummy secret key of every emulator actor (not a credential: emulators ignore it).
DUMMY_SECRET = "conformance"

#: Actor name → account id on emulator targets. ``member2`` exists for scenarios with two voting members.
EMULATOR_ACCOUNTS: Mapping[str, str] = MappingProxyType(
    {
        "creator": "111111111111",
        "member": "222222222222",
        "outsider": "333333333333",
        "member2": "444444444444",
    }
)

#: Actors of a real-AWS target when no config lists them; each uses the AWS profile ``conformance-<name>``.
DEFAULT_AWS_ACTORS = ("creator", "member", "outsider")
AWS_PROFILE_PREFIX = "conformance-"

#: Every target needs this actor: probes and ledger deletions of collaborations run as it.
REQUIRED_ACTOR = "creator"

# Actor names end up as template variables (``accounts.member2``) and in file names, so keep them identifiers.
_ACTOR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ACCOUNT_ID = re.compile(r"[0-9]{12}")


def is_actor_name(name: str) -> bool:
    return _ACTOR_NAME.fullmatch(name) is not None


def is_account_id(value: str) -> bool:
    return _ACCOUNT_ID.fullmatch(value) is not None
