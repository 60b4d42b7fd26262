"""统一社会信用代码 (GB 32100-2015): our vectorised check against python-stdnum's ``cn.uscc``.

``geo.registry.credit_code_valid`` keeps its own check (vectorised: a registry has 100,000
rows); here it must agree with the maintained implementation on the check character, and
on whole codes in the form python-stdnum accepts (the first eight characters digits).
python-stdnum is stricter on the form than the standard: a code may begin with ``Y``
(registration authority "other"), which it rejects, so only the check character is
compared for codes of any form.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from geo.registry import credit_code_valid

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100: the digits and 21 letters (no I O S V Z)


@given(body=st.text(alphabet=ALPHABET, min_size=17, max_size=17),
       last=st.sampled_from(ALPHABET))
def test_check_character_agrees_with_python_stdnum(body: str, last: str) -> None:
    code = body + last
    assert bool(credit_code_valid([code])[0]) == (uscc.calc_check_digit(body) == last)


@given(head=st.text(alphabet="0123456789", min_size=8, max_size=8),
       tail=st.text(alphabet=ALPHABET, min_size=9, max_size=9),
       last=st.sampled_from(ALPHABET), lower=st.booleans())
def test_whole_codes_agree_with_python_stdnum(head: str, tail: str, last: str,
                                              lower: bool) -> None:
    code = head + tail + last
    code = code.lower() if lower else code
    assert bool(credit_code_valid([code])[0]) == uscc.is_valid(code)


def test_python_stdnum_accepts_what_the_check_accepts_with_its_own_check_character() -> None:
    bodies = ["91350100M000100Y4", "91440300MA5DC7XH0", "Y1440300MA5DC7XH0"]
    codes = [b + uscc.calc_check_digit(b) for b in bodies]
    assert credit_code_valid(codes).all()
    assert [uscc.is_valid(c) for c in codes] == [True, True, False]  # stdnum: digits first
