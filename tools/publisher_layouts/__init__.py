"""Writers of the publishers' real file layouts, for the snapshot generator and the test
fixtures: what Statbel, be.STAT, RSZ and VDAB serve, built from our own figures. Where each
layout is shown publicly is in tests/fixtures/README.md."""
