"""The generator of the embedded snapshot (extract/snapshot/): each publisher's files in its own
wire format, the real figures of facts/ unchanged, the rest modelled and flagged so in the
manifest. A development tool: nothing at run time imports it."""
