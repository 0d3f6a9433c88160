"""The rubric dictionary and the keyword extractor."""

from __future__ import annotations

import jieba
import pytest

from matchers.keywords import KeywordExtractor, build_dictionary, rubric_terms
from pipeline.models import Bonus, BonusItem, Category, Item, Part, Rubric, SubItem


def _rubric() -> Rubric:
    sub = SubItem(
        id="15(12)",
        item_no=15,
        no=12,
        text="工贸专项“钢8条”“粉6条”未按期完成清零目标的；未印发“打非治违”行动方案的",
        cited_titles=("遂宁市城镇燃气安全排查整治工作实施方案",),
    )
    item = Item(no=15, title="严格落实“两书一函”和“巩固提升年”要求", points=9, sub_items=(sub,))
    part = Part("二", 2, "推动重点工作", 50, (Category("八", 8, "依法治安", 9, (item,)),))
    bonus = Bonus("加分项", 5, (BonusItem("B2", "实施“安办实体化”运行，加1分。", 1),))
    return Rubric(2022, "测试细则", (part,), bonus)


@pytest.fixture(scope="module")
def extractor() -> KeywordExtractor:
    return KeywordExtractor(build_dictionary(_rubric(), ["县住房城乡建设局", "县住建局"]))


def test_dictionary_has_quoted_terms_titles_domain_terms_and_departments() -> None:
    terms = build_dictionary(_rubric(), ["县住房城乡建设局", "县住建局"])
    for term in ("钢8条", "粉6条", "打非治违", "两书一函", "巩固提升年", "安办实体化"):
        assert term in terms
    assert "遂宁市城镇燃气安全排查整治工作实施方案" in terms
    assert {"双重预防机制", "挂牌督办", "安康杯", "五进"} <= set(terms)
    assert {"县住房城乡建设局", "县住建局"} <= set(terms)
    assert len(terms) == len(set(terms))


def test_rubric_terms_skip_generic_abbreviations() -> None:
    rubric = _rubric()
    assert "县级" not in rubric_terms(rubric)


def test_dictionary_terms_stay_whole(extractor: KeywordExtractor) -> None:
    tokens = extractor.tokens("今年开展钢8条粉6条清零，落实两书一函制度，推进巩固提升年")
    assert {"钢8条", "粉6条", "两书一函", "巩固提升年"} <= set(tokens)


def test_keywords_rank_domain_terms_first_and_are_deterministic(extractor: KeywordExtractor) -> None:
    text = (
        "蓬溪县住房和城乡建设局关于印发城镇燃气安全专项整治百日行动实施方案的通知。"
        "各燃气经营企业：为深入开展城镇燃气安全排查整治，落实液化石油气瓶追溯，现将百日行动方案印发给你们。"
    )
    first = extractor.keywords(text, top=5)
    assert first == extractor.keywords(text, top=5)
    assert {"城镇燃气", "百日行动"} <= set(first)
    assert len(extractor.keywords(text, top=3)) == 3


def test_keywords_of_empty_or_punctuation_text(extractor: KeywordExtractor) -> None:
    assert extractor.keywords("") == ()
    assert extractor.keywords("，。！ 123 ——") == ()


def test_private_tokenizer_leaves_the_global_one_alone(extractor: KeywordExtractor) -> None:
    extractor.tokens("钢8条")  # loads the private tokenizer
    assert extractor._load()[0] is not jieba.dt
    assert "钢8条" not in jieba.dt.FREQ or not jieba.dt.initialized


def test_the_tokenizer_is_loaded_on_first_use_only() -> None:
    """A run in which nothing changed never tokenizes: it must not pay ~100 MB and ~2 s for jieba."""
    fresh = KeywordExtractor(["钢8条"])
    assert fresh._loaded is None
    assert "钢8条" in fresh.keywords("落实钢8条要求，钢8条全面清零")
    assert fresh._loaded is not None


def test_cached_pieces_share_one_copy_of_each_word(extractor: KeywordExtractor) -> None:
    """A 台账's cells repeat words on every row; the cache of 200,000 pieces holds each word once."""
    first = extractor._piece_words("燃气管道隐患已整改")
    second = extractor._piece_words("".join(["燃气", "管道隐患未整改"]))  # built apart: a different str
    shared = set(first) & set(second)
    assert "燃气" in shared
    for word in shared:
        assert first[first.index(word)] is second[second.index(word)]
