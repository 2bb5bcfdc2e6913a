"""The per-character pinyin reading table the search indexes by.

第十二条(一): operators type pinyin, initials, or let the IME pick a wrong homophone;
every reading of a polyphone must be indexed (重庆 chong/zhong, 银行 hang/xing,
长丰 chang/zhang) so that whichever the operator types finds the entry.
"""

from __future__ import annotations

from hotline_desk.core.kb.search.readings import LETTERS, reading_table


def test_polyphones_have_all_their_readings() -> None:
    table = reading_table()
    assert {"zhong", "chong"} <= set(table.readings("重"))
    assert {"hang", "xing"} <= set(table.readings("行"))
    assert {"chang", "zhang"} <= set(table.readings("长"))
    assert table.readings("公") == ("gong",)


def test_readings_are_toneless_with_v_for_u_umlaut() -> None:
    table = reading_table()
    assert "lv" in table.readings("绿")
    assert "nv" in table.readings("女")
    assert all(s.isascii() and s.isalpha() and s.islower() for s in table.syllables)


def test_non_chinese_characters_have_no_reading() -> None:
    table = reading_table()
    for char in "aZ1，。 ":
        assert table.reading_ids(char) == ()


def test_syllable_ids_and_prefixes() -> None:
    table = reading_table()
    assert list(table.syllables) == sorted(table.syllables)
    gong = table.syllable_id["gong"]
    assert table.syllables[gong] == "gong"
    assert gong in table.with_prefix("go")
    assert all(table.syllables[i].startswith("zh") for i in table.with_prefix("zh"))
    assert table.initial_of[gong] == LETTERS.index("g")


def test_homophones_share_a_reading() -> None:
    table = reading_table()
    homophones = table.homophones("积")
    assert "基" in homophones and "机" in homophones
    assert "积" not in homophones


def test_vectorised_table_agrees_with_the_dictionary() -> None:
    table = reading_table()
    for char in "重行长公积金银丰绿":
        start, count = int(table.start[ord(char)]), int(table.count[ord(char)])
        assert tuple(int(i) for i in table.flat[start : start + count]) == table.reading_ids(char)


def test_digest_identifies_the_table() -> None:
    assert reading_table().digest == reading_table().digest
    assert len(reading_table().digest) == 24
