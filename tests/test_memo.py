from sitrep.memo import BoundedMemo


def test_memo_computes_each_key_once_and_keeps_falsy_and_none_results():
    calls = []

    def f(x):
        calls.append(x)
        return None if x == "none" else (x == "yes")
    memo = BoundedMemo(f, size=10)
    assert [memo(k) for k in ("yes", "no", "none", "yes", "no", "none")] == [True, False, None] * 2
    assert calls == ["yes", "no", "none"]


def test_memo_never_holds_more_than_its_size():
    memo = BoundedMemo(len, size=3)
    for word in ("one", "three", "eleven", "twenty", "hundred", "thousand", "million"):
        assert memo(word) == len(word)
        assert len(memo) <= 3
