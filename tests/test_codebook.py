"""The CAMEO codebook data file and its loader."""

from __future__ import annotations

import pytest

from transforms.events.codebook import Codebook


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return Codebook.load()


def test_every_root_and_code_is_there_with_leading_zeros(codebook):
    assert codebook.roots() == [f"{n:02d}" for n in range(1, 21)]
    assert len(codebook) == 311
    for code in ("010", "0211", "0256", "036", "043", "057", "0874", "1056", "1125", "1246", "1385",
                 "166", "1663", "1724", "1823", "2042"):
        assert code in codebook, code
    assert "10" in codebook and "010" in codebook and codebook["10"].name != codebook["010"].name


def test_each_code_has_its_root_parent_quad_class_and_score(codebook):
    for code in codebook.event_codes():
        entry = codebook[code]
        assert entry.root == code[:2]
        assert entry.level == len(code) - 1
        parent = code[:3] if len(code) == 4 else code[:2]
        assert parent in codebook
        root = int(entry.root)
        expected_quad = 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4
        assert entry.quad_class == expected_quad, code
        assert -10.0 <= entry.goldstein <= 10.0
        assert entry.name and len(entry.name) < 60


def test_goldstein_values_follow_the_pinned_source(codebook):
    # Spot checks against the GDELT CAMEO.goldsteinscale.txt values the README names.
    assert codebook["040"].goldstein == 1.0
    assert codebook["043"].goldstein == 2.8
    assert codebook["057"].goldstein == 8.0
    assert codebook["0874"].goldstein == 10.0
    assert codebook["130"].goldstein == -4.4
    assert codebook["1823"].goldstein == -10.0
    assert codebook["016"].goldstein == -2.0


def test_plover_types_cover_every_root_but_bare_statements(codebook):
    plover = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
              "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
    for code in codebook.event_codes():
        value = codebook[code].plover_type
        if code.startswith("01"):
            assert value is None or value in plover
        else:
            assert value in plover, code
    assert codebook["043"].plover_type == "CONSULT"
    assert codebook["0871"].plover_type == "RETREAT"
    assert codebook["163"].plover_type == "SANCTION"
    assert codebook["010"].plover_type is None


def test_malformed_codebooks_are_refused_with_the_line():
    header = "code,name,root,level,quad_class,goldstein,plover_type\n"
    with pytest.raises(ValueError, match="header"):
        Codebook.load("code,name\n01,x\n")
    with pytest.raises(ValueError, match="line 2"):
        Codebook.load(header + "1,Bad,01,1,1,0.0,\n")
    with pytest.raises(ValueError, match="twice"):
        Codebook.load(header + "01,A,01,1,1,0.0,\n01,B,01,1,1,0.0,\n")
    with pytest.raises(ValueError, match="out of range"):
        Codebook.load(header + "01,A,01,1,1,12.0,\n")
    with pytest.raises(ValueError, match="no parent"):
        Codebook.load(header + "01,A,01,1,1,0.0,\n0211,B,02,3,1,3.4,REQUEST\n")
    with pytest.raises(KeyError, match="not a CAMEO code"):
        Codebook.load()["999"]
