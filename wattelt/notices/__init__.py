"""Notices: the resident and their own organisation are told when the case director changes, an
organisation stops working with the resident, or a login link is made for the resident or for
someone of their network.

``services`` records them (called where those changes happen) and reads them back for whoever
may see them; ``wording`` says them in easy words for the resident and in short for
professionals; ``blueprint`` lets the resident mark them as read. The blueprint lives in its own
module, so recording a notice never imports a route."""
