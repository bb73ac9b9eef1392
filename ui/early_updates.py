"""Element updates made while a page is being built are not recorded.

NiceGUI records every change to an element (each `.classes()`, `.props()`, `.text =`) in the client's outbox,
to send over the socket, and then, when it renders the page's HTML from the elements as they are, clears that
record unsent (Client.build_response). Until then the record only costs: a weak-dictionary entry per element
changed (9% of building the 250 ms "My compliance" page of a supervisor with many records, py-spy). So until the
page's HTML is built, a change is not recorded: the HTML carries it; after, NiceGUI's own outbox sends it.
"""

from __future__ import annotations

from nicegui.element import Element
from nicegui.outbox import Outbox

_enqueue_update = Outbox.enqueue_update  # NiceGUI's own


def enqueue_update(self: Outbox, element: Element) -> None:
    client = self.client  # raises, as NiceGUI's does, once the client is gone
    if not getattr(client, "_response_built", False):  # False also while NiceGUI makes the client
        client.check_existence()
        return
    _enqueue_update(self, element)


def install() -> None:
    Outbox.enqueue_update = enqueue_update  # type: ignore[method-assign]

