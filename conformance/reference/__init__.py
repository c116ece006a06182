"""The reference emulator: an in-memory AWS Clean Rooms server speaking restJson1 over HTTP.

It is the suite's default target (showing that the spec's expectations can be met) and a standalone
emulator (``cleanrooms-conformance serve``). It implements the 14 collaboration, member, membership and
change-request operations; any other request gets 404 UnknownOperationException.

Callers are identified by their access key id, which must be their 12-digit account id (LocalStack's
convention); signatures are not checked. Where the spec leaves room, the emulator takes these readings
(keys of ``docs/behaviour.md``; each rule carries its key in the code too):

* The creator is INVITED in its own collaboration until it calls CreateMembership (§7); ACTIVE members other
  than the creator vote (A1); with no voter a request is APPROVED at once, without ``approvals`` (A2); the
  creator never votes (A3, 403); a fully auto-approved request is COMMITTED and applied at once (A4).
* Wrong actor → 403, wrong state or a second vote → 409 INVALID_STATE (A5, A7); CANCEL from PENDING or
  APPROVED (A9); a second open request touching the same member → 409 ALREADY_EXISTS (A10).
* Unknown ids: 404 where the model declares it (A8: resourceType COLLABORATION for members and change
  requests), 403 where it does not and for callers without standing (A16). A deleted collaboration is gone:
  403 on Get/Update/Delete (deleting it again too), 404 elsewhere, memberships become COLLABORATION_DELETED.
* ``autoApprovedChangeTypes`` is echoed whenever ``autoApprovedChangeRequestTypes`` was given, ``[]`` too.
* The creator cannot remove itself (400 INVALID_CONFIGURATION); REMOVED/LEFT accounts cannot re-join (403)
  and cannot be changed or re-added by a change request (409 INVALID_STATE).
* Lists: default page 50, ``nextToken`` only when more items exist, signed tokens bound to their list,
  scope and filter (A15); every list in creation order, ascending unless configured (A6).

Where more than one answer is defensible, :class:`EmulatorConfig` switches to another *reading*
(``docs/emulator-readings.md``): ``patterns`` (SMITHY-C), ``unknown_ids`` (A16), ``bad_json`` (SMITHY) and
``api_version`` (the API of an older SDK release, §8). The defaults are the readings above.
"""

from __future__ import annotations

from conformance.reference.config import EmulatorConfig
from conformance.reference.defects import DEFECTS
from conformance.reference.emulator import Emulator
from conformance.reference.server import ReferenceServer, serve_forever

__all__ = ["DEFECTS", "Emulator", "EmulatorConfig", "ReferenceServer", "serve_forever"]
