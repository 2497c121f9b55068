"""The committed NBB snapshot is exactly what its generator makes: nothing edited by hand."""

from __future__ import annotations

from tools.snapshot_generator import nbb_regional_accounts


def test_generator_reproduces_the_committed_snapshot_byte_for_byte(capsys):
    assert nbb_regional_accounts.main(["--verify"]) == 0
    out = capsys.readouterr().out
    assert "180 of 180 regional-accounts figures reproduced" in out
    assert "byte for byte" in out
