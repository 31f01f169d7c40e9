"""Pinyin features (nlu/components/pinyin_featurizer.py): a homophone that changes Jieba's cut
still shares its syllable pairs with the trained sentence when across_tokens is on."""

from typing import List, Set

from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components.pinyin_featurizer import PinyinFeaturizer


def sentence_columns(across_tokens: bool, words: List[str]) -> Set[int]:
    featurizer = PinyinFeaturizer({**PinyinFeaturizer.get_default_config(), "across_tokens": across_tokens},
                                  "pinyin")
    text, start, tokens = "".join(words), 0, []
    for word in words:
        tokens.append(Token(word, start))
        start += len(word)
    message = Message(data={TEXT: text, TOKENS_NAMES[TEXT]: tokens})
    featurizer.process([message])
    _sequence, sentence = message.get_sparse_features(TEXT)
    return set(sentence.features.tocoo().col)


def test_a_homophone_that_moves_the_cut_keeps_its_pairs_only_across_tokens():
    pair = PinyinFeaturizer({**PinyinFeaturizer.get_default_config()}, "pinyin")._column("bao_ka")
    trained = ["医保卡", "里"]  # Jieba's cut of what was trained
    heard = ["医报", "卡里"]  # a homophone, cut differently
    assert pair in sentence_columns(False, trained) and pair in sentence_columns(True, trained)
    assert pair not in sentence_columns(False, heard)
    assert pair in sentence_columns(True, heard)
