"""wiretls: a sans-IO TLS connection (the 2014 "Python TLS API" design).

The application moves bytes (``Connection.data_from_wire``,
``Connection.data_from_application``); the connection hands ciphertext to
``write_to_wire_callback``, asks the transport to close through
``wire_close_callback(immediate)``, lets ``verify_callback`` veto a peer
after the built-in checks, and asks certificate stores implemented in Python
for chains, which may answer later. ``engine=`` picks the TLS library
(``wiretls.ENGINES`` lists those of this build; "rustls" is the default).

See docs/python.md for the mapping of every line of the design.
"""

from . import _wiretls
from ._wiretls import *  # noqa: F401,F403  (the whole API lives in the extension)
from ._wiretls import __version__  # noqa: F401

__all__ = [name for name in dir(_wiretls) if not name.startswith("_")]
