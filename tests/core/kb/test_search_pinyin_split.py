"""Reading Latin letters as pinyin: full syllables, initials, or a mix.

第十二条(一): the operator types ``gongjijin``, ``gjj`` or ``gongjj`` while the
caller talks; the last syllable may still be unfinished.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from hotline_desk.core.kb.search.pinyin_split import TokenKind, segmentations
from hotline_desk.core.kb.search.readings import reading_table


def shapes(run: str, partial: bool = False) -> list[list[tuple[str, str]]]:
    return [[(t.kind.value, t.text) for t in seg] for seg in segmentations(run, partial)]


def test_full_pinyin() -> None:
    assert shapes("gongjijin") == [[("syllable", "gong"), ("syllable", "ji"),
                                    ("syllable", "jin")]]
    assert shapes("chongqing") == [[("syllable", "chong"), ("syllable", "qing")]]


def test_unfinished_last_syllable_while_typing() -> None:
    assert shapes("gongjij", partial=True) == [[("syllable", "gong"), ("syllable", "ji"),
                                                ("prefix", "j")]]
    assert shapes("gon", partial=True) == [[("prefix", "gon")]]
    assert shapes("gongjij") == [[("syllable", "gong"), ("syllable", "ji"), ("initial", "j")]]


def test_initials() -> None:
    assert shapes("gjjtq") == [[("initial", c) for c in "gjjtq"]]
    assert shapes("sfz") == [[("initial", c) for c in "sfz"]]


def test_syllables_mixed_with_initials() -> None:
    assert [("syllable", "gong"), ("initial", "j"), ("initial", "j")] in shapes("gongjj")


def test_a_syllable_being_typed_is_not_read_as_initials() -> None:
    """"sh" is the start of she/shi/shu…, not the initials s·h."""
    assert shapes("sh", partial=True) == [[("prefix", "sh")]]


def test_ime_spelling_of_lue_nue() -> None:
    assert shapes("lue") == [[("syllable", "lve")]]


def test_not_pinyin() -> None:
    assert segmentations("") == ()
    assert segmentations("12") == ()
    assert segmentations("iii") == ()


@given(st.lists(st.sampled_from(["gong", "ji", "jin", "zhu", "fang", "ti", "qu", "yi", "bao",
                                 "xian", "chang", "an", "e", "er", "zhuang", "huan"]),
                min_size=1, max_size=6),
       st.booleans())
def test_every_reading_spells_the_input(syllables: list[str], partial: bool) -> None:
    """Each segmentation joins back to the run; tokens are real syllables or prefixes."""
    run = "".join(syllables)
    table = reading_table()
    found = segmentations(run, partial)
    assert found
    for seg in found:
        assert "".join(t.text for t in seg) == run
        for i, token in enumerate(seg):
            if token.kind is TokenKind.SYLLABLE:
                assert table.is_syllable(token.text)
            elif token.kind is TokenKind.PREFIX:
                assert partial and i == len(seg) - 1 and token.syllable_ids(table)
            else:
                assert len(token.text) == 1
    spelt = [s for s in found if all(t.kind is not TokenKind.INITIAL for t in s)]
    assert spelt and min(len(s) for s in spelt) <= len(syllables)
