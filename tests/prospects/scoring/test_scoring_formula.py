"""The schema reference's scoring formula, boundary by boundary, and the batch size limit."""
import pytest

from shared.platform.exceptions import PayloadTooLarge
from shared.prospects import scoring

pytestmark = pytest.mark.pooled


@pytest.mark.parametrize(
    "has_autoresponder, response_time_ms, is_personalized, is_generic, response_score",
    [
        (False, None, False, False, 0),     # no answer at all
        (False, 0, False, False, 30),
        (False, 999, False, False, 30),     # under a second
        (False, 1000, False, False, 15),    # a second is no longer "under a second"
        (False, 4999, False, False, 15),
        (False, 5000, False, False, 0),     # five seconds is slow
        (False, 3_600_000, False, False, 0),
        (False, None, False, True, 10),     # generic answer
        (False, None, True, False, 20),     # personalised answer
        (False, None, True, True, 20),      # personalised beats generic, never both
        (True, None, False, False, 50),     # autoresponder
        (True, 999, True, False, 100),
        (True, 1000, False, True, 75),
        (True, 5000, True, True, 70),
    ],
)
def test_response_score_follows_the_reference_formula(has_autoresponder, response_time_ms, is_personalized,
                                                      is_generic, response_score):
    test = scoring.ResponseTest(has_autoresponder=has_autoresponder, response_time_ms=response_time_ms,
                                  is_personalized=is_personalized, is_generic=is_generic)
    result = scoring.score(test)
    assert result.response_score == response_score
    assert result.automation_need_score == 100 - response_score


@pytest.mark.parametrize(
    "response_time_ms, is_personalized, is_generic, automation_need_score, high_priority",
    [
        (None, False, False, 100, True),
        (1000, False, True, 75, True),
        (999, False, False, 70, True),      # exactly 70 is high priority
        (1000, True, False, 65, False),     # just under
        (999, True, False, 50, False),
    ],
)
def test_high_priority_starts_at_an_automation_need_of_70(response_time_ms, is_personalized, is_generic,
                                                          automation_need_score, high_priority):
    test = scoring.ResponseTest(has_autoresponder=False, response_time_ms=response_time_ms,
                                  is_personalized=is_personalized, is_generic=is_generic)
    result = scoring.score(test)
    assert (result.automation_need_score, result.high_priority) == (automation_need_score, high_priority)


def test_a_batch_over_1000_prospects_is_too_large_before_any_validation():
    scoring.check_batch_size({"prospects": [{}] * 1000})
    with pytest.raises(PayloadTooLarge, match="at most 1000 prospects; got 1001"):
        scoring.check_batch_size({"prospects": [{}] * 1001})
